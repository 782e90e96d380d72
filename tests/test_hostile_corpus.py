"""The hostile corpus: small specs an attacker or a careless colleague might write.

Each ``fixtures/hostile/*.yaml`` (or ``.json``) starts with an expectation line:

- ``# expect: error PATH | MESSAGE``: ``datagen validate`` and ``datagen generate`` exit 1 with one
  ``Error:`` line naming PATH and MESSAGE (substrings), and no traceback;
- ``# expect: loads``: the spec generates, the dump loads with ON_ERROR_STOP, and the database
  then holds exactly the objects the dump's table of contents declares: no table, index,
  constraint, sequence, type or schema more or less (nothing was injected, nothing was lost).

JSON files cannot hold comments: their expectation is in a ``NAME.expect`` file beside them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dumps import run_main

import datagen
from datagen.writers.toc import Toc

CORPUS = Path(__file__).parent / "fixtures" / "hostile"
CASES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json"))


def expectation(path: Path) -> str:
    source = path.with_suffix(".expect") if path.suffix == ".json" else path
    first = source.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    assert first.startswith("# expect: "), f"{source.name}: first line must be '# expect: ...'"
    return first.removeprefix("# expect: ").strip()


CATALOG = """
select 'table', n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
union all
select 'index', n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'i' and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
    and not exists (select 1 from pg_constraint k where k.conindid = c.oid and k.contype in ('p', 'u'))
union all
select 'sequence', n.nspname, c.relname from pg_class c join pg_namespace n
  on n.oid = c.relnamespace where c.relkind = 'S'
union all
select 'constraint', n.nspname, k.conname from pg_constraint k join pg_namespace n
  on n.oid = k.connamespace where n.nspname not in ('pg_catalog', 'information_schema')
    and k.contype in ('p', 'u', 'f', 'c') and k.convalidated
union all
select 'type', n.nspname, t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
  where t.typtype = 'e'
union all
select 'schema', '', n.nspname from pg_namespace n
  where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'public')
    and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'
"""


def declared(toc: Toc, ds) -> set[tuple[str, str, str]]:
    """The objects the dump declares, as the catalog names them."""
    out = set()
    for e in toc:
        if e.desc == "TABLE":
            out.add(("table", e.namespace, e.tag))
        elif e.desc == "INDEX":
            out.add(("index", e.namespace, e.tag))
        elif e.desc == "SEQUENCE":
            out.add(("sequence", e.namespace, e.tag))
        elif e.desc in ("CONSTRAINT", "FK CONSTRAINT"):  # tagged "TABLE NAME"
            table = ds.table(e.table).name
            out.add(("constraint", e.namespace, e.tag.removeprefix(f"{table} ")))
        elif e.desc == "TYPE":
            out.add(("type", e.namespace, e.tag))
        elif e.desc == "SCHEMA":
            out.add(("schema", "", e.tag))
    for t in ds.tables:  # CHECK constraints live inside CREATE TABLE: their names are in the defn
        entry = toc.table_entry(t.qualname)
        for name in check_names(entry.defn):
            out.add(("constraint", t.schema, name))
    return out


def check_names(defn: str) -> list[str]:
    import re

    names = []
    for m in re.finditer(r'^    CONSTRAINT ("(?:[^"]|"")+"|\S+) CHECK', defn, re.M):
        raw = m[1]
        names.append(raw[1:-1].replace('""', '"') if raw.startswith('"') else raw)
    return names


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_hostile_case(path, pg, tmp_path, capsys):
    expect = expectation(path)
    out_file = tmp_path / "dump.sql"
    results = [run_main(["validate", str(path)], capsys)[::2]]  # (exit code, stderr)
    results.append(run_main(["generate", str(path), "-o", str(out_file), "-q"], capsys)[::2])
    for _, err in results:
        assert "Traceback" not in err, f"{path.name}:\n{err}"
    if expect.startswith("error "):
        where, _, message = (s.strip() for s in expect.removeprefix("error ").partition("|"))
        for code, err in results:
            assert code == 1, f"{path.name}: exit {code}\n{err}"
            errors = [line for line in err.splitlines() if line.startswith("Error: ")]
            assert any(f": {where}: " in e and message in e for e in errors), err
        assert not out_file.exists()
        return
    assert expect == "loads", f"{path.name}: unknown expectation {expect!r}"
    assert [code for code, _ in results] == [0, 0], results
    compiled = datagen.compile_spec(path)
    db = pg.new_db()
    pg.run(["psql", "-f", str(out_file)], db=db)
    found = {tuple(r) for r in pg.query(db, CATALOG)}
    assert found == declared(Toc.from_dataset(compiled.dataset), compiled.dataset)
