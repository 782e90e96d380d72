"""Text cut to fit a column ends at a word boundary, never in a blank, within n characters."""

from __future__ import annotations

import numpy as np
import pytest
from dumps import table

from datagen import textops
from datagen.generators.words import lorem_words


def col(values: list[str]) -> np.ndarray:
    return np.array([v.encode("utf-8") for v in values])


def texts(a: np.ndarray) -> list[str]:
    return [bytes(v).decode("utf-8") for v in a]


TEXTS = [
    "hello world and more",
    "Grüße aus München für alle",
    "日本語 の テキスト です ね",
    "supercalifragilistic word",
    "short",
    "two  blanks   between",
    "ends in a blank ",
]


@pytest.mark.parametrize("limit", range(1, 24))
def test_cut_words_keeps_whole_words_and_no_trailing_blank(limit):
    for text, got in zip(TEXTS, texts(textops.cut_words(col(TEXTS), limit)), strict=True):
        assert len(got) <= limit  # characters, not bytes
        if len(text) <= limit:
            assert got == text
            continue
        assert not got.endswith(" ")
        first = text.split()[0]
        if len(first) <= limit:  # a boundary exists: only whole words, in order
            assert text.startswith(got) and text[len(got)] == " "
        else:  # the first word alone is too long: the one hard cut
            assert got == first[:limit]


def test_cut_words_takes_a_limit_per_row_and_an_ending():
    got = texts(textops.cut_words(col(["aa bb cc", "aa bb cc", "aa bb cc"]), np.array([8, 5, 3])))
    assert got == ["aa bb cc", "aa bb", "aa"]
    got = texts(textops.cut_words(col(["Our team syncs the files daily."]), 20, end="."))
    assert got == ["Our team syncs the."]
    dangling = frozenset({"the"})
    got = texts(
        textops.cut_words(col(["Our team syncs the files daily."]), 20, ".", dangling=dangling)
    )
    assert got == ["Our team syncs."]
    got = texts(textops.cut_words(col(["日本語 テキスト"]), 5, end="。"))
    assert got == ["日本語。"] and len(got[0]) <= 5


def test_cut_sentences_prefers_a_whole_sentence():
    para = col(["One two three. Four five six. Seven eight."])
    assert texts(textops.cut_sentences(para, 30)) == ["One two three. Four five six."]
    assert texts(textops.cut_sentences(para, 12)) == ["One two."]


def test_truncate_chars_is_still_a_hard_cut():
    assert texts(textops.truncate_chars(col(["hello world"]), 7)) == ["hello w"]


def test_words_in_short_columns_end_at_a_word():
    got = table(
        """
        - {name: w, type: varchar(9), generator: words, params: {min_words: 2, max_words: 6}}
        - {name: c, type: char(5), generator: words}
        - {name: u, type: varchar(14), unique: true, generator: words, params: {min_words: 3}}
        """,
        rows=10000,
    )
    vocab = {w.decode() for w in lorem_words("en_US").words}
    for name, limit in (("w", 9), ("c", 5)):
        values = got[name]
        assert all(len(v) <= limit and v == v.strip() for v in values)
        # only words that fit are drawn: every word is whole
        assert all(all(w in vocab for w in v.split()) for v in values)
        assert max(len(v) for v in values) == limit
    u = got["u"]
    assert len(set(u)) == len(u) and all(len(v) <= 14 for v in u)
    assert not any(" -" in v or v.endswith(" ") for v in u)


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "ja_JP", "ru_RU"])
def test_prose_in_short_columns_fits_in_characters(locale):
    got = table(
        """
        - {name: note, type: varchar(24)}
        - {name: description, type: varchar(50)}
        - {name: title, type: varchar(16)}
        - {name: tags, type: varchar(12)}
        """,
        rows=3000,
        extra=f"locale: {locale}",
    )
    for name, limit in (("note", 24), ("description", 50), ("title", 16), ("tags", 12)):
        assert all(len(v) <= limit and v == v.rstrip() for v in got[name]), name
    assert not any(v.endswith(",") for v in got["tags"])
    end = "。" if locale == "ja_JP" else "."
    assert all(v.endswith(end) for v in got["note"] + got["description"])
