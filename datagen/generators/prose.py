"""Believable free text: ``sentence``, ``paragraph``, ``title``, ``slug`` and ``tags``.

English locales combine a small shipped vocabulary (``data/prose.json``: nouns, verbs, adjectives,
adverbs) by sentence templates, so text reads like product or app prose ("Our invoice syncs
receipts across devices."). Other locales string together the words of Faker's lorem list for the
locale (Latin where Faker has none), with the locale's word connector and sentence punctuation.
Templates are rendered per template over the rows that picked it: a few numpy string joins per
slot, never a Python loop over rows.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .arrays import MAX_LENGTH
from .base import TEXT_TYPES, Generator, register
from .text import UniqueText, length_limit
from .words import ascii_fold

if TYPE_CHECKING:
    from ..columns import Block

_SLOT = re.compile(r"\{(\w+)\}")


@functools.cache
def data(name: str) -> dict[str, Any]:
    """A JSON file of ``datagen/generators/data``, read once."""
    text = resources.files("datagen.generators").joinpath("data", name).read_text("utf-8")
    return json.loads(text)


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _third_person(verb: str) -> str:
    return _plural(verb)  # track -> tracks, simplify -> simplifies, fix -> fixes


def _array(words: list[str]) -> np.ndarray:
    enc = [w.encode("utf-8") for w in words]
    arr = np.array(enc, dtype=f"S{max(map(len, enc))}")
    arr.setflags(write=False)
    return arr


class Phrases:
    """Templates with ``{slot}`` words (``{Slot}``: capitalised), rendered per row."""

    def __init__(self, templates: list[str], words: dict[str, list[str]]) -> None:
        pools = {k: _array(v) for k, v in words.items()}
        pools |= {
            k.capitalize(): _array([w[:1].upper() + w[1:] for w in v]) for k, v in words.items()
        }
        self.templates: list[list[bytes | np.ndarray]] = []
        for t in templates:
            parts: list[bytes | np.ndarray] = []
            for j, piece in enumerate(_SLOT.split(t)):
                if j % 2:
                    parts.append(pools[piece])
                elif piece:
                    parts.append(piece.encode("utf-8"))
            self.templates.append(parts)

    def render(self, key: int, idx: np.ndarray, draw: int = 0) -> np.ndarray:
        """One phrase per row index (``draw`` numbers independent phrases of a row)."""
        base = 1000 * (draw + 1)
        which = rand.integers(key, idx, len(self.templates), base).astype(np.int64)

        def phrase(parts: list[bytes | np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
            def make(rows: np.ndarray) -> np.ndarray:
                sub = idx[rows]
                out: np.ndarray = np.zeros(len(rows), dtype="S1")
                for j, part in enumerate(parts):
                    if isinstance(part, bytes):
                        out = np.strings.add(out, part)
                    else:
                        pick = rand.integers(key, sub, len(part), base + 1 + j).astype(np.int64)
                        out = np.strings.add(out, part[pick])
                return out

            return make

        return textops.by_choice(which, [phrase(parts) for parts in self.templates])


@functools.cache
def english() -> dict[str, Any]:
    """The English vocabulary with derived forms (plurals, third person)."""
    v = data("prose.json")
    words = {
        "noun": v["noun"],
        "nouns": [_plural(n) for n in v["noun"]],
        "verb": v["verb"],
        "verbs": [_third_person(w) for w in v["verb"]],
        "adj": v["adj"],
        "adverb": v["adverb"],
    }
    return {
        "sentence": Phrases(v["sentences"], words),
        "title": Phrases(v["titles"], words),
        "slug": Phrases(
            ["{adj}-{noun}", "{adj}-{noun}-{noun}", "{verb}-{nouns}", "{noun}-{noun}"], words
        ),
        "tags": _array(v["tags"]),
    }


class Lorem:
    """A locale's lorem words strung into sentences (the fallback for non-English locales)."""

    def __init__(self, locale: str) -> None:
        try:
            provider = importlib.import_module(f"faker.providers.lorem.{locale}").Provider
        except ModuleNotFoundError:
            provider = importlib.import_module("faker.providers.lorem.la").Provider
        words = list(dict.fromkeys(provider.word_list))
        self.words = _array(words)
        self.capital = _array([w[:1].upper() + w[1:] for w in words])
        folded = [ascii_fold(w) for w in words]
        # slugs need ASCII: a script that folds to nothing (Japanese, Russian) uses English
        self.slug_words = _array(folded) if len(set(folded)) > 0.8 * len(words) else None
        self.connector = str(getattr(provider, "word_connector", " ")).encode("utf-8")
        punct = str(getattr(provider, "sentence_punctuation", ".")).strip() or "."
        self.punct = punct.encode("utf-8")

    def render(
        self, key: int, idx: np.ndarray, draw: int, lo: int, hi: int, end: bool
    ) -> np.ndarray:
        """``lo``..``hi`` words, the first capitalised, with a final punctuation if ``end``."""
        base = 1000 * (draw + 1)
        count = lo + rand.integers(key, idx, hi - lo + 1, base).astype(np.int64)
        out = self.capital[rand.integers(key, idx, len(self.words), base + 1).astype(np.int64)]
        for j in range(1, hi):
            pick = rand.integers(key, idx, len(self.words), base + 1 + j).astype(np.int64)
            word = np.strings.add(self.connector, self.words[pick])
            out = np.where(count > j, np.strings.add(out, word), out)
        return np.strings.add(out, self.punct) if end else out


@functools.cache
def lorem(locale: str) -> Lorem:
    return Lorem(locale)


def is_english(locale: str) -> bool:
    return locale.startswith("en")


#: words a cut English phrase must not end with ("...with the." reads broken)
DANGLING = frozenset(
    "a an and as at before can each every for from in is it of on one or our so that the this to "
    "we with you your".split()
)


class _Prose(Generator):
    types = TEXT_TYPES

    def setup(self) -> None:
        self.locale = self.ctx.dataset.locale
        self.limit = length_limit(self.type)

    def sentences(self, idx: np.ndarray, draw: int = 0) -> np.ndarray:
        key = self.ctx.key()
        if is_english(self.locale):
            return english()["sentence"].render(key, idx, draw)
        return lorem(self.locale).render(key, idx, draw, 4, 10, end=True)

    def end(self) -> str:
        return "." if is_english(self.locale) else lorem(self.locale).punct.decode("utf-8")

    def dangling(self) -> frozenset[str]:
        return DANGLING if is_english(self.locale) else frozenset()


@register("sentence")
class Sentence(_Prose, standalone=True):
    """One sentence: capitalised, ending with a period ("Our invoice syncs receipts quickly.")."""

    names = (
        "sentence",
        "summary",
        "note",
        "notes",
        "comment",
        "message",
        "remark",
        "feedback",
        "review",
        "excerpt",
        "tagline",
    )

    def generate(self, block: Block) -> np.ndarray:
        out = self.sentences(block.idx)
        if not self.limit:
            return out
        return textops.cut_words(out, self.limit, end=self.end(), dangling=self.dangling())


@register("paragraph")
class Paragraph(_Prose, standalone=True):
    """Two to five sentences (``min_sentences``..``max_sentences``)."""

    params = {
        "min_sentences": {"type": "integer", "minimum": 1, "maximum": 20, "default": 2},
        "max_sentences": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
    }
    names = ("paragraph", "description", "desc", "details", "body", "content")

    def setup(self) -> None:
        super().setup()
        self.lo, self.hi = int(self.param("min_sentences")), int(self.param("max_sentences"))
        if self.lo > self.hi:
            self.problem("min_sentences is greater than max_sentences", "swap them")
            self.hi = self.lo

    def generate(self, block: Block) -> np.ndarray:
        key = self.ctx.key()
        count = self.lo + rand.integers(key, block.idx, self.hi - self.lo + 1, 1).astype(np.int64)
        gap = b" " if is_english(self.locale) or lorem(self.locale).connector else b""
        out = self.sentences(block.idx, 0)
        for j in range(1, self.hi):
            rows = np.flatnonzero(count > j)  # only the rows with a j-th sentence
            more = np.strings.add(
                np.strings.add(out[rows], gap), self.sentences(block.idx[rows], j)
            )
            if more.dtype.itemsize > out.dtype.itemsize:
                out = out.astype(more.dtype)
            out[rows] = more
        if not self.limit:
            return out
        return textops.cut_sentences(out, self.limit, self.end(), self.dangling())


@register("title")
class Title(_Prose, standalone=True):
    """A short capitalised phrase of 3 to 7 words, no final period ("Simple invoices for busy
    teams")."""

    names = ("title", "subject", "headline", "caption", "heading")

    def generate(self, block: Block) -> np.ndarray:
        key = self.ctx.key()
        if is_english(self.locale):
            out = english()["title"].render(key, block.idx)
        else:
            out = lorem(self.locale).render(key, block.idx, 0, 3, 7, end=False)
        return textops.cut_words(out, self.limit, dangling=self.dangling()) if self.limit else out


@register("slug")
class Slug(UniqueText, standalone=True):
    """Lowercase ASCII words joined by ``-`` (``secure-invoice-reports``); unique ones end in
    ``-N``."""

    names = ("slug", "permalink")
    types = TEXT_TYPES
    separator = b"-"

    def setup(self) -> None:
        locale = self.ctx.dataset.locale
        self.words = None if is_english(locale) else lorem(locale).slug_words

    def fit(self, value: np.ndarray, room: np.ndarray) -> np.ndarray:
        return textops.cut_words(value, room, seps="-")

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        if self.words is None:
            out = english()["slug"].render(key, idx)
        else:
            count = 2 + rand.integers(key, idx, 3, 1).astype(np.int64)
            out = self.words[rand.integers(key, idx, len(self.words), 2).astype(np.int64)]
            for j in range(1, 4):
                pick = self.words[rand.integers(key, idx, len(self.words), 2 + j).astype(np.int64)]
                out = np.where(count > j, np.strings.add(np.strings.add(out, b"-"), pick), out)
        limit = length_limit(self.type)
        return textops.cut_words(out, limit, seps="-") if limit else out


@register("tags")
class Tags(Generator, standalone=True):
    """Short lowercase tags: one per element of a ``text[]`` array (distinct within an array), one
    for a column named in the singular, else a comma-separated list of 1 to 4."""

    names = ("tags", "tag", "keywords", "keyword", "labels", "hashtags")
    types = TEXT_TYPES

    def setup(self) -> None:
        name = self.ctx.column.name.lower()
        self.many = 1 if self.ctx.column.type.is_array or not name.endswith("s") else 4
        limit = length_limit(self.type)
        tags = [t for t in english()["tags"] if limit is None or len(t) <= limit]
        while len(tags) > 2 and any(len(tags) % d == 0 for d in range(2, len(tags))):
            tags.pop()  # a prime count: any stride walks distinct tags
        if len(tags) < 2:
            self.problem(f"too few tags fit {self.type.ddl()}", "declare the column as text")
            tags = [b"a", b"b"]
        self.pool = np.array(tags)

    def _walk(self, rows: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The ``j``-th of a row's distinct tags (a keyed start and stride through the pool)."""
        key, n = self.ctx.key(), len(self.pool)
        start = rand.integers(key, rows, n, 0).astype(np.int64)
        step = 1 + rand.integers(key, rows, n - 1, 1).astype(np.int64)
        return self.pool[(start + j * step) % n]

    def generate(self, block: Block) -> np.ndarray:
        idx = block.idx
        if self.ctx.column.type.is_array:  # elements come as row * 64 + position
            out = self._walk(idx // MAX_LENGTH, idx % MAX_LENGTH)
        elif self.many == 1:
            out = self._walk(idx, np.zeros_like(idx))
        else:
            count = 1 + rand.integers(self.ctx.key(), idx, self.many, 2).astype(np.int64)
            out = self._walk(idx, np.zeros_like(idx))
            for j in range(1, self.many):
                more = np.strings.add(
                    np.strings.add(out, b", "), self._walk(idx, np.full_like(idx, j))
                )
                out = np.where(count > j, more, out)
        limit = length_limit(self.type)
        return textops.cut_words(out, limit, strip=" ,") if limit else out
