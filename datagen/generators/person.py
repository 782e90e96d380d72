"""People: names, emails and phones, drawn from Faker's data with numpy. Columns of one group
(``first_name``, ``email`` of a row; or ``billing_*``) share a latent person from a table-level
stream: a gender, then names of that gender (Russian surnames agree with the first name), so a
row's email spells its names whether or not the name columns exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .base import TEXT_TYPES, register
from .locales import FEMALE, NONBINARY, names, phone_templates
from .name_slots import FREE, SEPARATORS, name_slots, people_owner, usable
from .semantic import rule
from .text import UNBOUNDED, UniqueText, length_limit

if TYPE_CHECKING:
    from ..columns import Block

# ``name`` alone means a person's full name in tables of people.
PEOPLE_TABLES = (
    r"(user|customer|client|employee|person|people|member|patient|author|contact|student|staff|"
    r"account|doctor|physician|driver|owner|buyer|seller|subscriber|player)s?\Z"
)
EMAIL_DOMAINS = np.array([b"example.com", b"example.org", b"example.net"])  # RFC 2606: no real mail
#: per mille of people who are non-binary (their names come from either list)
NONBINARY_PER_MILLE = 20


@dataclass(frozen=True)
class Person:
    """A row's latent person: gender (0 female, 1 male, 2 non-binary), the gender its names
    were drawn with (0 or 1), and indices into the locale's first and last name pools."""

    gender: np.ndarray
    name_gender: np.ndarray
    first: np.ndarray
    last: np.ndarray


def person(gen: UniqueText, block: Block) -> Person:
    """The latent person of each row in the column's group."""
    ctx = gen.ctx
    people = names(ctx.dataset.locale)

    def draw() -> Person:
        key, idx = ctx.table_key("person", ctx.group), block.idx
        u = rand.integers(key, idx, 1000, 2).astype(np.int64)
        positions = block.person_positions(ctx.group)
        if positions is not None:  # a unique email's distinct people (name_slots.py)
            first, last, g, _ = name_slots(ctx.dataset.locale).decode(positions)
            return Person(np.where(u < NONBINARY_PER_MILLE, NONBINARY, g), g, first, last)
        gender = np.where(u < NONBINARY_PER_MILLE, NONBINARY, u % 2)
        name_gender = np.where(gender == NONBINARY, rand.integers(key, idx, 2, 3), gender)
        female = name_gender == FEMALE
        ff, fm = people.first_tables
        first = np.where(
            female,
            rand.weighted(key, idx, ff, 0),
            people.first_male_at + rand.weighted(key, idx, fm, 0),
        )
        lf, lm = people.last_tables
        last = np.where(
            female,
            rand.weighted(key, idx, lf, 1),
            people.last_male_at + rand.weighted(key, idx, lm, 1),
        )
        return Person(gender, name_gender, first, last)

    return block.memo(("person", ctx.group), draw)


def romanised_names(gen: UniqueText, block: Block) -> tuple[np.ndarray, np.ndarray]:
    """(first, last) of the row's person as lower-case ASCII letters (at least two each)."""
    p, people = person(gen, block), names(gen.ctx.dataset.locale)
    return people.first.ascii[p.first], people.last.ascii[p.last]


def initial(words: np.ndarray) -> np.ndarray:
    """The first character of each word (UTF-8: one to four bytes)."""
    m = textops.matrix(words)[:, :4].copy()
    lead = m[:, 0]
    size = np.where(lead < 0xC0, 1, np.where(lead < 0xE0, 2, np.where(lead < 0xF0, 3, 4)))
    m[np.arange(m.shape[1])[None, :] >= size[:, None]] = 0
    return textops.from_matrix(m)


def form_parts(first: np.ndarray, last: np.ndarray) -> list[tuple[np.ndarray, bytes, np.ndarray]]:
    """(head, separator, tail) of the five forms a unique address or username picks from, told
    apart by their text alone (name parts are letters only, at least two of them): ``jane.doe``
    (two parts of two or more letters around a dot), ``j.doe`` (one letter first), ``jane.d``
    (one letter last), ``jane_doe`` (an underscore), ``jdoe`` (no separator)."""
    f, l1 = initial(first), initial(last)
    return [(first, b".", last), (f, b".", last), (first, b".", l1), (first, b"_", last),
            (f, b"", last)]  # fmt: skip


def name_forms(first: np.ndarray, last: np.ndarray) -> list[np.ndarray]:
    """The five forms of :func:`form_parts` as text."""
    return [np.strings.add(np.strings.add(h, sep), t) for h, sep, t in form_parts(first, last)]


def unique_local(
    first: np.ndarray, last: np.ndarray, k: np.ndarray, slots: int, room: np.ndarray | None
) -> np.ndarray:
    """A distinct local part per ``k`` (for ``slots`` values of ``k % slots`` the caller tells
    apart by other text, as an email's domain), only carrying digits where needed, and for
    half of the numbered rows with the number inside (``jane42.doe``), not at the end.

    Why no two distinct ``k`` give the same text (with the same ``k % slots``): write
    ``k = (j * 5 + f) * slots + s``. The text is name form ``f`` with no digits when ``j = 0``;
    else with a number ``n``: forms 0-3 put ``n = (j - 1) // 2 + 1`` after their head when
    ``(j - 1)`` is odd, at the end when even; form 4 (``jdoe``) puts ``n = j`` at the end.
    Names hold no digits, so the one run of digits gives ``n`` and where it stands, hence
    ``j``; the text without it gives the form ``f`` by its separator and part lengths (see
    :func:`form_parts`). Where that does not fit in ``room`` characters, the text is ``jdoe``
    cut short, a dot, and ``k // slots``: it ends in a dot and digits, which the first kind
    never does (its digits follow a letter), and the digits give ``k // slots``. So
    ``(s, text)`` determines ``k``.
    """
    add = np.strings.add
    k = k.astype(np.int64)
    parts = form_parts(first, last)
    f = (k // slots) % 5
    j = k // (slots * 5)
    inside = (j > 0) & (f < 4) & ((j - 1) % 2 == 1)
    n = np.where(f < 4, (j - 1) // 2 + 1, j)
    number = np.where(j > 0, textops.ints(n), b"")
    local: np.ndarray = np.zeros(len(k), dtype="S1")
    for i, (head, sep, tail) in enumerate(parts):
        end = add(add(add(head, sep), tail), number)
        middle = add(add(add(head, number), sep), tail)
        local = np.where(f == i, np.where(inside, middle, end), local)
    if room is None:
        return local
    long = textops.lengths(local) > room
    if not long.any():
        return local
    suffix = add(b".", textops.ints(k // slots))
    keep = np.maximum(room - textops.lengths(suffix), 1)
    m = textops.matrix(add(parts[4][0], parts[4][2])).copy()  # ASCII letters: cut by bytes
    m[np.arange(m.shape[1])[None, :] >= keep[:, None]] = 0
    return np.where(long, add(textops.from_matrix(m), suffix), local)


class _Text(UniqueText):
    types = TEXT_TYPES

    def finish(self, out: np.ndarray) -> np.ndarray:
        limit = length_limit(self.type)
        return textops.truncate_chars(out, limit) if limit else out


@register("first_name")
class FirstName(_Text):
    """A first name from the locale's list of the row's gender, weighted by frequency."""

    names = ("first_name", "firstname", "given_name", "fname")
    version = 2  # 2: drawn for the row's gender
    separator = b" "

    def generate(self, block: Block) -> np.ndarray:
        words = names(self.ctx.dataset.locale).first.words
        return self.finish(words[person(self, block).first])


@register("last_name")
class LastName(_Text):
    """A last name from the locale's list (of the row's gender where the locale has both)."""

    names = ("last_name", "lastname", "family_name", "surname", "lname")
    version = 2
    separator = b" "

    def generate(self, block: Block) -> np.ndarray:
        words = names(self.ctx.dataset.locale).last.words
        return self.finish(words[person(self, block).last])


def full_names(gen: UniqueText, block: Block) -> np.ndarray:
    """The row's names in the locale's order: ``Jane Doe``, ``山田 太郎``, ``王伟``."""
    people, p = names(gen.ctx.dataset.locale), person(gen, block)
    first, last = people.first.words[p.first], people.last.words[p.last]
    head, tail = (last, first) if people.family_first else (first, last)
    joiner = people.joiner if people.family_first else b" "
    return np.strings.add(np.strings.add(head, joiner), tail)


@register("full_name")
class FullName(_Text):
    """The row's first and last names in the locale's order (family name first in ja_JP,
    zh_CN, ko_KR, hu_HU...)."""

    names = (
        "full_name",
        "fullname",
        rule("name", tables=PEOPLE_TABLES, note="in a table of people"),
    )
    version = 2
    separator = b" "

    def generate(self, block: Block) -> np.ndarray:
        return self.finish(full_names(self, block))


def _put(col: np.ndarray, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``col`` with ``values`` at ``rows`` (widened to hold them)."""
    width = max(col.dtype.itemsize, values.dtype.itemsize, 1)
    out = col.astype(f"S{width}", copy=col.dtype.itemsize != width)
    out[rows] = values
    return out


def _styled(style: np.ndarray, first: np.ndarray, last: np.ndarray, num: np.ndarray) -> np.ndarray:
    """Each row's local part in its style (see :data:`_STYLES`), each form made only for the
    rows of its style: ``jane.doe``, ``j.doe``, ``jane.d``, ``jane_doe``, ``jdoe``, ``janedoe``,
    ``jane``, ``jdoe42``, ``jane.doe42``."""
    add = np.strings.add
    forms = (
        lambda f, s, n: add(add(f, b"."), s),
        lambda f, s, n: add(add(initial(f), b"."), s),
        lambda f, s, n: add(add(f, b"."), initial(s)),
        lambda f, s, n: add(add(f, b"_"), s),
        lambda f, s, n: add(initial(f), s),
        lambda f, s, n: add(f, s),
        lambda f, s, n: f,
        lambda f, s, n: add(add(initial(f), s), textops.ints(n)),
        lambda f, s, n: add(add(add(f, b"."), s), textops.ints(n)),
    )

    def maker(form: Callable[..., np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
        return lambda rows: form(first[rows], last[rows], num[rows])

    return textops.by_choice(style, [maker(form) for form in forms])


# Non-unique address styles, by weight (out of 20): 3 in 20 carry two digits.
_STYLES = np.array([0] * 6 + [4] * 3 + [3] * 2 + [5] * 2 + [1] * 2 + [2, 6, 6, 7, 8])


@register("email")
class Email(_Text):
    """An address made from the row's romanised names: ``jane.doe@example.org``, ``jdoe@...``.

    Domains are the reserved example.com/.org/.net, so fixture data never reaches a real inbox.
    Few addresses carry digits (about 15%); in a unique column only where the same name form
    would repeat (see :func:`unique_local`). In ``varchar(n)`` a shorter form is chosen and the
    domain is never cut, so ``n`` must be at least 13 (``j@example.com``).
    """

    names = ("email_address", "email", "e_mail", "mail")
    #: 3: romanised names, varied forms, digits only where needed; 4: a unique column's rows
    #: are distinct people (name_slots.py), numbered only past six copies of a name pair
    version = 4
    DOMAIN_LENGTH = len("@example.com")

    #: a unique column at least this wide spells distinct people's names (name_slots.py)
    PEOPLE_WIDTH = 30

    def setup(self) -> None:
        limit = length_limit(self.type)
        wide = limit is None or limit >= self.PEOPLE_WIDTH
        rows = self.ctx.table.rows
        owner = self.ctx.unique and wide and people_owner(self.ctx)
        self.slots = usable(self.ctx.dataset.locale, rows) if owner else None
        if limit is None:
            return
        need = self.DOMAIN_LENGTH + (3 if self.ctx.unique else 1)
        if limit < need:
            self.problem(
                f"{'a unique' if self.ctx.unique else 'an'} email needs at least {need} "
                f"characters ({'j.1' if self.ctx.unique else 'j'}@example.com); "
                f"{self.type.ddl()} holds {limit}",
                f"declare the column as varchar({need}) or longer, or text",
            )
        elif self.ctx.unique and self.domain() == UNBOUNDED:
            # block-permuted positions stay below the row count rounded up to 65536
            rows = self.ctx.table.rows
            top = (-(-max(rows, 1) // 65536) * 65536 - 1) // len(EMAIL_DOMAINS)
            if len(str(top)) + self.DOMAIN_LENGTH + 2 > limit:
                self.problem(
                    f"{rows} unique emails need up to {len(str(top)) + self.DOMAIN_LENGTH + 2} "
                    f"characters; {self.type.ddl()} holds {limit}",
                    "widen the column or lower rows",
                )

    @property
    def decodes_people(self) -> bool:
        """Whether the rows of this unique column's group are its distinct people."""
        return self.slots is not None

    def fingerprint(self) -> dict[str, Any]:
        return {**super().fingerprint(), "people": "slots" if self.slots is not None else "drawn"}

    def domain(self) -> int:
        if self.slots is not None:
            return int(self.slots.domain)
        limit = length_limit(self.type)
        if limit is None or limit >= 20:
            return UNBOUNDED
        return len(EMAIL_DOMAINS) * 10 ** max(limit - self.DOMAIN_LENGTH - 2, 0)

    def _room(self, domain: np.ndarray) -> np.ndarray | None:
        limit = length_limit(self.type)
        return None if limit is None else limit - textops.lengths(domain)

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        first, last = romanised_names(self, block)
        style = _STYLES[rand.integers(key, idx, len(_STYLES)).astype(np.int64)]
        digits = 10 + rand.integers(key, idx, 90, 1).astype(np.int64)
        local = _styled(style, first, last, digits)
        domain = np.strings.add(b"@", EMAIL_DOMAINS[rand.integers(key, idx, 3, 2).astype(np.int64)])
        room = self._room(domain)
        if room is not None:  # shorter forms first (j.doe, jdoe), then jdoe cut short
            for sep in (b".", b""):
                long = np.flatnonzero(textops.lengths(local) > room)
                if len(long):
                    short = np.strings.add(np.strings.add(initial(first[long]), sep), last[long])
                    local = _put(local, long, short)
            local = textops.truncate_chars(local, int(room.min()))  # the domains' lengths agree
        return np.strings.add(local, domain)

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        if self.slots is not None:
            return self._person_address(block, k)
        first, last = romanised_names(self, block)
        slots = len(EMAIL_DOMAINS)
        domain = np.strings.add(b"@", EMAIL_DOMAINS[(k % np.uint64(slots)).astype(np.int64)])
        return np.strings.add(unique_local(first, last, k, slots, self._room(domain)), domain)

    def _person_address(self, block: Block, k: np.ndarray) -> np.ndarray:
        """``first.last`` or ``first_last`` at one of the domains, numbered past those six
        copies; where that does not fit, ``jdoe`` cut short, a dot and ``k`` (a shape the first
        never takes: its digits follow a letter). Distinct per ``k``: see name_slots.py."""
        assert self.slots is not None
        add = np.strings.add
        first, last = romanised_names(self, block)  # the people decoded from these same k
        copy = self.slots.decode(k)[3]
        number = np.where(copy >= FREE, textops.ints(copy // FREE), b"")
        local = add(add(add(first, SEPARATORS[copy % 2]), last), number)
        domain = add(b"@", EMAIL_DOMAINS[(copy // 2) % len(EMAIL_DOMAINS)])
        room = self._room(domain)
        if room is not None:
            long = textops.lengths(local) > room
            if long.any():
                suffix = add(b".", textops.ints(k.astype(np.int64)))
                keep = np.maximum(room - textops.lengths(suffix), 1)
                m = textops.matrix(add(initial(first), last)).copy()
                m[np.arange(m.shape[1])[None, :] >= keep[:, None]] = 0
                local = np.where(long, add(textops.from_matrix(m), suffix), local)
        return add(local, domain)


@register("phone")
class Phone(_Text, standalone=True):
    """A phone number in one of the locale's shapes (``+33 1 ## ## ## ##``, ``090-####-####``),
    its subscriber digits drawn per row."""

    names = ("phone_number", "phone", "telephone", "mobile", "cell_phone")
    #: 3: the locale's own shapes (from Faker's numbers); 4: no extensions; 5: from 1,024 numbers
    version = 5

    def setup(self) -> None:
        try:  # Faker's data for the locale: a problem if unreadable, never a traceback
            formats = [f.encode() for f in phone_templates(self.ctx.dataset.locale)]
        except Exception as e:
            self.problem(f"Faker's phone numbers cannot be read: {e!r}", "use another locale")
            formats = [b"###-###-####"]
        limit = length_limit(self.type)
        if limit is not None and min(map(len, formats)) > limit:
            self.problem(
                f"the shortest phone number of locale {self.ctx.dataset.locale!r} has "
                f"{min(map(len, formats))} characters; {self.type.ddl()} holds {limit}",
                f"declare the column as varchar({max(map(len, formats))}) or text",
            )
        elif limit is not None:
            formats = [f for f in formats if len(f) <= limit]
        width = max(map(len, formats))
        self.templates = np.zeros((len(formats), width), dtype=np.uint8)
        for i, f in enumerate(formats):
            self.templates[i, : len(f)] = np.frombuffer(f, dtype=np.uint8)
        self.digit_draws = (width + 18) // 19

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        out = self.templates[rand.integers(key, idx, len(self.templates)).astype(np.int64)]
        width = out.shape[1]
        digits = np.empty(out.shape, dtype=np.uint8)
        for d in range(self.digit_draws):  # 19 decimal digits from each 64-bit draw
            span = min(width, d * 19 + 19) - d * 19  # (the lowest first)
            digits[:, d * 19 : d * 19 + span] = textops.low_digits(rand.bits(key, idx, d + 1), span)
        out = np.where(out == ord("#"), 48 + digits, out)
        return self.finish(textops.from_matrix(out.astype(np.uint8)))
