"""Keys by construction: foreign key distributions, one-to-one keys, composite keys, CHECKs."""

from __future__ import annotations

from collections import Counter

import pytest
from dumps import columns, dump

import datagen
from datagen.errors import SpecError

HEAD = "version: 1\nname: k\nseed: 3\ntables:\n"


def spec(body: str):
    return datagen.load_spec_text(HEAD + body)


def col(ds, table: str, name: str) -> list[str]:
    return [v.decode() for v in columns(dump(ds), f"public.{table}")[name]]


PARENT = """
  - name: p
    rows: 1000
    columns:
      - {name: id, type: bigserial, primary_key: true}
"""


@pytest.mark.parametrize(
    ("dist", "top_share"),
    [("uniform", (0.0, 0.02)), ("zipf", (0.05, 0.5)), ("normal", (0.002, 0.05))],
)
def test_fk_distributions(dist, top_share):
    ds = spec(
        PARENT
        + f"""
  - name: c
    rows: 50000
    columns:
      - {{name: p_id, type: bigint, nullable: false, references: {{table: p, column: id, distribution: {dist}}}}}
"""
    )
    counts = Counter(col(ds, "c", "p_id"))
    assert all(1 <= int(k) <= 1000 for k in counts)
    share = counts.most_common(1)[0][1] / 50000
    assert top_share[0] < share < top_share[1], share
    if dist == "normal":  # the busiest tenth of parents gets far more than a tenth of children
        busiest = sum(n for _, n in counts.most_common(100)) / 50000
        assert busiest > 0.2


def test_one_to_one_and_sequences_are_unique():
    ds = spec(
        PARENT
        + """
  - name: c
    rows: 1000
    columns:
      - {name: p_id, type: bigint, unique: true, nullable: false, references: p.id}
      - {name: n, type: integer, unique: true, generator: sequence, params: {start: 100}}
"""
    )
    assert sorted(map(int, col(ds, "c", "p_id"))) == list(range(1, 1001))
    assert col(ds, "c", "n")[:2] == ["100", "101"]


def test_composite_key_over_wide_columns():
    ds = spec("""
  - name: pairs
    rows: 5000
    primary_key: [a, b]
    columns:
      - {name: a, type: bigint, generator: range, params: {min: 0, max: 9000000000000000000}}
      - {name: b, type: bigint, generator: range, params: {min: -9000000000000000000, max: 0}}
""")
    data = columns(dump(ds), "public.pairs")
    assert len(set(zip(data["a"], data["b"], strict=True))) == 5000


def test_composite_foreign_key_into_generated_composite_key():
    ds = spec("""
  - name: parent
    rows: 50
    primary_key: [code, n]
    columns:
      - {name: code, type: char(2)}
      - {name: n, type: smallint, generator: range, params: {min: 1, max: 4}}
  - name: child
    rows: 400
    columns:
      - {name: code, type: char(2)}
      - {name: n, type: smallint}
    foreign_keys:
      - {columns: [code, n], references: {table: parent, columns: [code, n]}}
""")
    parent = columns(dump(ds), "public.parent")
    child = columns(dump(ds), "public.child")
    keys = set(zip(parent["code"], parent["n"], strict=True))
    assert len(keys) == 50
    assert set(zip(child["code"], child["n"], strict=True)) <= keys


def test_checks_shape_the_values():
    ds = spec("""
  - name: t
    rows: 3000
    columns:
      - {name: id, type: serial, primary_key: true, check: "id > 0"}
      - {name: status, type: text, check: "status IN ('new', 'it''s paid')"}
      - {name: score, type: integer, check: "score < 10"}
      - {name: ratio, type: "numeric(4,3)", check: "ratio BETWEEN 0.25 AND 0.75"}
      - {name: other, type: integer}
    checks:
      - "score > -5"
      - "other <> 3"
""")
    assert set(col(ds, "t", "status")) == {"new", "it's paid"}
    assert all(-5 < int(v) < 10 for v in col(ds, "t", "score"))
    assert all(0.25 <= float(v) <= 0.75 for v in col(ds, "t", "ratio"))


def test_unenforced_checks_are_listed(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        HEAD
        + """
  - name: t
    rows: 10
    columns:
      - {name: id, type: serial, primary_key: true, check: "id > 0"}
      - {name: p_id, type: bigint, references: t2.id, check: "p_id > 5"}
      - {name: tags, type: "text[]", check: "cardinality(tags) < 5"}
      - {name: a, type: integer}
    checks:
      - "a < id"
      - "a IN (1, abs(id))"
  - name: t2
    rows: 10
    columns:
      - {name: id, type: bigserial, primary_key: true}
"""
    )
    (report,) = datagen.validate([path])
    assert report.ok
    text = "\n".join(map(str, report.warnings))
    assert "id > 0" not in text  # a serial counts from 1: holds already
    for expr in ("p_id > 5", "cardinality(tags) < 5", "a < id", "a IN (1, abs(id))"):
        assert f"CHECK ({expr}) is not enforced" in text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            PARENT
            + """
  - name: c
    rows: 5
    columns:
      - {name: p_id, type: bigint, references: p.id, generator: range}
""",
            "is a foreign key: its values come from p.id",
        ),
        (
            """
  - name: t
    rows: 5
    unique: [[a, b], [b, c]]
    columns:
      - {name: a, type: integer}
      - {name: b, type: integer}
      - {name: c, type: integer}
""",
            "is in two composite unique keys",
        ),
        (
            """
  - name: t
    rows: 5
    primary_key: [a, b]
    columns:
      - {name: a, type: integer}
      - {name: b, type: text, generator: template, params: {template: x}}
""",
            "cannot enumerate distinct values",
        ),
        (
            """
  - name: t
    rows: 5
    columns:
      - {name: a, type: integer}
    foreign_keys:
      - {columns: [a], references: {table: t, columns: [zz]}}
""",
            "table 't' has no column 'zz'",
        ),
        (
            """
  - name: t
    rows: 5
    columns:
      - {name: a, type: integer}
    indexes:
      - {columns: [a, a]}
""",
            "a column is listed twice",
        ),
        (
            """
  - name: t
    rows: 5
    primary_key: [a]
    columns:
      - {name: a, type: integer, primary_key: true}
""",
            "declared both on columns and on the table",
        ),
        (
            """
  - name: t
    schema: s1
    rows: 5
    columns:
      - {name: id, type: integer, primary_key: true}
  - name: t
    schema: s2
    rows: 5
    columns:
      - {name: id, type: integer, primary_key: true}
  - name: u
    rows: 5
    columns:
      - {name: t_id, type: integer, references: t.id}
""",
            "table name 't' is ambiguous",
        ),
        (
            """
  - name: "%s"
    rows: 5
    columns:
      - {name: a, type: integer}
"""
            % ("x" * 64),
            "PostgreSQL keeps only 63",
        ),
    ],
)
def test_key_problems(body, message):
    with pytest.raises(SpecError) as info:
        spec(body)
    assert message in str(info.value)


def test_schema_qualified_references_and_not_null_self_reference(pg, tmp_path):
    ds = spec("""
  - name: nodes
    schema: graph
    rows: 300
    columns:
      - {name: id, type: integer, primary_key: true}
      - {name: parent_id, type: integer, nullable: false, references: graph.nodes.id}
  - name: edges
    rows: 300
    columns:
      - {name: node_id, type: integer, nullable: false, references: {table: nodes, schema: graph, column: id}}
""")
    out = tmp_path / "g.sql"
    out.write_bytes(dump(ds))
    db = pg.load_sql(out)
    assert (
        pg.scalar(db, "select count(*) from graph.nodes n join graph.nodes p on p.id = n.parent_id")
        == "300"
    )


def test_nullable_fk_into_empty_table_is_all_null():
    ds = spec("""
  - name: p
    rows: 0
    columns:
      - {name: id, type: bigserial, primary_key: true}
  - name: c
    rows: 20
    columns:
      - {name: p_id, type: bigint, references: p.id}
""")
    assert set(col(ds, "c", "p_id")) == {"\\N"}


def test_fk_to_a_parent_key_with_nulls_follows_them(pg, tmp_path):
    ds = spec("""
  - name: p
    rows: 200
    columns:
      - {name: id, type: bigserial, primary_key: true}
      - {name: code, type: integer, unique: true, null_rate: 0.5}
  - name: c
    rows: 2000
    columns:
      - {name: p_code, type: integer, references: p.code}
""")
    values = col(ds, "c", "p_code")
    assert 0.35 < values.count("\\N") / len(values) < 0.65
    out = tmp_path / "n.sql"
    out.write_bytes(dump(ds))
    pg.load_sql(out)  # the FK constraint is created and validated by the load


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            """
  - name: p
    rows: 10
    columns:
      - {name: id, type: bigserial, primary_key: true}
      - {name: code, type: integer, unique: true, null_rate: 0.5}
  - name: c
    rows: 10
    columns:
      - {name: p_code, type: integer, nullable: false, references: p.code}
""",
            "NOT NULL foreign key into p.code, which has a null_rate",
        ),
        (
            """
  - name: p
    rows: 10
    primary_key: [a, b]
    columns:
      - {name: a, type: integer, generator: range, params: {min: 1, max: 100}}
      - {name: b, type: integer, generator: range, params: {min: 1, max: 100}}
  - name: q
    rows: 10
    columns:
      - {name: id, type: integer, primary_key: true}
  - name: c
    rows: 10
    columns:
      - {name: a, type: integer, unique: true}
      - {name: b, type: integer, references: q.id}
    foreign_keys:
      - {columns: [a, b], references: {table: p, columns: [a, b]}}
""",
            "is in two foreign keys",
        ),
        (
            """
  - name: p
    rows: 10
    primary_key: [a, b]
    columns:
      - {name: a, type: integer, generator: range, params: {min: 1, max: 100}}
      - {name: b, type: integer, generator: range, params: {min: 1, max: 100}}
  - name: c
    rows: 10
    columns:
      - {name: a, type: integer, unique: true}
      - {name: b, type: integer}
    foreign_keys:
      - {columns: [a, b], references: {table: p, columns: [a, b]}}
""",
            "is unique on its own but part of a multi-column foreign key",
        ),
    ],
)
def test_foreign_key_shape_problems(body, message):
    with pytest.raises(SpecError) as info:
        spec(body)
    assert message in str(info.value)
