"""Dumps load into a real PostgreSQL with every declared constraint created and valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import datagen
from datagen.api import generate_to_path

FIXTURES = Path(__file__).parent / "fixtures" / "specs"
ROOT = Path(__file__).parent.parent

CONSTRAINTS = """
select n.nspname || '.' || c.relname, con.conname, con.contype, con.convalidated
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname not in ('pg_catalog', 'information_schema')
order by 1, 2
"""


def dump_text(ds) -> str:
    import io

    out = io.BytesIO()
    datagen.generate(ds, out)
    return out.getvalue().decode()


def expected_constraints(ds) -> int:
    n = 0
    for t in ds.tables:
        n += (t.primary_key is not None) + len(t.uniques) + len(t.foreign_keys) + len(t.checks)
    return n


@pytest.fixture(scope="module", params=["copy", "sql"])
def alltypes(request, pg, tmp_path_factory):
    ds = datagen.load_spec(FIXTURES / "alltypes.yaml")
    out = tmp_path_factory.mktemp("dump") / f"alltypes.{request.param}.sql"
    generate_to_path(ds, str(out), request.param)
    return ds, pg, pg.load_sql(out)


def test_row_counts(alltypes):
    ds, pg, db = alltypes
    for t in ds.tables:
        q = f'select count(*) from "{t.schema}"."{t.name}"'
        assert pg.scalar(db, q) == str(t.rows), t.name


def test_every_constraint_exists_and_is_valid(alltypes):
    ds, pg, db = alltypes
    rows = pg.query(db, CONSTRAINTS)
    assert len(rows) == expected_constraints(ds)
    assert all(r[3] == "t" for r in rows)
    names = {r[1] for r in rows}
    assert {"order items pk", "numeric_floor", "employees_dept_code_dept_no_fkey"} <= names
    assert "every_type_c_smallint_check" in names  # PostgreSQL's default name for a table CHECK
    fk = pg.scalar(
        db,
        "select confdeltype::text || condeferrable::text from pg_constraint "
        "where conname = 'employees_dept_code_dept_no_fkey'",
    )
    assert fk == "ctrue"  # ON DELETE CASCADE, DEFERRABLE


def test_indexes_keep_their_method_and_name(alltypes):
    _, pg, db = alltypes
    rows = dict(
        pg.query(
            db,
            "select indexname, indexdef from pg_indexes where schemaname not like 'pg_%' "
            "and schemaname <> 'information_schema'",
        )
    )
    assert "USING hash" in rows["dept_code_hash"]
    assert "USING brin" in rows["departments_budget_idx"]
    assert "USING gin" in rows["user_profiles_tags_idx"]


def test_hostile_identifiers_are_names_not_sql(alltypes):
    _, pg, db = alltypes
    cols = pg.query(
        db,
        "select column_name from information_schema.columns "
        "where table_schema = 'Weird Schema' and table_name = 'Order Items' "
        "order by ordinal_position",
    )
    assert [c[0] for c in cols] == [
        "order ref",
        "Line No",
        "user",
        'x"; DROP TABLE every_type; --',
        "Ünïcode ✓",
    ]
    assert pg.scalar(db, "select count(*) from every_type") == "3000"  # nothing was dropped


def test_bounds_hold(alltypes):
    _, pg, db = alltypes
    row = pg.query(
        db,
        "select max(length(c_varchar)), max(length(c_varchar_u)), max(abs(c_numeric)), "
        'min(c_smallint), max(c_smallint), min(c_numeric), max(length("firstName")), '
        "max(length(email)) from every_type",
    )[0]
    assert int(row[0]) <= 8 and int(row[1]) <= 6 and float(row[2]) <= 999.99
    assert 10 <= int(row[3]) <= int(row[4]) <= 20  # CHECK c_smallint BETWEEN 10 AND 20
    assert float(row[5]) >= 1.5
    assert int(row[6]) <= 10 and int(row[7]) <= 40


def test_uniqueness_and_references_hold(alltypes):
    _, pg, db = alltypes
    checks = {
        "select count(*) - count(distinct c_uuid) from every_type": "0",
        "select count(*) - count(distinct email) from every_type": "0",
        'select count(*) - count(distinct ("order ref", "Line No")) '
        'from "Weird Schema"."Order Items"': "0",
        "select count(*) from employees e left join departments d "
        "on (d.code, d.no) = (e.dept_code, e.dept_no) where d.code is null": "0",
        "select count(*) from employees e left join employees m on m.id = e.manager_id "
        "where e.manager_id is not null and m.id is null": "0",
        "select count(*) - count(distinct employee_id) from user_profiles": "0",
    }
    for sql, want in checks.items():
        assert pg.scalar(db, sql) == want, sql


def test_nulls_follow_null_rate(alltypes):
    _, pg, db = alltypes
    share = float(pg.scalar(db, "select avg((c_boolean is null)::int) from every_type"))
    assert 0.15 < share < 0.25
    nulls = pg.scalar(db, "select count(*) from employees where manager_id is null")
    assert 20 <= int(nulls) <= 60  # 10% of 400


def test_sequences_continue_after_the_data(alltypes):
    _, pg, db = alltypes
    got = pg.query(
        db,
        "select sequencename, last_value from pg_sequences order by 1",
    )
    assert [r[0] for r in got] == [
        "every_type_c_serial_seq",
        "every_type_c_smallserial_seq",
        "every_type_id_seq",
    ]
    assert {r[1] for r in got} == {"3000"}


def test_column_defaults_are_declared(alltypes):
    _, pg, db = alltypes
    defaults = dict(
        pg.query(
            db,
            "select column_name, column_default from information_schema.columns "
            "where table_name = 'every_type' and column_default is not null",
        )
    )
    assert defaults["note"] == "'n/a'::text"
    assert defaults["added_on"] == "now()"
    assert defaults["id"] == "nextval('every_type_id_seq'::regclass)"


def test_dump_has_nothing_newer_servers_only(alltypes):
    ds, _, _ = alltypes
    text = dump_text(ds)
    assert "transaction_timeout" not in text
    assert not [ln for ln in text.splitlines() if ln.startswith(("\\restrict", "\\unrestrict"))]


def test_awkward_values_round_trip(alltypes):
    _, pg, db = alltypes
    got = {r[0] for r in pg.query(db, "select distinct c_weird from every_type")}
    assert {"\\N", "a\tb", "line\nbreak", "cr\rhere", "quote'd", "back\\slash", "ünïcödé ✓"} <= got
    constant = pg.scalar(db, "select distinct c_constant from every_type")
    assert constant == "tab\there\nnew 'q' \\ \"dq\""
    moods = pg.scalar(
        db, "select array_agg(distinct m order by m) from every_type, unnest(c_mood_array) m"
    )
    assert "it's complicated" in moods


def test_example_dataset_loads(pg, tmp_path):
    ds = datagen.load_spec(ROOT / "datasets" / "shop.yaml")
    out = tmp_path / "shop.sql"
    generate_to_path(ds, str(out))
    db = pg.load_sql(out)
    assert pg.scalar(db, "select count(*) from orders") == "5000"
    assert len(pg.query(db, CONSTRAINTS)) == expected_constraints(ds)
    # realism: a row's email is made from that row's names
    share = float(
        pg.scalar(
            db,
            "select avg((position(lower(left(first_name, 1)) in email) = 1 "
            "and (email like '%' || lower(last_name) || '%' "
            "or email like lower(first_name) || '%'))::int) "
            "from customers",
        )
    )
    assert share > 0.9
    assert re.fullmatch(r"[0-9]+", pg.scalar(db, "select max(id) from customers"))
