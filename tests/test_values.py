"""Values fit their columns: every case is a small spec that either fails validation with the path
and a hint, or generates a dump that loads with ON_ERROR_STOP (and a serial table then takes an
INSERT). Each case was a valid spec whose dump did not load, or a silent loss, before."""

from __future__ import annotations

import pytest

import datagen
from datagen.api import generate_to_path
from datagen.errors import SpecError
from datagen.generators.literals import type_problem

HEAD = "version: 1\nname: t\n{extra}tables:\n  - name: t\n    rows: {rows}\n    columns:\n"


def spec(*columns: str, rows: int = 1000, table: str = "", extra: str = "") -> str:
    body = HEAD.format(rows=rows, extra=extra) + "".join(f"      - {c}\n" for c in columns)
    return body + table


# (id, spec, path, message substring, hint substring)
INVALID = [
    ("sequence-smallint", spec("{name: a, type: smallint, generator: sequence, "
     "params: {start: 32000, step: 10}}"), "tables[0].columns[0].params",
     "row 1000's value 41990 does not fit smallint", "wider type"),
    ("sequence-numeric", spec("{name: a, type: 'numeric(3,0)', generator: sequence, "
     "params: {start: 990}}"), "tables[0].columns[0].params", "does not fit numeric(3,0)", "rows"),
    ("sequence-down", spec("{name: a, type: smallint, generator: sequence, "
     "params: {start: -32000, step: -1}}"), "tables[0].columns[0].params",
     "-32999 does not fit smallint", "wider type"),
    ("range-smallint", spec("{name: a, type: smallint, generator: range, "
     "params: {min: 1, max: 40000}}"), "tables[0].columns[0].params",
     "max 40000 does not fit smallint", ""),
    ("range-numeric", spec("{name: a, type: 'numeric(4,2)', generator: range, "
     "params: {max: 100}}"), "tables[0].columns[0].params", "max 100 does not fit numeric(4,2)",
     ""),
    ("ipv4-varchar", spec("{name: a, type: varchar(8), generator: ipv4}"),
     "tables[0].columns[0]", "up to 15 characters", "varchar(15)"),
    ("macaddr-varchar", spec("{name: a, type: varchar(16), generator: macaddr}"),
     "tables[0].columns[0]", "up to 17 characters", "varchar(17)"),
    ("json-varchar", spec("{name: a, type: varchar(20), generator: json}"),
     "tables[0].columns[0]", "json' makes objects of up to", "jsonb"),
    ("template-literal", spec("{name: a, type: varchar(4), generator: template, "
     "params: {template: 'order-{code}'}}"), "tables[0].columns[0].params",
     "literal text alone is 6 characters", "widen"),
    ("email-varchar-12", spec("{name: email, type: varchar(12)}"), "tables[0].columns[0]",
     "an email needs at least 13 characters", "varchar(13)"),
    ("email-unique-rows", spec("{name: email, type: varchar(18), unique: true}", rows=2_000_000),
     "tables[0].columns[0]", "possible values but 't' has 2000000 rows", "widen"),
    ("phone-varchar", spec("{name: phone, type: varchar(5)}"), "tables[0].columns[0]",
     "shortest phone number", "varchar("),
    ("date", spec("{name: a, type: date, generator: constant, params: {value: notadate}}"),
     "tables[0].columns[0].params", "'notadate' is not a date", ""),
    ("date-range", spec("{name: a, type: date, generator: enum, "
     "params: {values: ['2024-02-30']}}"), "tables[0].columns[0].params", "is not a date", ""),
    ("time", spec("{name: a, type: time, generator: constant, params: {value: '25:00'}}"),
     "tables[0].columns[0].params", "is not a time", ""),
    ("timestamp", spec("{name: a, type: timestamp, generator: constant, "
     "params: {value: yesterday}}"), "tables[0].columns[0].params", "is not a timestamp", ""),
    ("timestamptz", spec("{name: a, type: timestamptz, generator: constant, "
     "params: {value: '2024-01-01 10:00 CEST'}}"), "tables[0].columns[0].params",
     "is not a timestamptz", ""),
    ("interval", spec("{name: a, type: interval, generator: weighted_enum, "
     "params: {values: {'1 day': 1, 'a while': 2}}}"), "tables[0].columns[0].params",
     "'a while' is not an interval", ""),
    ("json", spec("{name: a, type: json, generator: enum, params: {values: ['{bad']}}"),
     "tables[0].columns[0].params", "is not a json", ""),
    ("jsonb-nul", spec("{name: a, type: jsonb, generator: constant, "
     "params: {value: '\"\\u0000\"'}}"), "tables[0].columns[0].params", "cannot hold \\u0000",
     ""),
    ("inet", spec("{name: a, type: inet, generator: constant, params: {value: 300.1.1.1}}"),
     "tables[0].columns[0].params", "is not an inet", ""),
    ("cidr-host-bits", spec("{name: a, type: cidr, generator: constant, "
     "params: {value: 10.0.0.1/8}}"), "tables[0].columns[0].params", "has host bits set", ""),
    ("macaddr", spec("{name: a, type: macaddr, generator: constant, params: {value: '08:00:2b'}}"),
     "tables[0].columns[0].params", "is not a macaddr", ""),
    ("bytea", spec("{name: a, type: bytea, generator: constant, params: {value: '\\xabc'}}"),
     "tables[0].columns[0].params", "is not a bytea", ""),
    ("uuid", spec("{name: a, type: uuid, generator: constant, "
     "params: {value: 'urn:uuid:12345678-1234-1234-1234-123456789abc'}}"),
     "tables[0].columns[0].params", "is not a uuid", ""),
    ("real", spec("{name: a, type: real, generator: constant, params: {value: '1e39'}}"),
     "tables[0].columns[0].params", "out of range for type real", ""),
    ("boolean-text", spec("{name: a, type: text, generator: constant, params: {value: false}}"),
     "tables[0].columns[0].params", "YAML boolean", ""),
    ("index-json-btree", spec("{name: a, type: json}", table="    indexes:\n"
     "      - {columns: [a]}\n"), "tables[0].indexes[0].columns",
     "(json) has no btree operator class", "jsonb"),
    ("index-gin-scalar", spec("{name: a, type: integer}", table="    indexes:\n"
     "      - {columns: [a], using: gin}\n"), "tables[0].indexes[0].columns",
     "has no gin operator class", "btree"),
    ("index-hash-json-array", spec("{name: a, type: 'json[]'}", table="    indexes:\n"
     "      - {columns: [a], using: hash}\n"), "tables[0].indexes[0].columns",
     "has no hash operator class", "drop the index"),
    ("index-brin-boolean", spec("{name: a, type: boolean}", table="    indexes:\n"
     "      - {columns: [a], using: brin}\n"), "tables[0].indexes[0].columns",
     "has no brin operator class", "btree"),
    ("index-unique-hash", spec("{name: a, type: integer}", table="    indexes:\n"
     "      - {columns: [a], using: hash, unique: true}\n"), "tables[0].indexes[0].using",
     "unique index must use btree", "drop"),
    ("index-hash-two-columns", spec("{name: a, type: integer}", "{name: b, type: integer}",
     table="    indexes:\n      - {columns: [a, b], using: hash}\n"),
     "tables[0].indexes[0].using", "hash indexes take one column", "btree"),
    ("index-name-64", spec("{name: a, type: integer}", table="    indexes:\n"
     f"      - {{columns: [a], name: {'x' * 64}}}\n"), "tables[0].indexes[0].name",
     "is 64 bytes; PostgreSQL keeps only 63", "shorten"),
    ("constraint-name-64", spec("{name: a, type: integer}", table="    checks:\n"
     f"      - {{name: {'c' * 64}, expression: 'a > 0'}}\n"), "tables[0].checks[0].name",
     "is 64 bytes", "shorten"),
    ("index-name-is-table", spec("{name: a, type: integer}", table="    indexes:\n"
     "      - {columns: [a], name: t}\n"), "tables[0].indexes[0].name",
     "is taken by table 'public.t'", "namespace"),
    ("index-names-clash", spec("{name: a, type: integer}", "{name: b, type: integer}",
     table="    indexes:\n      - {columns: [a], name: ix}\n      - {columns: [b], name: ix}\n"),
     "tables[0].indexes[1].name", "is taken by the index at tables[0].indexes[0].name",
     "namespace"),
    ("unique-name-is-index", spec("{name: a, type: integer}", "{name: b, type: integer}",
     table="    unique:\n      - {columns: [a], name: ix}\n    indexes:\n"
     "      - {columns: [b], name: ix}\n"), "tables[0].indexes[0].name",
     "is taken by the unique constraint", "namespace"),
    ("check-name-is-fk", spec("{name: id, type: integer, primary_key: true}",
     "{name: p, type: integer}", table="    foreign_keys:\n      - {name: c, columns: [p], "
     "references: {table: t, columns: [id]}}\n    checks:\n      - {name: c, expression: "
     "'p > 0'}\n"), "tables[0].checks[0].name", "is taken by the constraint at", "distinct"),
    ("enum-is-table", spec("{name: a, type: integer}", extra="enums:\n  t: [x, y]\n"),
     "tables[0].name", "has the name of enum 't'", "rename"),
    ("serial-unknowable", spec("{name: id, type: serial, primary_key: true, generator: range}"),
     "tables[0].columns[0]", "cannot tell where its sequence must continue", "range with max"),
    ("code-repeats", spec("{name: a, type: varchar(4), unique: true, generator: code, "
     "params: {alphabet: ABCA, length: 4}}", rows=10), "tables[0].columns[0].params",
     "alphabet repeats 'A'", "once"),
    ("code-nul", spec('{name: a, type: varchar(4), generator: code, '
     'params: {alphabet: "AB\\0", length: 4}}', rows=10), "tables[0].columns[0].params",
     "no control character", ""),
    ("code-control", spec('{name: a, type: varchar(4), generator: code, '
     'params: {alphabet: "AB\\x7f", length: 4}}', rows=10), "tables[0].columns[0].params",
     "no control character", ""),
    ("nul-template", spec('{name: a, type: text, generator: template, '
     'params: {template: "a\\0b"}}'), "tables[0].columns[0].params", "NUL", "remove"),
    ("nul-default", spec('{name: a, type: text, default: "\'a\\0b\'"}'),
     "tables[0].columns[0].default", "NUL", "remove"),
    ("nul-check", spec('{name: a, type: text, check: "a <> \'\\0\'"}'),
     "tables[0].columns[0].check", "NUL", "remove"),
    ("nul-enum", spec('{name: a, type: text, generator: enum, params: {values: ["x\\0"]}}'),
     "tables[0].columns[0].params", "NUL", ""),
    ("nul-constant", spec('{name: a, type: text, generator: constant, params: {value: "\\0"}}'),
     "tables[0].columns[0].params", "NUL", ""),
    ("nul-weighted", spec('{name: a, type: text, generator: weighted_enum, '
     'params: {values: {"a\\0": 1}}}'), "tables[0].columns[0].params", "NUL", ""),
]  # fmt: skip


@pytest.mark.parametrize(("spec_text", "path", "message", "hint"),
                         [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])  # fmt: skip
def test_validate_says_what_and_where(write_spec, spec_text, path, message, hint):
    file = write_spec(spec_text)
    with pytest.raises(SpecError) as info:
        datagen.load_spec(file)
    found = [p for p in info.value.problems if p.path == path and message in p.message]
    assert found, f"no problem at {path!r} with {message!r}; got:\n{info.value}"
    assert hint in (found[0].hint or "")
    assert found[0].file == str(file) and found[0].line is not None


# (id, spec, SQL run after loading, its expected first row)
VALID = [
    ("boolean-yaml", spec("{name: a, type: boolean, generator: constant, params: {value: false}}",
     "{name: b, type: boolean, generator: enum, params: {values: [true, 'no']}}"),
     "select count(*) filter (where a) from t", "0"),
    ("temporal-values", spec(
        "{name: d, type: date, generator: enum, params: {values: [2024-02-29, '1999-12-31', "
        "infinity]}}",
        "{name: ti, type: time, generator: enum, params: {values: ['24:00:00', '08:30', "
        "'23:59:59.999999']}}",
        "{name: ts, type: timestamp, generator: enum, params: {values: ['2024-01-01 10:00', "
        "'2024-01-01T10:00:00.5', 2024-06-01 12:00:00]}}",
        "{name: tz, type: timestamptz, generator: enum, params: {values: ['2024-01-01 10:00+02', "
        "'2024-01-01T10:00:00Z', '2024-01-01 10:00:00-03:30']}}"),
     "select count(distinct d) from t", "3"),
    ("interval-forms", spec(
        "{name: a, type: interval, generator: enum, params: {values: ['1 day', "
        "'2 hours 30 minutes', P1D, 'PT1H30M', '01:02:03', '1 day ago', '-1 day +02:03', "
        "'@ 3 weeks', '1.5 years', 'P1Y2M3DT4H5M6.5S']}}"),
     "select count(distinct a) from t", "9"),  # P1D = '1 day'
    ("network-values", spec(
        "{name: i, type: inet, generator: enum, params: {values: [10.0.0.1/8, '::1', "
        "192.168.0.1]}}",
        "{name: c, type: cidr, generator: enum, params: {values: [10.0.0.0/8, '2001:db8::/32']}}",
        "{name: m, type: macaddr, generator: enum, params: {values: ['08:00:2b:01:02:03', "
        "'08-00-2b-01-02-04', '08002b:010205', '0800.2b01.0206', '0800-2b01-0207', "
        "'08002b010208']}}"),
     "select count(distinct m) from t", "6"),
    ("bytea-json-uuid", spec(
        "{name: b, type: bytea, generator: enum, params: {values: ['\\x0a1B', 'a\\\\b', "
        "'\\001x', '\\x 0a 1b']}}",
        "{name: j, type: jsonb, generator: enum, params: {values: ['{\"a\": [1, 2.5e3]}', "
        "'\"\\ud83d\\ude00\"', 'null']}}",
        "{name: u, type: uuid, generator: constant, params: "
        "{value: '{12345678-1234-1234-1234-123456789abc}'}}"),
     "select count(distinct b) from t", "3"),
    ("varchar-bounded", spec(
        "{name: email, type: varchar(14)}",
        "{name: work_email, type: varchar(20), unique: true}",
        "{name: phone, type: varchar(12)}",
        "{name: ip, type: varchar(15)}",
        "{name: note, type: varchar(8), generator: template, "
        "params: {template: '{first_name}.{last_name}@x.com'}}"),
     "select count(*) from t where email !~ '^[a-z0-9._]*[a-z0-9]@example\\.(com|org|net)$' "
     "or work_email !~ '^[a-z][a-z0-9._]*[a-z0-9]@example\\.(com|org|net)$'", "0"),
    ("sequence-fits", spec("{name: a, type: smallint, generator: sequence, "
     "params: {start: 32000, step: -64}}", "{name: b, type: 'numeric(3,0)', generator: sequence, "
     "params: {start: -999}}", rows=1000),
     "select max(b) from t", "0"),
    ("serial-sequence", spec("{name: id, type: serial, primary_key: true, generator: sequence, "
     "params: {start: 5000, step: 7}}", "{name: x, type: integer}") + "",
     "insert into t (x) values (1) returning id", "11994"),
    ("serial-range-unique", spec("{name: id, type: bigserial, primary_key: true, "
     "generator: range, params: {min: 100, max: 5000}}", "{name: x, type: integer}"),
     "insert into t (x) values (1) returning id", "5001"),
    ("serial-enum", spec("{name: id, type: smallserial, generator: enum, "
     "params: {values: [3, 9, 4]}}", "{name: x, type: integer}"),
     "insert into t (x) values (1) returning id", "10"),
    ("serial-fk", "version: 1\nname: t\ntables:\n  - name: p\n    rows: 50\n    columns:\n"
     "      - {name: id, type: integer, primary_key: true, generator: sequence, "
     "params: {start: 1000}}\n  - name: t\n    rows: 40\n    columns:\n"
     "      - {name: id, type: serial, primary_key: true, references: p.id}\n"
     "      - {name: x, type: integer}\n",
     "insert into p values (1050); insert into t (x) values (1) returning id", "1050"),
    ("serial-empty", spec("{name: id, type: serial, primary_key: true, generator: sequence, "
     "params: {start: 5000}}", "{name: x, type: integer}", rows=0),
     "insert into t (x) values (1) returning id", "1"),
    ("serial-counter", spec("{name: id, type: serial, primary_key: true}",
     "{name: x, type: integer}", rows=30),
     "insert into t (x) values (1) returning id", "31"),
    ("default-names-avoid-explicit", spec("{name: id, type: integer, primary_key: true}",
     "{name: a, type: integer, check: 'a > 0', generator: range, params: {min: 1, max: 9}}",
     "{name: b, type: integer}",
     table="    indexes:\n      - {columns: [b], name: t_pkey}\n      - {columns: [a], "
     "name: t_b_idx}\n    unique:\n      - {columns: [b], name: t_a_check}\n"),
     "select string_agg(conname, ',' order by conname) from pg_constraint "
     "where conrelid = 't'::regclass", "t_a_check,t_a_check1,t_pkey1"),
    ("index-methods", spec("{name: a, type: jsonb}", "{name: b, type: 'integer[]'}",
     "{name: c, type: inet}", "{name: d, type: text}", "{name: e, type: json}",
     table="    indexes:\n      - {columns: [a], using: gin}\n      - {columns: [b], using: gin}\n"
     "      - {columns: [c], using: brin}\n      - {columns: [d], using: brin}\n"
     "      - {columns: [b], using: hash}\n      - {columns: [c, d], using: btree}\n"
     "      - {columns: [a], using: hash}\n"),
     "select count(*) from pg_indexes where tablename = 't'", "7"),
]  # fmt: skip


@pytest.mark.parametrize(("spec_text", "sql", "want"), [c[1:] for c in VALID],
                         ids=[c[0] for c in VALID])  # fmt: skip
def test_valid_spec_loads(pg, write_spec, tmp_path, spec_text, sql, want):
    ds = datagen.load_spec(write_spec(spec_text))
    out = tmp_path / "dump.sql"
    generate_to_path(ds, str(out), "copy")
    db = pg.load_sql(out)
    assert pg.scalar(db, sql) == want


# (type, text) PostgreSQL refuses; type_problem must refuse them too
REFUSED = [
    ("date", "2024-02-30"), ("date", "24-01-01"), ("time", "25:00"), ("interval", "banana"),
    ("interval", "P"), ("json", "{bad"), ("json", "NaN"), ("jsonb", '"\\u0000"'),
    ("jsonb", '"\\ud800"'), ("inet", "300.1.1.1"), ("cidr", "10.0.0.1/8"), ("macaddr", "08:00:2b"),
    ("bytea", "\\xabc"), ("bytea", "a\\b"), ("uuid", "1234"), ("boolean", "maybe"),
    ("timestamp", "2024-13-01 00:00"),
]  # fmt: skip
ACCEPTED = [
    ("date", "2024-02-29"), ("date", "infinity"), ("time", "24:00:00"), ("interval", "1 day"),
    ("interval", "2 hours 30 minutes"), ("interval", "P1D"), ("interval", "01:02:03"),
    ("interval", "1 mon 2 days ago"), ("json", '{"a": [1, {"b": null}]}'), ("jsonb", "[]"),
    ("json", '"\\u0000"'), ("json", '"\\ud800"'), ("inet", "10.1.2.3/8"), ("inet", "fe80::1"), ("cidr", "10.0.0.0/8"),
    ("macaddr", "0800.2b01.0203"), ("bytea", "\\x0A1b"), ("bytea", "a\\\\b\\001"),
    ("uuid", "{12345678-1234-1234-1234-123456789abc}"), ("uuid", "12345678123412341234123456789abc"),
    ("boolean", " YES "), ("timestamptz", "2024-01-01 10:00:00.123+05:30"),
    ("timestamp", "2024-01-01T10:00"),
]  # fmt: skip
PG_NAMES = {"timestamptz": "timestamp with time zone", "time": "time without time zone"}


@pytest.mark.parametrize(("base", "text"), REFUSED + ACCEPTED)
def test_parsers_agree_with_postgresql(pg, base, text):
    ours = type_problem(text, base) is None
    lit = "'" + text.replace("'", "''") + "'"
    r = pg.run(["psql", "-c", f"select {lit}::{PG_NAMES.get(base, base)}"], check=False)
    theirs = r.returncode == 0
    assert ours == theirs == ((base, text) in ACCEPTED), (ours, theirs, r.stderr)
