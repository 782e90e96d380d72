"""CHECK and DEFAULT are parsed as exactly one expression and printed from the tree.

Hostile text never reaches the dump (the validation corpus is fixtures/invalid/expressions.yaml);
valid, tricky expressions load with ON_ERROR_STOP and mean to PostgreSQL exactly what the spec
wrote: the catalog of the loaded dump is compared with a table created from the spec's own text.
"""

from __future__ import annotations

import pytest

import datagen
from datagen.api import generate_to_path
from datagen.plan.checks import check_bounds
from datagen.spec.expressions import ExpressionError, parse_expression, sql_text
from datagen.writers.toc import Toc


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("x > 0", "x > 0"),
        ("(x > 0)", "x > 0"),
        ('"Weird Col" >= 1', '"Weird Col" >= 1'),
        ("label IN ('a--b', 'c;d', 'e''f')", "label IN ('a--b', 'c;d', 'e''f')"),
        ("'/* not a comment */'", "'/* not a comment */'"),
        ("'active'::text", "CAST('active' AS text)"),
        ("0", "0"),
        ("true", "TRUE"),
        ("-1.5", "-1.5"),
        ("now()", "now()"),
        ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
        ("gen_random_uuid()", "gen_random_uuid()"),
        ("COALESCE(a, 1) BETWEEN 1 AND 2", "COALESCE(a, 1) BETWEEN 1 AND 2"),
        ("E'a\\\\b'", "'a\\b'"),
    ],
)
def test_expressions_print_from_the_tree(text, printed):
    assert sql_text(text) == printed
    assert parse_expression(printed) == parse_expression(text)


@pytest.mark.parametrize(
    "text",
    [
        "x > 0)); CREATE TABLE pwned (i int); SELECT ((1",
        "x > 0 -- )",
        "x > 0 /* ) */",
        "x > 0; SELECT 1",
        "x > 0 UNION SELECT 1",
        "x > 0 FROM pg_class",
        "x > 0 WHERE false",
        "x, y",
        "x AS y",
        "DISTINCT x",
        "x INTO t",
        "x >",
        "",
        "x > 0\x00; DROP TABLE t",
        "1" + "+1" * 3000,
        "(" * 5000 + "1" + ")" * 5000,
    ],
)
def test_not_one_expression_is_refused(text):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert info.value.hint
    with pytest.raises(ExpressionError):
        sql_text(text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("price >= 1.5", ("price", {"min": (1.5, ">=")})),
        ("(price < 10)", ("price", {"max": (10.0, "<")})),
        ("0 < qty", ("qty", {"min": (0.0, ">")})),
        ("10 >= qty", ("qty", {"max": (10.0, "<=")})),
        ("qty > -2", ("qty", {"min": (-2.0, ">")})),
        ('"Weird Col" BETWEEN 1 AND 9', ("Weird Col", {"min": (1.0, ">="), "max": (9.0, "<=")})),
        ("status IN ('a', 'it''s', 'b'::text)", ("status", {"values": ["a", "it's", "b"]})),
        ("n IN (1, 2.50)", ("n", {"values": ["1", "2.50"]})),
        ("lower(name) <> ''", None),
        ("a < b", None),
        ("status NOT IN ('a')", None),
        ("x NOT BETWEEN 1 AND 2", None),
        ("x IN (1, abs(y))", None),
        ("x BETWEEN 1 AND y", None),
        ("x = 1", None),
        ("not an expression ((", None),
    ],
)
def test_honoured_forms_are_read_from_the_tree(text, found):
    assert check_bounds(text) == found


SPEC = """
version: 1
name: tricky
enums:
  mood: [happy, "it's ok"]
tables:
  - name: Tricky Table
    rows: 50
    columns:
      - {name: id, type: serial, primary_key: true}
      - {name: Weird Col, type: integer, check: "\\"Weird Col\\" BETWEEN 1 AND 9"}
      - name: label
        type: text
        generator: enum
        params: {values: ["a--b", "c;d", "e'f"]}
        check: "label IN ('a--b', 'c;d', 'e''f')"
      - {name: note, type: "varchar(40)", default: "'-- not a comment; /* nor this */'"}
      - {name: qty, type: integer, default: 0, generator: range, params: {min: 0, max: 100}, check: "qty >= 0 AND qty <= 100"}
      - {name: active, type: boolean, default: true}
      - {name: status, type: text, default: "'active'"}
      - {name: created, type: timestamptz, default: now()}
      - {name: token, type: uuid, default: gen_random_uuid()}
      - {name: price, type: "numeric(8,2)", default: "'1.50'::numeric", check: "price >= 1"}
      - {name: feeling, type: mood, default: "'it''s ok'::public.mood"}
      - {name: nick, type: text, default: "COALESCE(NULL, 'x;y')"}
      - {name: ratio, type: real, default: -1.5}
      - {name: path, type: text, default: "E'C:\\\\\\\\temp'"}
      - {name: lo, type: integer, generator: range, params: {min: 0, max: 10}}
      - {name: hi, type: integer, generator: range, params: {min: 20, max: 30}}
    checks:
      - "lo < hi"
      - {expression: "lower(label) <> '' AND label NOT LIKE '%--%--%'", name: "label ok; --"}
      - "CURRENT_DATE >= '2000-01-01'::date"
      - "1 <= \\"Weird Col\\""
      - "price::numeric(10,2) < 100000 OR price IS NULL"
"""


def test_defaults_from_yaml_scalars_render_as_sql(write_spec):
    ds = datagen.load_spec(write_spec(SPEC))
    ddl = next(e.defn for e in Toc.from_dataset(ds) if e.desc == "TABLE")
    for line in (
        "qty integer DEFAULT 0,",
        "active boolean DEFAULT TRUE,",
        "status text DEFAULT 'active',",
        "note character varying(40) DEFAULT '-- not a comment; /* nor this */',",
        "ratio real DEFAULT -1.5,",
        "CONSTRAINT \"label ok; --\" CHECK (lower(label) <> '' AND label NOT LIKE '%--%--%'),",
    ):
        assert f"    {line}\n" in ddl, ddl


CATALOG = """
select con.conname, pg_get_constraintdef(con.oid)
from pg_constraint con join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = '{schema}' and con.contype = 'c' order by 1
"""
DEFAULTS = """
select a.attname, pg_get_expr(d.adbin, d.adrelid)
from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
join pg_class c on c.oid = d.adrelid join pg_namespace n on n.oid = c.relnamespace
where n.nspname = '{schema}' and a.attname <> 'id' order by 1
"""


@pytest.mark.postgres
@pytest.mark.parametrize("fmt", ["copy", "sql"])
def test_tricky_expressions_load_and_mean_what_the_spec_says(pg, write_spec, tmp_path, fmt):
    ds = datagen.load_spec(write_spec(SPEC))
    out = tmp_path / f"tricky.{fmt}.sql"
    generate_to_path(ds, str(out), fmt)
    db = pg.load_sql(out)  # psql -v ON_ERROR_STOP=1
    assert pg.scalar(db, 'select count(*) from "Tricky Table"') == "50"
    assert pg.scalar(db, "select count(*) from pg_class where relname = 'pwned'") == "0"
    loaded = pg.query(db, CATALOG.format(schema="public"))
    names = [r[0] for r in loaded]
    assert names == sorted(
        [
            "Tricky Table_Weird Col_check",
            "Tricky Table_Weird Col_check1",
            "Tricky Table_check",  # lo < hi: two columns, so PostgreSQL names no column
            "Tricky Table_check1",  # CURRENT_DATE >= ...: no column
            "Tricky Table_label_check",
            "Tricky Table_price_check",
            "Tricky Table_price_check1",
            "Tricky Table_qty_check",
            "label ok; --",
        ]
    )
    # the same table created from the spec's own text: the server reads both the same way
    (t,) = ds.tables
    cols = []
    for c in t.columns:
        default = f" DEFAULT {c.default}" if c.default is not None and not c.type.is_serial else ""
        cols.append(f'"{c.name}" {c.type.ddl()}{default}')
    # unnamed checks get PostgreSQL's own names, which must be the names datagen gave
    checks = [
        (f'CONSTRAINT "{chk.name}" ' if chk.name else "") + f"CHECK ({chk.expression})"
        for chk in t.checks
    ]
    pg.run(["psql", "-c", f'CREATE SCHEMA probe; CREATE TABLE probe."Tricky Table" '
            f"({', '.join(cols + checks)})"], db=db)  # fmt: skip
    assert pg.query(db, CATALOG.format(schema="probe")) == loaded
    assert pg.query(db, DEFAULTS.format(schema="probe")) == pg.query(
        db, DEFAULTS.format(schema="public")
    )
