"""More about a row's person: ``username``, ``password_hash``, ``gender``, ``age`` and
``date_of_birth``, ``display_name``, ``middle_name``, ``name_prefix``, ``job_title``, ``bio``,
``avatar_url``, ``locale``, ``timezone``.

They share the latents of :mod:`datagen.generators.person` (a group's gender and names), plus a
birth date (``age`` agrees with ``date_of_birth`` of the same row, as of :data:`AGE_AT`) and a job
(``bio`` mentions the row's ``job_title`` and ``city``).
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .base import INT_TYPES, TEXT_TYPES, register
from .locales import FEMALE, MALE, NONBINARY, names
from .person import (
    PEOPLE_TABLES,
    _Text,
    full_names,
    initial,
    name_forms,
    person,
    romanised_names,
    unique_local,
)
from .semantic import rule
from .temporal import DAY, TEMPORAL, render
from .text import UNBOUNDED, length_limit
from .words import DEFAULT_LOCALE, Pool, _provider, _words_and_weights, make_pool

if TYPE_CHECKING:
    from ..columns import Block

#: ages are as of this day, fixed so the bytes never change: 2025-12-31
AGE_AT_YEAR = 2025
MIN_AGE, MAX_AGE = 18, 90
#: adult ages: about flat to 60, then fewer and fewer to 90
AGE_WEIGHTS = np.array([1.0 if a <= 60 else 1.0 - 0.8 * (a - 60) / 30 for a in range(18, 91)])
_AGE_TABLE = rand.alias_table(AGE_WEIGHTS)


def _year_start(year: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of January 1st of each year."""
    return (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def birth_days(gen: Any, block: Block) -> tuple[np.ndarray, np.ndarray]:
    """(age on 2025-12-31, birth day as days since 1970-01-01) of each row's person: the latent
    that ``date_of_birth`` and ``age`` of one group share. Anyone born in year ``2025 - age``
    is ``age`` on December 31st 2025, so the two always agree."""
    ctx = gen.ctx

    def draw() -> tuple[np.ndarray, np.ndarray]:
        key, idx = ctx.table_key("birth", ctx.group), block.idx
        age = MIN_AGE + rand.weighted(key, idx, _AGE_TABLE, 0)
        year = AGE_AT_YEAR - age
        start = _year_start(year)
        length = _year_start(year + 1) - start
        return age, start + (rand.uniform(key, idx, 1) * length).astype(np.int64)

    return block.memo(("birth", ctx.group), draw)


@register("date_of_birth")
class DateOfBirth(_Text):
    """A date of birth of an adult (aged 18 to 90 on 2025-12-31), agreeing with ``age``."""

    names = tuple(
        rule(n, types=TEMPORAL, note="date or timestamp")
        for n in ("birth_date", "date_of_birth", "birthdate", "birthday", "dob")
    )
    types = TEMPORAL

    def generate(self, block: Block) -> np.ndarray:
        return render(birth_days(self, block)[1] * DAY, self.type.base)

    def domain(self) -> None:  # type: ignore[override]
        return None  # people share birthdays


@register("age")
class Age(_Text):
    """An adult's age in years (18 to 90, fewer past 60), agreeing with ``date_of_birth``."""

    names = ("age",)
    types = INT_TYPES | {"numeric"}

    def generate(self, block: Block) -> np.ndarray:
        return textops.ints(birth_days(self, block)[0])

    def value_bounds(self) -> tuple[float, float] | None:
        return 18.0, 90.0

    def domain(self) -> None:  # type: ignore[override]
        return None


@register("gender")
class Gender(_Text):
    """The row's gender, agreeing with its first name: ``female``, ``male``, ``non-binary``
    (about 2%); ``F``/``M``/``X`` in columns of fewer than 6 characters."""

    names = ("gender", "sex")
    WORDS = (
        np.array([b"female", b"male", b"non-binary"]),
        np.array([b"female", b"male", b"other"]),
    )

    def setup(self) -> None:
        limit = length_limit(self.type)
        if limit is None or limit >= 10:
            self.values = self.WORDS[0]
        elif limit >= 6:
            self.values = self.WORDS[1]
        else:
            self.values = np.array([b"F", b"M", b"X"])

    def generate(self, block: Block) -> np.ndarray:
        return self.values[person(self, block).gender]

    def domain(self) -> int:
        return 3

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self.values[k.astype(np.int64)]


@register("username")
class Username(_Text):
    """A handle made from the row's romanised names: ``jdoe``, ``jane_doe``, ``jane.d``,
    ``janedoe91``; unique ones carry digits only where a form would repeat."""

    names = ("username", "user_name", "login", "handle", "nickname", "screen_name", "user_login")
    _STYLES = np.array([4] * 5 + [3] * 3 + [2] * 2 + [5] * 3 + [0] * 2 + [1, 6, 6, 6, 7])

    def setup(self) -> None:
        limit = length_limit(self.type)
        if limit is not None and limit < 3:
            self.problem(
                f"a username needs at least 3 characters; {self.type.ddl()} holds {limit}",
                "declare the column as varchar(3) or longer, or text",
            )

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        first, last = romanised_names(self, block)
        forms = [*name_forms(first, last), np.strings.add(first, last)]  # 5 janedoe
        style = self._STYLES[rand.integers(key, idx, len(self._STYLES)).astype(np.int64)]
        local = forms[0]
        for i in range(1, 6):
            local = np.where(style == i, forms[i], local)
        digits = textops.ints(10 + rand.integers(key, idx, 90, 1).astype(np.int64))
        local = np.where(style == 6, np.strings.add(forms[5], digits), local)
        local = np.where(style == 7, np.strings.add(forms[4], digits), local)
        limit = length_limit(self.type)
        if limit is not None:
            local = np.where(textops.lengths(local) > limit, forms[4], local)
            local = textops.truncate_chars(local, limit)
        return local

    def domain(self) -> int:
        limit = length_limit(self.type)
        return UNBOUNDED if limit is None or limit >= 20 else 10 ** min(max(limit - 2, 0), 7)

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        first, last = romanised_names(self, block)
        limit = length_limit(self.type)
        room = None if limit is None else np.full(len(k), limit)
        return unique_local(first, last, k, 1, room)


@register("password_hash")
class PasswordHash(_Text, standalone=True):
    """A bcrypt-shaped hash: ``$2b$12$`` and 53 characters of bcrypt's alphabet (60 in all)."""

    names = ("password_hash", "password_digest", "hashed_password", "encrypted_password",
             "password", "passwd")  # fmt: skip
    ALPHABET = np.frombuffer(
        b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8
    )

    def setup(self) -> None:
        limit = length_limit(self.type)
        if limit is not None and limit < 60:
            self.problem(
                f"a bcrypt hash has 60 characters; {self.type.ddl()} holds {limit}",
                "declare the column as char(60), varchar(60) or text",
            )

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        m = np.empty((len(idx), 60), dtype=np.uint8)
        m[:, :7] = np.frombuffer(b"$2b$12$", dtype=np.uint8)
        for d in range(6):  # 10 characters of 6 bits from each 64-bit draw
            b = rand.bits(key, idx, d)
            for j in range(7 + d * 10, min(60, 17 + d * 10)):
                m[:, j] = self.ALPHABET[(b & np.uint64(63)).astype(np.int64)]
                b >>= np.uint64(6)
        return textops.from_matrix(m)

    def domain(self) -> int:
        return UNBOUNDED

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        """The salt's first 11 characters spell ``k`` (66 bits): distinct by construction."""
        m = textops.matrix(self.generate(block)).copy()
        v = k.astype(np.uint64)
        for j in range(7, 18):
            m[:, j] = self.ALPHABET[(v & np.uint64(63)).astype(np.int64)]
            v >>= np.uint64(6)
        return textops.from_matrix(m)


@register("display_name")
class DisplayName(_Text):
    """How the row's person shows up in an app: the first name, ``Jane D.``, or the full name
    (names in the locale's order)."""

    names = ("display_name", "preferred_name", "public_name")

    def generate(self, block: Block) -> np.ndarray:
        people, p = names(self.ctx.dataset.locale), person(self, block)
        first = people.first.words[p.first]
        style = rand.integers(self.ctx.key(), block.idx, 10).astype(np.int64)
        out = np.where(style < 5, first, full_names(self, block))
        if not people.family_first:  # "Jane D.": an initial of a Latin-written family name
            letter = np.strings.upper(initial(people.last.words[p.last]))
            short = np.strings.add(np.strings.add(np.strings.add(first, b" "), letter), b".")
            out = np.where((style >= 5) & (style < 8), short, out)
        return self.finish(out)


@functools.cache
def _middle_pools(locale: str) -> tuple[Pool, Pool] | None:
    """(female, male) middle names where Faker has them (Russian patronymics)."""
    provider = _provider("person", locale)
    female = getattr(provider, "middle_names_female", None)
    male = getattr(provider, "middle_names_male", None)
    if not female or not male:
        return None
    return make_pool(*_words_and_weights(female)), make_pool(*_words_and_weights(male))


@register("middle_name")
class MiddleName(_Text):
    """A middle name of the row's gender (a patronymic in ru_RU), or another first name."""

    names = ("middle_name", "middlename", "patronymic")

    def generate(self, block: Block) -> np.ndarray:
        locale, p = self.ctx.dataset.locale, person(self, block)
        key, idx = self.ctx.key(), block.idx
        pools = _middle_pools(locale)
        if pools is not None:
            female, male = pools
            out = np.where(
                p.name_gender == FEMALE,
                female.words[female.pick(key, idx, 0)],
                male.words[male.pick(key, idx, 1)],
            )
            return self.finish(out)
        people = names(locale)
        ff, fm = people.first_tables
        pick = np.where(
            p.name_gender == FEMALE,
            rand.weighted(key, idx, ff, 0),
            people.first_male_at + rand.weighted(key, idx, fm, 1),
        )
        return self.finish(people.first.words[pick])


@functools.cache
def _prefixes(locale: str) -> tuple[Pool, Pool, Pool]:
    """(female, male, non-binary) name prefixes of the locale (else en_US's: Ms., Mr., Mx.)."""
    out = []
    for kind in ("female", "male", "nonbinary"):
        data = None
        for loc in (locale, DEFAULT_LOCALE):
            data = data or getattr(_provider("person", loc), f"prefixes_{kind}", None)
        out.append(make_pool(*_words_and_weights(data)))
    return out[0], out[1], out[2]


@register("name_prefix")
class NamePrefix(_Text):
    """A salutation agreeing with the row's gender: ``Ms.``/``Mrs.``/``Dr.``, ``Mr.``, ``Mx.``."""

    names = ("name_prefix", "salutation", "honorific", "name_title")

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        gender = person(self, block).gender
        pools = _prefixes(self.ctx.dataset.locale)
        out = pools[FEMALE].words[pools[FEMALE].pick(key, idx, 0)]
        for g in (MALE, NONBINARY):
            out = np.where(gender == g, pools[g].words[pools[g].pick(key, idx, g)], out)
        return self.finish(out)


@functools.cache
def jobs(locale: str) -> Pool:
    """Job titles of the locale (Faker's job list; en_US's where the locale has none)."""
    try:
        data = importlib.import_module(f"faker.providers.job.{locale}").Provider.jobs
    except (ModuleNotFoundError, AttributeError):
        data = importlib.import_module(f"faker.providers.job.{DEFAULT_LOCALE}").Provider.jobs
    return make_pool(list(dict.fromkeys(data)))


def job_index(gen: Any, block: Block) -> np.ndarray:
    """The row's job (shared by ``job_title`` and ``bio`` of a group)."""
    ctx = gen.ctx
    pool = jobs(ctx.dataset.locale)
    return block.memo(
        ("job", ctx.group), lambda: pool.pick(ctx.table_key("job", ctx.group), block.idx, 0)
    )


@register("job_title")
class JobTitle(_Text):
    """A job title from the locale's list (``Product designer``, ``Accountant``)."""

    names = ("job_title", "job", "occupation", "profession", rule("position", types=TEXT_TYPES),
             rule("title", tables=PEOPLE_TABLES, note="in a table of people"))  # fmt: skip
    separator = b" "

    def generate(self, block: Block) -> np.ndarray:
        return self.finish(jobs(self.ctx.dataset.locale).words[job_index(self, block)])
