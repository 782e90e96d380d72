"""Generators make believable values of the right type and shape; unique ones never repeat."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter

import pytest
from dumps import table

from datagen.errors import SpecError
from datagen.generators import semantic_match


def problems(cols: str, rows: int = 10) -> str:
    with pytest.raises(SpecError) as info:
        table(cols, rows)
    return str(info.value)


def test_range_distributions():
    got = table(
        """
        - {name: u, type: integer, generator: range, params: {min: 1, max: 100}}
        - {name: n, type: integer, generator: range, params: {min: 0, max: 100, distribution: normal}}
        - {name: z, type: integer, generator: range, params: {min: 1, max: 100, distribution: zipf}}
        - {name: e, type: integer, generator: range, params: {min: 0, max: 100, distribution: exponential}}
        - {name: m, type: "numeric(6,3)", generator: range, params: {min: -1, max: 1}}
        - {name: d, type: real, generator: range, params: {min: 0, max: 1, decimals: 4}}
        """,
        rows=20000,
    )
    u = [int(v) for v in got["u"]]
    assert min(u) == 1 and max(u) == 100
    n = [int(v) for v in got["n"]]
    assert 45 < sum(n) / len(n) < 55 and sum(17 <= v <= 84 for v in n) > 0.93 * len(n)
    z = Counter(int(v) for v in got["z"])
    assert z.most_common(1)[0][0] == 1 and z[1] > 5 * z[50]
    e = [int(v) for v in got["e"]]
    assert sum(v < 20 for v in e) > 0.5 * len(e)
    assert all(re.fullmatch(r"-?[01]\.\d{3}", v) for v in got["m"])
    assert all(re.fullmatch(r"0\.\d{4}|1\.0000", v) for v in got["d"])


def test_range_below_zero_and_defaults():
    got = table(
        """
        - {name: neg, type: integer, generator: range, params: {max: -5}}
        - {name: small, type: smallint}
        - {name: money, type: "numeric(4,2)"}
        """
    )
    assert all(-1005 <= int(v) <= -5 for v in got["neg"])
    assert all(0 <= int(v) <= 1000 for v in got["small"])
    assert all(0 <= float(v) <= 99.99 for v in got["money"])


def test_sequence_enum_constant_weighted():
    got = table(
        """
        - {name: s, type: bigint, generator: sequence, params: {start: 10, step: 5}}
        - {name: e, type: text, generator: enum, params: {values: [a, b, c]}}
        - {name: c, type: integer, generator: constant, params: {value: 42}}
        - {name: w, type: text, generator: weighted_enum, params: {values: {x: 9, y: 1}}}
        - {name: b, type: boolean, generator: boolean, params: {true_rate: 0.9}}
        """
    )
    assert got["s"][:3] == ["10", "15", "20"]
    assert set(got["e"]) == {"a", "b", "c"}
    assert set(got["c"]) == {"42"}
    assert 0.85 < got["w"].count("x") / 2000 < 0.95
    assert 0.85 < got["b"].count("t") / 2000 < 0.95


def test_template_uses_the_rows_columns_and_generators():
    got = table(
        """
        - {name: first_name, type: text}
        - {name: last_name, type: text, null_rate: 0.5}
        - {name: handle, type: text, generator: template, params: {template: "{first_name}.{last_name}#{{x}} {city}"}}
        """
    )
    for first, last, handle in zip(got["first_name"], got["last_name"], got["handle"], strict=True):
        last = "" if last == "\\N" else last
        assert handle.startswith(f"{first}.{last}#{{x}} ")
        assert len(handle) > len(f"{first}.{last}#{{x}} ")


def test_timeseries_patterns():
    got = table(
        """
        - name: b
          type: timestamp
          generator: timeseries
          params: {start: 2024-01-01, end: 2024-03-31, pattern: business_hours}
        - name: p
          type: timestamptz
          generator: timeseries
          params: {start: "2024-01-01 00:00:00", end: "2024-01-31", pattern: daily_peak}
        - name: o
          type: date
          generator: timeseries
          params: {start: "2023-01-01", end: "2023-12-31", ordered: true}
        """,
        rows=5000,
    )
    moments = [dt.datetime.fromisoformat(v) for v in got["b"]]
    assert all(m.weekday() < 5 and 9 <= m.hour < 18 for m in moments)
    assert min(moments).date() >= dt.date(2024, 1, 1) and max(moments).date() <= dt.date(
        2024, 3, 31
    )
    hours = Counter(dt.datetime.fromisoformat(v).hour for v in got["p"])
    assert hours[19] > 3 * hours[3]
    assert all(v.endswith("+00") for v in got["p"])
    assert got["o"] == sorted(got["o"]) and got["o"][0] == "2023-01-01"


def test_created_before_updated_and_birth_dates():
    got = table(
        """
        - {name: created_at, type: timestamptz}
        - {name: updated_at, type: timestamptz}
        - {name: birth_date, type: date}
        - {name: at_time, type: time}
        - {name: took, type: interval}
        """
    )
    assert all(c <= u for c, u in zip(got["created_at"], got["updated_at"], strict=True))
    assert all("1935-01-01" <= d <= "2007-12-31" for d in got["birth_date"])  # aged 18..90
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d", t) for t in got["at_time"])
    assert all(re.fullmatch(r"\d+ days \d\d:\d\d:\d\d", t) for t in got["took"])


def test_people_agree_within_a_row_and_group():
    got = table(
        """
        - {name: first_name, type: text}
        - {name: last_name, type: text}
        - {name: email, type: text}
        - {name: billing_first_name, type: text}
        - {name: billing_email, type: text}
        - {name: phone, type: text}
        - {name: city, type: text}
        - {name: fullName, type: text}
        """
    )
    for row in zip(got["first_name"], got["last_name"], got['"fullName"'], strict=True):
        assert row[2] == f"{row[0]} {row[1]}"
    same = sum(
        e.startswith(f[0].lower()) for f, e in zip(got["first_name"], got["email"], strict=True)
    )
    assert same > 0.95 * 2000
    billing = zip(got["billing_first_name"], got["billing_email"], strict=True)
    assert sum(e.startswith(f[0].lower()) for f, e in billing) > 0.95 * 2000
    assert got["first_name"] != got["billing_first_name"]  # another person
    assert all(re.fullmatch(r"[a-z0-9._]+@example\.(com|org|net)", e) for e in got["email"])
    assert all(sum(c.isdigit() for c in p) >= 10 for p in got["phone"])
    assert len(set(got["city"])) > 300


def test_unique_columns_of_every_kind(tmp_path):
    got = table(
        """
        - {name: code, type: char(3), unique: true}
        - {name: day, type: date, unique: true}
        - {name: t, type: time, unique: true}
        - {name: i, type: interval, unique: true}
        - {name: ip, type: inet, unique: true}
        - {name: net, type: cidr, unique: true}
        - {name: mac, type: macaddr, unique: true}
        - {name: raw, type: bytea, unique: true}
        - {name: doc, type: jsonb, unique: true}
        - {name: full_name, type: varchar(12), unique: true}
        - {name: label, type: varchar(5), unique: true}
        - {name: first_name, type: text, unique: true}
        - {name: email, type: varchar(20), unique: true}
        - {name: big, type: bigint, unique: true}
        - {name: price, type: "numeric(8,2)", unique: true}
        - {name: tag, type: char(40), generator: code, params: {length: 40}, unique: true}
        """,
        rows=2000,
    )
    for name, values in got.items():
        assert len(set(values)) == len(values), name
    assert all(len(v) <= 12 for v in got["full_name"]) and all(len(v) <= 5 for v in got["label"])
    assert all(len(v) <= 20 for v in got["email"])
    assert all(json.loads(v)["id"] >= 0 for v in got["doc"])


def test_arrays():
    got = table(
        """
        - {name: tags, type: "text[]", params: {length: [2, 2]}}
        - {name: nums, type: "int[]", generator: range, params: {min: 1, max: 3, length: [0, 3]}}
        """
    )
    assert all(v.startswith("{") and v.count(",") == 1 for v in got["tags"])
    assert "{}" in got["nums"]
    assert all(set(v.strip("{}").split(",")) <= {"", "1", "2", "3"} for v in got["nums"])


@pytest.mark.parametrize(
    ("cols", "message"),
    [
        (
            "- {name: a, type: smallint, generator: constant, params: {value: 70000}}",
            "outside the range",
        ),
        (
            "- {name: a, type: integer, generator: constant, params: {value: x1}}",
            "is not an integer",
        ),
        (
            "- {name: a, type: 'numeric(3,1)', generator: constant, params: {value: 123.4}}",
            "does not fit",
        ),
        ("- {name: a, type: real, generator: constant, params: {value: abc}}", "is not a number"),
        (
            "- {name: a, type: real, generator: constant, params: {value: .nan}}",
            "not a finite number",
        ),
        (
            "- {name: a, type: boolean, generator: constant, params: {value: maybe}}",
            "not a boolean",
        ),
        (
            "- {name: a, type: varchar(2), generator: enum, params: {values: [abc]}}",
            "longer than 2",
        ),
        ("- {name: a, type: uuid, generator: constant, params: {value: nope}}", "is not a uuid"),
        ("- {name: a, type: text, generator: enum, params: {values: [yes]}}", "YAML boolean"),
        ("- {name: a, type: text, generator: enum, params: {values: [[1]]}}", "not a scalar"),
        ("- {name: a, type: text, generator: enum, params: {values: [x, x]}}", "listed twice"),
        ("- {name: a, type: text, generator: enum}", "needs params.values"),
        (
            "- {name: a, type: text, generator: weighted_enum, params: {values: {x: 0}}}",
            "add up to 0",
        ),
        ("- {name: a, type: integer, generator: sequence, params: {step: 0}}", "step 0"),
        (
            "- {name: a, type: smallint, generator: sequence, params: {start: 99999}}",
            "does not fit",
        ),
        ("- {name: a, type: integer, generator: range, params: {decimals: 2}}", "integer types"),
        (
            "- {name: a, type: 'numeric(5,2)', generator: range, params: {decimals: 2}}",
            "plain numeric",
        ),
        (
            "- {name: a, type: 'numeric(5,2)', generator: range, params: {min: 0.001, max: 0.002}}",
            "no value",
        ),
        ("- {name: a, type: smallint, generator: range, params: {max: 99999}}", "does not fit"),
        (
            "- {name: a, type: text, generator: template, params: {template: '{a}'}}",
            "its own column",
        ),
        (
            "- {name: a, type: text, generator: template, params: {template: '{zzz}'}}",
            "neither a column",
        ),
        (
            "- {name: a, type: text, generator: template, params: {template: '{a!r}'}}",
            "format specs",
        ),
        ("- {name: a, type: text, generator: template, params: {template: '{'}}", "literal braces"),
        ("- {name: a, type: date, generator: timeseries, params: {start: soon}}", "start/end"),
        (
            "- {name: a, type: date, generator: timeseries, params: {start: 2024-02-01, end: 2024-01-01}}",
            "end is before",
        ),
        ("- {name: a, type: text, generator: words, params: {min_words: 3, max_words: 1}}", "swap"),
        ("- {name: a, type: varchar(3), generator: code, params: {length: 5}}", "exceeds"),
        (
            '- {name: a, type: text, generator: code, params: {alphabet: "a\\tb"}}',
            "printable ASCII",
        ),
        (
            "- {name: a, type: bytea, generator: bytea, params: {min_length: 9, max_length: 2}}",
            "swap",
        ),
        ("- {name: a, type: 'int[]', params: {length: [3, 1]}}", "length [3, 1]"),
        ("- {name: a, type: text, generator: range}", "cannot fill a column of type text"),
        (
            "- {name: a, type: jsonb, unique: true, generator: constant, params: {value: '{}'}}",
            "only 1 possible",
        ),
        (
            "- {name: a, type: text, unique: true, generator: template, params: {template: x}}",
            "cannot make unique",
        ),
    ],
)
def test_param_problems(cols, message):
    assert message in problems(cols)


@pytest.mark.parametrize(
    ("column", "base", "table", "want"),
    [
        ("email", "text", "t", ("email", "")),
        ("contactEmail", "varchar", "t", ("email", "contact")),
        ("email", "integer", "t", None),
        ("first_name", "text", "t", ("first_name", "")),
        ("billing_city", "text", "t", ("city", "billing")),
        ("PhoneNumber", "text", "t", ("phone", "")),
        ("created_at", "timestamptz", "t", ("created_at", "")),
        ("created_at", "text", "t", None),
        ("name", "text", "customers", ("full_name", "")),
        ("name", "text", "products", ("product_name", "")),
        ("ip_address", "inet", "t", ("ipv4", "")),
        ("description", "text", "t", ("paragraph", "")),
    ],
)
def test_semantic_detection(column, base, table, want):
    assert semantic_match(column, base, table) == want


def test_locales_change_the_words():
    de = table("- {name: first_name, type: text}\n- {name: city, type: text}", 300, locale="de_DE")
    us = table("- {name: first_name, type: text}\n- {name: city, type: text}", 300)
    assert de["first_name"] != us["first_name"]
    assert len(set(de["city"]) & set(us["city"])) < 30
