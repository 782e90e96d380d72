"""Unnamed constraints, indexes and sequences get the names PostgreSQL itself would choose."""

from __future__ import annotations

import re

import datagen
from datagen.writers.toc import Toc

LONG_T = "a_rather_long_table_name_for_testing_the_truncation_rules_x"
LONG_C = "an_equally_long_column_name_to_push_past_sixty_three_bytes"

SPEC = f"""
version: 1
name: names
tables:
  - name: {LONG_T}
    rows: 3
    columns:
      - {{name: {LONG_C}, type: bigserial, primary_key: true}}
      - {{name: code, type: integer, unique: true, check: "code > 0"}}
      - {{name: ref, type: bigint, references: {LONG_T}.{LONG_C}}}
      - {{name: "Mixed Case", type: integer}}
    unique:
      - [code, ref]
    indexes:
      - {{columns: [ref]}}
      - {{columns: ["Mixed Case", code]}}
      - {{columns: [ref, code], unique: true}}
    checks:
      - "\\"Mixed Case\\" >= 0"
      - "1 = 1"
"""

# The same objects, created by PostgreSQL with no names given.
UNNAMED = f"""
CREATE TABLE {LONG_T} (
    {LONG_C} bigserial PRIMARY KEY,
    code integer UNIQUE CHECK (code > 0),
    ref bigint REFERENCES {LONG_T}({LONG_C}),
    "Mixed Case" integer,
    UNIQUE (code, ref),
    CHECK ("Mixed Case" >= 0),
    CHECK (1 = 1)
);
CREATE INDEX ON {LONG_T} (ref);
CREATE INDEX ON {LONG_T} ("Mixed Case", code);
CREATE UNIQUE INDEX ON {LONG_T} (ref, code);
"""

NAMES = """
select conname from pg_constraint where conrelid = '{t}'::regclass
union all
select indexname from pg_indexes where tablename = '{t}'
union all
select sequencename from pg_sequences
order by 1
"""


def test_default_names_match_postgres(pg):
    ds = datagen.load_spec_text(SPEC)
    toc = Toc.from_dataset(ds)
    ours = []
    for e in toc:
        if e.desc in ("CONSTRAINT", "FK CONSTRAINT"):
            ours.append(e.tag.split(" ", 1)[1])
        elif e.desc in ("INDEX", "SEQUENCE"):
            ours.append(e.tag)
    ours += [
        m[1].replace('""', '"')
        for m in re.finditer(r'CONSTRAINT "?((?:[^"]|"")+?)"? CHECK', toc.entries[0].defn)
    ]
    # a PRIMARY KEY or UNIQUE constraint also names its index
    ours += [e.tag.split(" ", 1)[1] for e in toc if e.desc == "CONSTRAINT"]
    db = pg.new_db()
    pg.run(["psql", "-c", UNNAMED], db=db)
    theirs = [r[0] for r in pg.query(db, NAMES.format(t=LONG_T))]
    assert sorted(ours) == sorted(theirs)
