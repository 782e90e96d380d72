"""Names are never SQL: control characters are refused, dump comments stay on one line.

A name reaches the dump in quoted identifiers and in pg_dump's ``-- Name: ...`` comment lines. A
line break in a name used to end such a comment and run the rest of the name as SQL when the dump
was loaded with psql.
"""

from __future__ import annotations

import io
import re

import pytest
import yaml

import datagen
from datagen.errors import SpecError
from datagen.idents import comment_line

PAYLOAD = "t\nCOPY (SELECT 1) TO PROGRAM 'id>/tmp/x';--"


def base_spec() -> dict:
    return {
        "version": 1,
        "name": "hostile",
        "enums": {"mood": ["ok"]},
        "tables": [
            {
                "name": "parent",
                "rows": 3,
                "columns": [
                    {"name": "id", "type": "bigserial", "primary_key": True},
                    {"name": "code", "type": "integer"},
                ],
                "unique": [{"columns": ["code"], "name": "parent_code_key"}],
                "indexes": [{"columns": ["code"], "name": "parent_code_idx"}],
                "checks": [{"expression": "code > 0", "name": "parent_code_check"}],
            },
            {
                "name": "child",
                "rows": 3,
                "columns": [
                    {"name": "id", "type": "bigserial"},
                    {"name": "parent_id", "type": "bigint", "references": "parent.id"},
                    {
                        "name": "other_id",
                        "type": "bigint",
                        "references": {"table": "parent", "column": "id", "name": "child_fk"},
                    },
                    {"name": "third_id", "type": "bigint"},
                ],
                "primary_key": {"columns": ["id"], "name": "child_pkey"},
                "foreign_keys": [
                    {
                        "columns": ["third_id"],
                        "references": {"table": "parent", "columns": ["id"]},
                        "name": "child_other_fk",
                    }
                ],
            },
        ],
    }


def _set(doc: dict, path: list, value: str) -> None:
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


# (where in the document, the JSON path validate reports)
PLACES = [
    (["name"], "name"),
    (["tables", 0, "name"], "tables[0].name"),
    (["tables", 0, "schema"], "tables[0].schema"),
    (["tables", 0, "columns", 1, "name"], "tables[0].columns[1].name"),
    (["tables", 0, "columns", 1, "type"], "tables[0].columns[1].type"),
    (["tables", 0, "columns", 1, "generator"], "tables[0].columns[1].generator"),
    (["tables", 0, "unique", 0, "name"], "tables[0].unique[0].name"),
    (["tables", 0, "unique", 0, "columns", 0], "tables[0].unique[0].columns[0]"),
    (["tables", 0, "indexes", 0, "name"], "tables[0].indexes[0].name"),
    (["tables", 0, "checks", 0, "name"], "tables[0].checks[0].name"),
    (["tables", 1, "primary_key", "name"], "tables[1].primary_key.name"),
    (["tables", 1, "columns", 1, "references"], "tables[1].columns[1].references"),
    (["tables", 1, "columns", 2, "references", "name"], "tables[1].columns[2].references.name"),
    (["tables", 1, "columns", 2, "references", "table"], "tables[1].columns[2].references.table"),
    (["tables", 1, "foreign_keys", 0, "name"], "tables[1].foreign_keys[0].name"),
    (
        ["tables", 1, "foreign_keys", 0, "references", "columns", 0],
        "tables[1].foreign_keys[0].references.columns[0]",
    ),
]

CONTROLS = ["\n", "\r", "\x00", "\t", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize(("where", "path"), PLACES, ids=[p for _, p in PLACES])
def test_line_breaks_in_any_name_are_refused_with_place_and_hint(where, path):
    doc = base_spec()
    _set(doc, where, PAYLOAD)
    with pytest.raises(SpecError) as info:
        datagen.load_spec_text(yaml.safe_dump(doc), file="hostile.yaml")
    hits = [p for p in info.value.problems if p.path == path]
    assert hits, f"nothing reported at {path}:\n{info.value}"
    assert "control character U+000A" in hits[0].message
    assert "one line" in (hits[0].hint or "")
    assert str(hits[0]).startswith("hostile.yaml:")


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_every_control_character_is_refused(char):
    doc = base_spec()
    _set(doc, ["tables", 0, "columns", 1, "name"], f"co{char}de")
    with pytest.raises(SpecError, match=f"U\\+{ord(char):04X}"):
        datagen.load_spec_text(yaml.safe_dump(doc))


def test_unused_enum_type_name_is_checked_too():
    doc = base_spec()
    doc["enums"] = {PAYLOAD: ["a"]}
    with pytest.raises(SpecError) as info:
        datagen.load_spec_text(yaml.safe_dump(doc))
    (problem,) = info.value.problems
    assert problem.path.startswith("enums.") and "enum type name" in problem.message


def test_trailing_newline_does_not_slip_past_an_anchor():
    doc = base_spec()
    doc["name"] = "shop\n"  # '^[a-z0-9_-]+$' alone accepts this in Python's re
    with pytest.raises(SpecError, match="U\\+000A"):
        datagen.load_spec_text(yaml.safe_dump(doc))


def test_comment_lines_are_sanitised_even_past_validation(pg):
    """Defence in depth: a name that bypassed validation still cannot break out of a comment."""
    ds = datagen.load_spec_text(yaml.safe_dump(base_spec()))
    ds.tables[1].name = "child\nCREATE TABLE pwned (i int);--"
    ds.tables[1].schema = "s\r\nCREATE TABLE pwned2 (i int);--"
    out = io.BytesIO()
    datagen.generate(ds, out)
    lines = out.getvalue().decode().splitlines()
    headers = [i for i, line in enumerate(lines) if line.startswith("-- Name: ")]
    assert len(headers) > 10 and all(lines[i + 1] == "--" for i in headers)
    db = pg.new_db()
    pg.run(["psql"], db=db, input=out.getvalue())
    names = pg.query(
        db,
        "select n.nspname, c.relname from pg_class c join pg_namespace n "
        "on n.oid = c.relnamespace where c.relkind = 'r' "
        "and n.nspname not in ('pg_catalog', 'information_schema') order by 2",
    )
    assert names == [(ds.tables[1].schema, ds.tables[1].name), ("public", "parent")]


def test_comment_line_keeps_one_physical_line():
    assert comment_line("a\nb\rc\u2028d\u2029e") == "a b c d e"


HOSTILE = [
    'x"; DROP TABLE parent; --',
    "it's",
    "back\\slash \\. end",
    "$$dollar$$",
    "/* c */ -- d",
    "Ünïcode ✓ 表",
    "user",
    "Mixed Case",
]


def test_printable_hostile_names_load_as_exactly_those_names(pg):
    """Every name place with quotes, comment markers, backslashes and unicode loads verbatim."""
    doc = base_spec()
    for i, name in enumerate(HOSTILE):
        doc["tables"][0]["columns"].append({"name": name, "type": "text"})
        doc["enums"][f"{name} e{i}"] = ["a'b", "c;--"]
    doc["tables"][0]["schema"] = HOSTILE[0]
    doc["tables"][0]["unique"][0]["name"] = HOSTILE[2]
    doc["tables"][0]["indexes"][0]["name"] = HOSTILE[3]
    doc["tables"][0]["checks"][0]["name"] = HOSTILE[4]
    doc["tables"][1]["name"] = HOSTILE[5]
    doc["tables"][1]["columns"][1]["references"] = {
        "table": "parent",
        "schema": HOSTILE[0],
        "column": "id",
        "name": HOSTILE[1],
    }
    doc["tables"][1]["columns"][2]["references"]["schema"] = HOSTILE[0]
    doc["tables"][1]["foreign_keys"][0]["references"]["schema"] = HOSTILE[0]
    ds = datagen.load_spec_text(yaml.safe_dump(doc))
    out = io.BytesIO()
    datagen.generate(ds, out)
    db = pg.new_db()
    pg.run(["psql"], db=db, input=out.getvalue())
    cols = pg.query(
        db,
        "select column_name from information_schema.columns where table_name = 'parent' "
        "order by ordinal_position",
    )
    assert [c[0] for c in cols] == ["id", "code", *HOSTILE]
    cons = {r[0] for r in pg.query(db, "select conname from pg_constraint where convalidated")}
    assert {HOSTILE[1], HOSTILE[2], HOSTILE[4], "child_pkey", "child_other_fk"} <= cons
    idx = pg.query(db, "select indexname from pg_indexes where tablename = 'parent'")
    assert HOSTILE[3] in {r[0] for r in idx}
    types = {r[0] for r in pg.query(db, "select typname from pg_type where typtype = 'e'")}
    assert types == {"mood", *(f"{n} e{i}" for i, n in enumerate(HOSTILE))}
    assert re.search(r"^-- Name: ", out.getvalue().decode(), re.M)
    assert pg.scalar(db, f'select count(*) from "{HOSTILE[5]}"') == "3"
