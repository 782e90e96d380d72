"""``datagen explain``: each column's generator and the rule that chose it, read from the plan."""

from __future__ import annotations

import json
import textwrap

import pytest
from dumps import run_main

import datagen
from datagen.explain import explain

SPEC = textwrap.dedent(
    """\
    version: 1
    name: why
    tables:
      - name: customers
        rows: 50
        columns:
          - {name: id, type: bigserial, primary_key: true}
          - {name: emails, type: text, unique: true}
          - {name: billingCity, type: text}
          - {name: score, type: integer, check: "score BETWEEN 1 AND 5"}
          - {name: tier, type: text, generator: enum, params: {values: [a, b]}}
          - {name: misc, type: text, null_rate: 0.5}
          - {name: created_at, type: timestamptz}
          - {name: email_count, type: text}
      - name: orders
        rows: 100
        columns:
          - {name: id, type: bigserial, primary_key: true}
          - {name: customer_id, type: bigint, references: customers.id}
          - {name: placed_at, type: timestamptz}
          - {name: shipped_at, type: timestamptz}
        checks:
          - shipped_at > placed_at
    """
)


@pytest.fixture(scope="module")
def rows():
    return {(e.table, e.column): e for e in explain(datagen.compile_spec_text(SPEC))}


@pytest.mark.parametrize(
    ("table", "column", "generator", "rule", "words"),
    [
        ("customers", "id", "counter", "key", "counts 1, 2, 3"),
        ("customers", "emails", "email", "name", "read singular"),
        ("customers", "emails", "email", "name", "unique"),
        ("customers", "billingCity", "city", "name", "group 'billing'"),
        ("customers", "score", "range", "check", "score BETWEEN 1 AND 5"),
        ("customers", "tier", "enum", "explicit", "generator: enum"),
        ("customers", "misc", "words", "type default", "the default for text"),
        ("customers", "created_at", "created_at", "name", "created + at"),
        ("customers", "email_count", "words", "type default", "text"),
        ("orders", "customer_id", "foreign key", "key", "references customers.id (zipf"),
        ("orders", "placed_at", "confirmed_at", "name", "placed + at"),
        (
            "orders",
            "shipped_at",
            "shipped_at",
            "name",
            "CHECK (shipped_at > placed_at) holds in its lifecycle order",
        ),
    ],
)
def test_each_rule_is_named(rows, table, column, generator, rule, words):
    e = rows[(table, column)]
    assert (e.generator, e.rule) == (generator, rule)
    assert words in e.why


def test_null_shares(rows):
    assert rows[("customers", "misc")].nulls == 0.5
    assert rows[("customers", "id")].nulls == 0


def test_cli_prints_a_line_per_column(write_spec, capsys):
    code, out, err = run_main(["explain", str(write_spec(SPEC))], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 12
    assert lines[2].split()[:2] == ["customers.billingCity", "city"]
    assert "(NULL 50%)" in out


def test_cli_json(write_spec, capsys):
    code, out, _ = run_main(["explain", str(write_spec(SPEC)), "--json"], capsys)
    assert code == 0
    docs = [json.loads(line) for line in out.splitlines()]
    assert {d["rule"] for d in docs} == {"key", "name", "check", "explicit", "type default"}
    assert docs[0] == {
        "table": "customers",
        "column": "id",
        "type": "bigint",
        "generator": "counter",
        "rule": "key",
        "why": "counts 1, 2, 3 (a serial type)",
        "nulls": 0.0,
    }


def test_cli_invalid_spec_exits_1(write_spec, capsys):
    code, _, err = run_main(
        ["explain", str(write_spec(SPEC.replace("rows: 50", "rows: -1")))], capsys
    )
    assert code == 1 and "Error:" in err and "rows" in err


def test_an_array_column_names_its_elements_generator():
    spec = "version: 1\nname: a\ntables:\n  - name: posts\n    rows: 5\n    columns:\n"
    spec += "      - {name: tags, type: 'text[]'}\n      - {name: misc, type: 'integer[]'}\n"
    got = {e.column: e for e in explain(datagen.compile_spec_text(spec))}
    assert (got["tags"].generator, got["tags"].rule) == ("tags[]", "name")
    assert (got["misc"].generator, got["misc"].rule) == ("range[]", "type default")
