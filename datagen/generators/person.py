"""People and places: names, emails, phones, cities, drawn from Faker's data with numpy.

Columns of one group (``first_name``, ``last_name``, ``email`` of a row; or ``billing_*``) share a
latent person drawn from a table-level stream, so a row's email is made from that row's names,
whether or not the name columns exist, and adding a column changes no other column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import rand, textops
from .base import TEXT_TYPES, register
from .semantic import rule
from .text import UNBOUNDED, UniqueText, length_limit
from .words import cities, first_names, last_names, phone_formats

if TYPE_CHECKING:
    from ..columns import Block

# ``name`` alone means a person's full name in tables of people.
PEOPLE_TABLES = (
    r"(user|customer|client|employee|person|people|member|patient|author|contact|student|staff|"
    r"account|doctor|physician|driver|owner|buyer|seller|subscriber|player)s?\Z"
)
EMAIL_DOMAINS = np.array([b"example.com", b"example.org", b"example.net"])  # RFC 2606: no real mail


def person(gen: UniqueText, block: Block) -> tuple[np.ndarray, np.ndarray]:
    """(first name index, last name index) of each row's latent person in the column's group."""
    ctx = gen.ctx
    locale = ctx.dataset.locale

    def draw() -> tuple[np.ndarray, np.ndarray]:
        key = ctx.table_key("person", ctx.group)
        return first_names(locale).pick(key, block.idx, 0), last_names(locale).pick(
            key, block.idx, 1
        )

    return block.memo(("person", ctx.group), draw)


class _Text(UniqueText):
    types = TEXT_TYPES

    def finish(self, out: np.ndarray) -> np.ndarray:
        limit = length_limit(self.type)
        return textops.truncate_chars(out, limit) if limit else out


@register("first_name")
class FirstName(_Text):
    """A first name from the locale's list, weighted by frequency."""

    names = ("first_name", "firstname", "given_name", "fname")

    separator = b" "

    def generate(self, block: Block) -> np.ndarray:
        return self.finish(first_names(self.ctx.dataset.locale).words[person(self, block)[0]])


@register("last_name")
class LastName(_Text):
    """A last name from the locale's list, weighted by frequency."""

    names = ("last_name", "lastname", "family_name", "surname", "lname")

    separator = b" "

    def generate(self, block: Block) -> np.ndarray:
        return self.finish(last_names(self.ctx.dataset.locale).words[person(self, block)[1]])


@register("full_name")
class FullName(_Text):
    """``First Last`` of the row's person."""

    names = ("full_name", "fullname", rule("name", tables=PEOPLE_TABLES, note="in a table of people"))

    separator = b" "

    def generate(self, block: Block) -> np.ndarray:
        locale = self.ctx.dataset.locale
        first, last = person(self, block)
        out = np.strings.add(first_names(locale).words[first], b" ")
        return self.finish(np.strings.add(out, last_names(locale).words[last]))


@register("email")
class Email(_Text):
    """An address made from the row's person: ``jane.doe@example.org``, ``jdoe42@example.com``.

    Domains are the reserved example.com/.org/.net, so fixture data never reaches a real inbox.
    In ``varchar(n)`` an address stays an address: the local part (before ``@``) is shortened,
    never the domain, so ``n`` must be at least 13 (``j@example.com``).
    """

    names = ("email_address", "email", "e_mail", "mail")
    #: 2: too-long addresses shorten their local part instead of being cut anywhere
    version = 2
    DOMAIN_LENGTH = len("@example.com")

    def setup(self) -> None:
        limit = length_limit(self.type)
        if limit is None:
            return
        if limit < self.DOMAIN_LENGTH + 1:
            self.problem(
                f"an email needs at least {self.DOMAIN_LENGTH + 1} characters (j@example.com); "
                f"{self.type.ddl()} holds {limit}",
                f"declare the column as varchar({self.DOMAIN_LENGTH + 1}) or longer, or text",
            )
        elif self.ctx.unique and self.domain() == UNBOUNDED:
            # block-permuted suffixes stay below the row count rounded up to 65536
            rows = self.ctx.table.rows
            top = -(-max(rows, 1) // 65536) * 65536 - 1
            if len(str(top)) + self.DOMAIN_LENGTH > limit:
                self.problem(
                    f"{rows} unique emails need up to {len(str(top)) + self.DOMAIN_LENGTH} "
                    f"characters; {self.type.ddl()} holds {limit}",
                    "widen the column or lower rows",
                )

    def domain(self) -> int:
        limit = length_limit(self.type)
        if limit is None or limit >= 18:
            return UNBOUNDED
        return 10 ** max(limit - self.DOMAIN_LENGTH, 0)

    def parts(self, block: Block, numbered: bool = True) -> tuple[np.ndarray, np.ndarray]:
        locale, key, idx = self.ctx.dataset.locale, self.ctx.key(), block.idx
        first_i, last_i = person(self, block)
        first = first_names(locale).ascii[first_i]
        last = last_names(locale).ascii[last_i]
        style = rand.integers(key, idx, 8).astype(np.int64)
        head = np.where(style == 2, textops.from_matrix(textops.matrix(first)[:, :1]), first)
        sep = np.array([b".", b"", b"", b"_", b".", b"", b".", b""])[style]
        tail = np.where(style == 4, b"", last)
        digits = textops.ints(rand.integers(key, idx, 100, 1).astype(np.int64))
        num = np.where((style >= 4) & (style != 6) & numbered, digits, b"")
        local = np.strings.add(np.strings.add(np.strings.add(head, sep), tail), num)
        domain = EMAIL_DOMAINS[rand.integers(key, idx, len(EMAIL_DOMAINS), 2).astype(np.int64)]
        return local, np.strings.add(b"@", domain)

    def _fit(self, local: np.ndarray, tail: np.ndarray) -> np.ndarray:
        """``local + tail``, the local part shortened (and stripped of a trailing . or _) where
        the whole would not fit the column."""
        out = np.strings.add(local, tail)
        limit = length_limit(self.type)
        if limit is None:
            return out
        room = limit - textops.lengths(tail)
        too_long = textops.lengths(out) > limit
        if not too_long.any():
            return out
        cut = [
            bytes(v)[: max(int(r), 0)].rstrip(b"._") + bytes(t) if long else bytes(v) + bytes(t)
            for v, t, r, long in zip(local, tail, room, too_long, strict=True)
        ]
        return np.array(cut, dtype=f"S{max(1, *map(len, cut))}")

    def generate(self, block: Block) -> np.ndarray:
        local, domain = self.parts(block)
        return self._fit(local, domain)

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        local, domain = self.parts(block, numbered=False)  # the distinct number replaces it
        suffix = textops.ints(k.astype(np.int64))
        return self._fit(local, np.strings.add(suffix, domain))


@register("phone")
class Phone(_Text):
    """A phone number in one of the locale's formats (``(555)123-4567``, ``+1-555-123-4567``)."""

    # per template byte: 0 literal, 1 any digit, 2 digit 1-9, 3 digit 2-9 (Faker's # % $ marks)
    _KINDS = {ord("#"): 1, ord("!"): 1, ord("%"): 2, ord("@"): 2, ord("$"): 3}

    names = ("phone_number", "phone", "telephone", "mobile", "cell_phone")
    #: 2: in varchar(n), only the locale's formats that fit are used (no number is cut short)
    version = 2

    def setup(self) -> None:
        formats = [f.encode() for f in phone_formats(self.ctx.dataset.locale)]
        limit = length_limit(self.type)
        if limit is not None and min(map(len, formats)) > limit:
            self.problem(
                f"the shortest phone format of locale {self.ctx.dataset.locale!r} has "
                f"{min(map(len, formats))} characters; {self.type.ddl()} holds {limit}",
                f"declare the column as varchar({max(map(len, formats))}) or text",
            )
        elif limit is not None:
            formats = [f for f in formats if len(f) <= limit]
        width = max(map(len, formats))
        self.templates = np.zeros((len(formats), width), dtype=np.uint8)
        self.kinds = np.zeros((len(formats), width), dtype=np.uint8)
        for i, f in enumerate(formats):
            self.templates[i, : len(f)] = np.frombuffer(f, dtype=np.uint8)
            self.kinds[i, : len(f)] = [self._KINDS.get(c, 0) for c in f]
        self.digit_draws = (width + 18) // 19

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        choice = rand.integers(key, idx, len(self.templates)).astype(np.int64)
        out, kind = self.templates[choice], self.kinds[choice]
        width = out.shape[1]
        digits = np.empty(out.shape, dtype=np.uint8)
        for d in range(self.digit_draws):  # 19 decimal digits from each 64-bit draw
            b = rand.bits(key, idx, d + 1)
            for j in range(d * 19, min(width, d * 19 + 19)):
                digits[:, j] = b % np.uint64(10)
                b //= np.uint64(10)
        out = np.where(kind == 1, 48 + digits, out)
        out = np.where(kind == 2, 49 + digits % 9, out)
        out = np.where(kind == 3, 50 + digits % 8, out)
        return self.finish(textops.from_matrix(out.astype(np.uint8)))


@register("city")
class City(_Text):
    """A city name of the locale."""

    names = ("city", "town")

    separator = b" "

    def generate(self, block: Block) -> np.ndarray:
        pool = cities(self.ctx.dataset.locale)
        key = self.ctx.table_key("place", self.ctx.group)
        return self.finish(pool.words[pool.pick(key, block.idx, 0)])
