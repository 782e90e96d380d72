"""``pattern``: every value fullmatches its regex, unsupported regexes are refused with where and
why, unique pattern columns never repeat, and values depend only on the row."""

from __future__ import annotations

import re

import pytest
import yaml
from dumps import columns, dump

import datagen
from datagen.errors import SpecError

CORPUS = [
    r"[A-Z]{3}-\d{4}",  # plate
    r"\(\d{3}\) \d{3}-\d{4}",  # US phone
    r"\+44 7\d{3} \d{6}",  # UK mobile
    r"0[1-9]( \d{2}){4}",  # French phone
    r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}",  # UK postcode
    r"\d{5}(-\d{4})?",  # ZIP+4
    r"[A-Z]{2}\d{2} ?[A-Z0-9]{4}",
    r"^ORD-\d{8}$",  # anchors at the ends
    r"(?:INV|CRN)/\d{4}/\d{3,6}",
    r"(Mr|Mrs|Ms|Dr)\. [A-Z][a-z]{2,9}",
    r"[a-z][a-z0-9_]{2,15}",  # username
    r"[a-z]+\.[a-z]+@example\.(com|org|net)",
    r"https?://(www\.)?[a-z]{3,10}\.(io|dev)/[a-z0-9\-]{1,12}",
    r"v\d+\.\d+\.\d+(-(alpha|beta|rc)\.\d)?",  # semver
    r"#[0-9a-fA-F]{6}",  # colour
    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    r"((ab|c)d|e[^a-z]{2})+",  # nested groups with a negated class
    r"x\.y\\z\-w\*\?\+\(\)\[\]\{\}\|\^\$",  # escaped punctuation
    r"[\d\-_.]{4,6}",  # escapes inside a class
    r"[^\s]{3}\s\S\D\W\w",
    r".{5,10}",
    r"a*b+c?d??e*?",  # greedy and lazy
    r"(\d{2}|[A-Z]{3}|x)-(\d|[a-f]{2}){2}",
    r"\t\x41\u00e9[àéî]{2}",  # control, hex and unicode escapes, unicode class
    r"café (crème|noir)",
    r"[]a]{2}[^]a-z]",  # a bracket first in a class is literal
    r"(a{2}){,3}b{0}c{,2}|z",
    r"",  # empty pattern: empty values
    r"(?P<year>20[0-2]\d)-(0[1-9]|1[0-2])",
]


def copy_unescape(raw: bytes) -> str:
    """A COPY text field back to its value."""
    text = raw.decode("utf-8")
    return re.sub(
        r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), text
    )


def spec(cols: list[dict], rows: int, seed: int = 3) -> str:
    return yaml.safe_dump(
        {
            "version": 1,
            "name": "p",
            "seed": seed,
            "tables": [{"name": "t", "rows": rows, "columns": cols}],
        },
        allow_unicode=True,
    )


def pattern_col(name: str, regex: str, ty: str = "text", **extra) -> dict:
    return {"name": name, "type": ty, "generator": "pattern", "params": {"regex": regex}, **extra}


def values(cols: list[dict], rows: int, seed: int = 3) -> dict[str, list[str]]:
    data = columns(dump(datagen.load_spec_text(spec(cols, rows, seed))), "public.t")
    return {k: [copy_unescape(v) for v in vs] for k, vs in data.items()}


def problems(cols: list[dict], rows: int = 10) -> str:
    with pytest.raises(SpecError) as info:
        values(cols, rows)
    return str(info.value)


def test_every_value_fullmatches_its_regex():
    cols = [pattern_col(f"c{i}", r) for i, r in enumerate(CORPUS)]
    got = values(cols, 10_000)
    for i, regex in enumerate(CORPUS):
        bad = [v for v in got[f"c{i}"] if not re.fullmatch(regex, v)]
        assert not bad, (regex, bad[:5])
    # the choices are all used: optional parts both present and absent, each alternative
    assert {v[:3] for v in got["c9"]} >= {"Mr.", "Mrs", "Ms.", "Dr."}
    assert any("-" in v for v in got["c5"]) and any("-" not in v for v in got["c5"])
    assert len({len(v) for v in got["c20"]}) == 6  # .{5,10}: every length
    assert len(set(got["c0"])) > 9_900


def test_values_are_ascii_outside_unicode_literals():
    got = values([pattern_col("a", r".{20}\W\D\S"), pattern_col("b", r"[^a-z]{20}")], 10_000)
    assert all(v.isascii() and v.isprintable() for vs in got.values() for v in vs)


@pytest.mark.parametrize(
    ("regex", "position", "words"),
    [
        (r"(a)\1", 3, "backreference"),
        (r"(?=a)b", 0, "lookahead"),
        (r"a(?<!b)c", 1, "lookbehind"),
        (r"(?i)abc", 0, "inline flag"),
        (r"a*+b", 2, "possessive"),
        (r"a\bc", 1, r"\b"),
        (r"ab^c", 2, "anchor"),
        (r"(?>ab)", 0, "atomic group"),
        (r"[^ -~]", 0, "no printable ASCII"),
        (r"x{2000}", 1, "above 1000"),
    ],
)
def test_unsupported_regexes_are_refused_with_their_position(regex, position, words):
    text = problems([pattern_col("v", regex)])
    assert f"at position {position}" in text and words in text, text


def test_invalid_regexes_are_refused():
    assert "not a valid regular expression" in problems([pattern_col("v", "(ab")])
    assert "params: 'regex' is a required property" in problems(
        [{"name": "v", "type": "text", "generator": "pattern"}]
    )
    assert "cannot fill a column of type integer" in problems([pattern_col("v", r"\d", "integer")])


def test_values_must_fit_the_column():
    text = problems([pattern_col("v", r"[A-Z]{3}-\d{4}x*", "varchar(10)")])
    assert "up to 16 characters" in text and "holds 10" in text
    got = values([pattern_col("v", r"[A-Z]{3}-\d{4}", "char(8)")], 100)
    assert all(len(v) == 8 for v in got["v"])


def test_unique_pattern_columns_are_distinct():
    cols = [
        pattern_col("plate", r"[A-Z]{3}-\d{4}", unique=True),
        pattern_col("ref", r"(INV|CRN|Q)-[0-9A-F]{4}", unique=True),
        pattern_col("small", r"\d{1,3}-[ab]", unique=True),  # enumerated: 2,220 strings
        pattern_col("tiny", r"[A-Z]\d\d", "char(3)", unique=True),  # exactly 2,600
    ]
    got = values(cols[:2], 50_000)
    for name in ("plate", "ref"):
        assert len(set(got[name])) == 50_000
        assert all(
            re.fullmatch(c["params"]["regex"], v)
            for c in cols
            if c["name"] == name
            for v in got[name]
        )
    got = values(cols[2:], 2_200)
    assert len(set(got["small"])) == 2_200
    assert all(re.fullmatch(r"\d{1,3}-[ab]", v) for v in got["small"])
    assert len(set(got["tiny"])) == 2_200


def test_unique_pattern_domain_is_checked():
    text = problems([pattern_col("v", r"[A-Z]\d", unique=True)], rows=300)
    assert "only 260 possible values" in text and "300 rows" in text
    text = problems([pattern_col("v", r"[a-z]{3,12}", unique=True)])
    assert "cannot be enumerated for a unique column" in text
    # ambiguous alternatives ("abc" is a+bc and ab+c) are counted exactly when small...
    text = problems([pattern_col("v", r"(a|ab)(c|bc)x{20}", unique=True)])
    assert "only 3 possible values" in text
    # ...and have no domain when too many to list
    text = problems([pattern_col("v", r"(a|ab)(c|bc)[a-z]{4}", unique=True)])
    assert "cannot be enumerated" in text


def test_values_depend_only_on_seed_and_row():
    cols = [
        pattern_col("v", r"(\d{2}|[A-Z]{3})-[a-z]{2,5}"),
        pattern_col("u", r"\d{6}", unique=True),
    ]
    small = values(cols, 500)
    big = values(cols, 5_000)
    assert big["v"][:500] == small["v"] and big["u"][:500] == small["u"]
    assert values(cols, 500) == small
    assert values(cols, 500, seed=4)["v"] != small["v"]
    # another column beside it changes nothing
    assert values([pattern_col("w", r"x+"), *cols], 500)["v"] == small["v"]
