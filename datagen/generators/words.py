"""Word pools read once per locale from Faker's provider data, sampled with numpy.

Faker is never called per row (DESIGN point 2): its word lists (lorem words, city parts) are
read as data (people's names and phones: :mod:`datagen.generators.locales`), and lists Faker
only builds by calling (cities) are made once from a fixed-seed Faker instance. Both depend
only on the locale and the pinned Faker version.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import rand
from . import poolcache

DEFAULT_LOCALE = "en_US"
POOL_SEED = 20240101  # fixed: pools depend on the locale and Faker's version only


@dataclass(frozen=True)
class Pool:
    """Words as an 'S' array (UTF-8), their ASCII-folded lower-case forms, and pick weights."""

    words: np.ndarray
    ascii: np.ndarray
    table: tuple[np.ndarray, np.ndarray]

    def pick(self, key: int, idx: np.ndarray, draw: int = 0) -> np.ndarray:
        """Indices into the pool, with the pool's weights."""
        return rand.weighted(key, idx, self.table, draw)


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text`` (José -> jose), for emails and slugs."""
    norm = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in norm if c.isascii() and c.isalnum()).lower()
    return out or "x"


def make_pool(
    words: list[str], weights: list[float] | None = None, ascii: list[str] | None = None
) -> Pool:
    """A :class:`Pool` of ``words`` (``ascii``: their romanised forms, else ASCII-folded)."""
    enc = [w.encode("utf-8") for w in words]
    folded = [
        (a if ascii else ascii_fold(w)).encode() for w, a in zip(words, ascii or words, strict=True)
    ]
    return Pool(
        words=np.array(enc, dtype=f"S{max(map(len, enc))}"),
        ascii=np.array(folded, dtype=f"S{max(map(len, folded))}"),
        table=rand.alias_table(np.array(weights if weights else [1.0] * len(words))),
    )


def _provider(domain: str, locale: str) -> Any:
    try:
        return importlib.import_module(f"faker.providers.{domain}.{locale}").Provider
    except ModuleNotFoundError:
        return importlib.import_module(f"faker.providers.{domain}.{DEFAULT_LOCALE}").Provider


def _words_and_weights(data: Any) -> tuple[list[str], list[float] | None]:
    if isinstance(data, dict):
        return list(data), [float(w) for w in data.values()]
    counts = Counter(data)  # Faker repeats entries to weight them; first-seen order is kept
    return list(counts), [float(n) for n in counts.values()]


@functools.cache
def lorem_words(locale: str) -> Pool:
    words = _provider("lorem", locale if locale.startswith("en") else "la").word_list
    return make_pool(list(dict.fromkeys(words)))


_TOKEN = re.compile(r"\{\{(\w+)\}\}")


def _token_values(locale: str, token: str) -> list[str] | None:
    """The word list behind a Faker format token (``{{city_suffix}}`` -> ``city_suffixes``)."""
    for domain in ("address", "person"):
        provider = _provider(domain, locale)
        for attr in (token + "s", token + "es", token[:-1] + "ies" if token.endswith("y") else ""):
            data = getattr(provider, attr, None) if attr else None
            if isinstance(data, (list, tuple, dict)) and data and isinstance(next(iter(data)), str):
                return list(dict.fromkeys(data))
    return None


def expand_formats(locale: str, formats: list[str], size: int, purpose: str) -> list[str] | None:
    """``size`` values of Faker format strings filled from Faker's word lists (no Faker calls);
    None when a format names something that is not a word list."""
    tokens = {t for f in formats for t in _TOKEN.findall(f)}
    found = {t: _token_values(locale, t) for t in tokens}
    values = {t: v for t, v in found.items() if v is not None}
    if not formats or len(values) < len(found):
        return None
    key = rand.stream_key(POOL_SEED, locale, purpose)
    idx = np.arange(size)
    which = rand.integers(key, idx, len(formats)).tolist()
    split = [_TOKEN.split(f) for f in formats]  # literal, token, literal, token, ...
    draws = [rand.bits(key, idx, j + 1).tolist() for j in range(max(map(len, split)))]
    out = []
    for i, f in enumerate(which):
        out.append("".join(
            values[part][draws[j][i] % len(values[part])] if j % 2 else part
            for j, part in enumerate(split[f])
        ))  # fmt: skip
    return list(dict.fromkeys(out))


@functools.cache
def cities(locale: str) -> Pool:
    """City names: the locale's list where Faker has one, else its formats filled from its lists
    (kept on disk by :mod:`.poolcache`, so a warm run does not import Faker for them)."""

    def build() -> list[str]:
        provider = _provider("address", locale)
        listed = getattr(provider, "cities", None)
        if listed:
            return list(dict.fromkeys(listed))
        formats = list(getattr(provider, "city_formats", ()))
        made = expand_formats(locale, formats, 2048, "city")
        return made if made else _faker_strings(locale, "city", 2048)

    return make_pool(poolcache.strings("cities", locale, build))


def _faker_strings(locale: str, method: str, size: int) -> list[str]:
    def build() -> list[str]:
        from faker import Faker

        fake = Faker(locale)
        fake.seed_instance(POOL_SEED)
        fn = getattr(fake, method)
        return list(dict.fromkeys(str(fn()) for _ in range(size)))

    return poolcache.strings(f"{method}.{size}.{POOL_SEED}", locale, build)


@functools.cache
def faker_pool(locale: str, method: str, size: int = 2048) -> Pool:
    """Values Faker builds by calling a provider method, made once with a fixed seed (and kept
    on disk: :mod:`.poolcache`)."""
    return make_pool(_faker_strings(locale, method, size))


@functools.cache
def available_locales() -> list[str]:
    """Faker's locales (importing ``faker.config`` scans Faker's files: kept on disk too)."""

    def build() -> list[str]:
        from faker.config import AVAILABLE_LOCALES

        return list(AVAILABLE_LOCALES)

    return poolcache.strings("available_locales", "-", build)
