"""People data per Faker locale, read once as data: gendered name pools with romanised forms,
the locale's name order, phone templates, and whether the locale can be used at all.

Romanised names (the ``ascii`` of a pool, used by emails and usernames) come, in order of
preference, from Faker's own romanised data (ja_JP's name pairs; zh_CN/zh_TW's romanised name
lists, paired with the hanzi by position since Faker does not pair them), from
:func:`~datagen.generators.translit.romanise` (Cyrillic, Greek, Hebrew, Arabic, Georgian,
Armenian, Hangul, Indic scripts), and for anything else (Thai...) from en_US given or family
names picked by position: an address is always made of letters, never ``xx123@``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import rand
from . import poolcache
from .translit import romanise
from .words import DEFAULT_LOCALE, POOL_SEED, Pool, _provider, _words_and_weights, make_pool

FEMALE, MALE, NONBINARY = 0, 1, 2


@dataclass(frozen=True)
class Names:
    """A locale's names: first and last pools holding the female then the male entries."""

    first: Pool
    last: Pool
    #: alias tables of the female and male halves, and where the male half starts
    first_tables: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    last_tables: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    first_male_at: int
    last_male_at: int
    #: the family name comes first (ja_JP, zh_CN, ko_KR, hu_HU...), joined by ``joiner``
    family_first: bool
    joiner: bytes


def _data(provider: Any, attr: str) -> Any:
    value = getattr(provider, attr, None)
    return value if isinstance(value, (dict, list, tuple)) and value else None


def _gendered(provider: Any, kind: str) -> tuple[Any, Any]:
    """(female, male) word data of ``first_names``/``last_names``: the same list twice where
    the locale does not tell them apart."""
    female, male = _data(provider, f"{kind}_female"), _data(provider, f"{kind}_male")
    if female and male:
        return female, male
    both = _data(provider, kind)
    if both is None:  # es_CL builds first_names as a property: join its gendered lists
        both = list(female or ()) + list(male or ())
    return both, both


def _order(provider: Any) -> tuple[bool, bytes]:
    """Whether most of the locale's name formats (by weight) put the family name first, and
    what joins the two names there."""
    formats: Any = _data(provider, "formats_female") or _data(provider, "formats") or ()
    weights = formats if isinstance(formats, dict) else dict.fromkeys(formats, 1.0)
    first_then_last, last_then_first, joiner = 0.0, 0.0, " "
    for fmt, w in weights.items():
        if not isinstance(fmt, str) or "middle_name" in fmt:
            continue  # ru_RU's official "Surname Name Patronymic" is not how names are written
        m = re.search(r"\{\{last_name\w*\}\}(.?)\{\{first_name", fmt)
        if m:
            last_then_first += float(w)
            joiner = m.group(1)
        elif re.search(r"\{\{first_name\w*\}\}.*\{\{last_name", fmt):
            first_then_last += float(w)
    return last_then_first > first_then_last, joiner.encode()


def _romanised_map(provider: Any, kind: str) -> dict[str, str]:
    """Faker's own romanisation of names, where it pairs them (ja_JP)."""
    out: dict[str, str] = {}
    attrs = ("last_name_pairs",) if kind == "last" else (
        "first_name_female_pairs", "first_name_male_pairs", "first_name_pairs"
    )  # fmt: skip
    for attr in attrs:
        for entry in getattr(provider, attr, None) or ():
            triple = entry[0] if isinstance(entry[0], tuple) else entry
            if isinstance(triple, tuple) and len(triple) == 3:
                out[triple[0]] = triple[2]
    return out


def _romanised_lists(provider: Any, kind: str) -> tuple[list[str], list[str]] | None:
    """(female, male) romanised name lists Faker ships unpaired (zh_CN, zh_TW)."""
    both = _data(provider, f"{kind}_romanized_names")
    if not both:
        return None
    female = _data(provider, f"{kind}_romanized_names_female") or both
    male = _data(provider, f"{kind}_romanized_names_male") or both
    return list(female), list(male)


def _letters(text: str) -> str:
    """At least two lower-case ASCII letters, so an address's name parts parse back."""
    word = re.sub(r"[^a-z]", "", text.lower())
    return word if len(word) >= 2 else ""


def romanised(locale: str, kind: str, words: list[str], female: int) -> list[str]:
    """An ASCII letters-only form of each name (``female``: how many of ``words`` are female)."""
    kind = kind.split("_")[0]  # "first" or "last"
    provider = _provider("person", locale)
    paired = _romanised_map(provider, kind)
    lists = _romanised_lists(provider, kind)
    latin = _provider("person", DEFAULT_LOCALE)
    fallback = [
        _letters(w) for w in (latin.first_names_female if kind == "first" else latin.last_names)
    ]
    fallback_male = [_letters(w) for w in latin.first_names_male] if kind == "first" else fallback
    out = []
    for i, w in enumerate(words):
        got = _letters(paired.get(w, "")) or _letters(romanise(w))
        if not got and lists:
            pool = lists[0] if i < female else lists[1]
            got = _letters(pool[i % len(pool)])
        if not got:
            pool = fallback if i < female else fallback_male
            got = pool[i % len(pool)]
        out.append(got)
    return out


def _pool_data(locale: str, kind: str) -> tuple[list[str], list[float], list[str], int]:
    """(words, weights, romanised forms, how many are female) of a locale's first or last names."""
    provider = _provider("person", locale)
    female, male = _gendered(provider, kind)
    fw, fweights = _words_and_weights(female)
    mw, mweights = _words_and_weights(male)
    words = fw + mw
    weights = (fweights or [1.0] * len(fw)) + (mweights or [1.0] * len(mw))
    return words, weights, romanised(locale, kind, words, len(fw)), len(fw)


def _names_data(locale: str) -> dict[str, Any]:
    """What :func:`names` is made of, as JSON (floats round-trip exactly): kept on disk by
    :mod:`.poolcache`, so a run whose cache holds it does not import Faker at all (0.05 s)."""

    def build() -> dict[str, Any]:
        data: dict[str, Any] = {
            kind: _pool_data(locale, kind) for kind in ("first_names", "last_names")
        }
        family_first, joiner = _order(_provider("person", locale))
        data["order"] = [family_first, joiner.decode()]
        return data

    data: dict[str, Any] = poolcache.document("names", locale, build)
    return data


def _pool_pair(data: list[Any]) -> tuple[Pool, Any, Any, int]:
    words, weights, ascii, female = data
    pool = make_pool(words, weights, ascii)
    tables = (
        rand.alias_table(np.array(weights[:female])),
        rand.alias_table(np.array(weights[female:])),
    )
    return pool, tables[0], tables[1], female


@functools.cache
def names(locale: str) -> Names:
    """The locale's :class:`Names` (made once per process)."""
    data = _names_data(locale)
    first, ff, fm, first_at = _pool_pair(data["first_names"])
    last, lf, lm, last_at = _pool_pair(data["last_names"])
    family_first, joiner = data["order"]
    return Names(first, last, (ff, fm), (lf, lm), first_at, last_at, family_first, joiner.encode())


_EXTENSION = re.compile(r"(x|ext\.?)\s*\d", re.I)


@functools.cache
def phone_templates(locale: str) -> list[str]:
    """Phone templates of the locale: 1024 numbers from a fixed-seed Faker, with their trailing
    digits (the subscriber part, never the country or area code) replaced by ``#`` to fill per
    row. Locales without ``phone_number`` (en_PH...) use their provider's other ``*_number``
    methods (mobile and landline numbers)."""

    def build() -> list[str]:
        from faker import Faker

        fake = Faker(locale)
        fake.seed_instance(POOL_SEED)
        methods = [fake.phone_number] if hasattr(fake, "phone_number") else [
            getattr(fake, m) for m in sorted(vars(_provider("phone_number", locale)))
            if m.endswith("_number") and not m.startswith("_") and hasattr(fake, m)
        ]  # fmt: skip
        if not methods:
            return phone_templates(DEFAULT_LOCALE)
        out = []
        for i in range(1024):  # every shape the locale's formats make, at a fraction of a second
            number = str(methods[i % len(methods)]())
            if _EXTENSION.search(number):
                continue  # 555-123-4567x8901: a desk extension is no one's own number
            n = sum(c.isdigit() for c in number)
            keep = max(n - 7, n // 3)
            seen, chars = 0, []
            for c in number:
                if c.isdigit():
                    seen += 1
                    chars.append(c if seen <= keep else "#")
                elif c.isascii() and c.isprintable() and c != "#":
                    chars.append(c)
            out.append("".join(chars).strip())
        # short service numbers (ar_AE's 3-digit 912) are no one's phone number
        return [t for t in out if sum(c.isdigit() or c == "#" for c in t) >= 6] or out

    return poolcache.strings(f"phone_templates.1024.{POOL_SEED}", locale, build)


def locale_problem(locale: str) -> str | None:
    """Why ``locale`` cannot make people's data (None when it can): checked by ``validate``,
    so a locale is either usable by every person generator or rejected before generating."""
    try:
        people = names(locale)
    except Exception as e:
        return f"Faker's data for locale {locale!r} cannot be read ({type(e).__name__}: {e})"
    if not len(people.first.words) or not len(people.last.words):
        return f"Faker has no names for locale {locale!r}"
    return None  # phone shapes are made (and checked) only for a spec with a phone column


def last_names(locale: str) -> Pool:
    """Every last name of the locale (female and male forms), weighted: for brands and company
    names, which have no gender."""
    return names(locale).last
