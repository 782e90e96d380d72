"""The TOC: ids, sections and dependencies are consistent; drop statements run; writers only
render (they never generate); every format comes from the registry."""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import datagen
from datagen import api
from datagen.errors import WriterError
from datagen.pipeline import actions, project, tasks
from datagen.pipeline.build import build
from datagen.pipeline.executors import InlineExecutor
from datagen.writers import FORMATS, WRITERS, Toc, Writer, register, writer_for
from datagen.writers.toc import DATA, POST, PRE, SECTIONS

ROOT = Path(__file__).parent.parent
SPECS = {
    "shop": ROOT / "datasets" / "shop.yaml",
    "saas": ROOT / "datasets" / "saas.yaml",
    "alltypes": Path(__file__).parent / "fixtures" / "specs" / "alltypes.yaml",
}
NO_DROP = {"TABLE DATA", "SEQUENCE SET", "SEQUENCE OWNED BY"}  # pg_dump writes none for these

# a foreign key onto a table listed after it, names needing quotes, a dotted table name, enums
# used directly and as an array element
QUIRKS = """
version: 1
name: quirks
enums:
  mood: [ok, meh]
tables:
  - name: child
    schema: "Other Schema"
    rows: 4
    columns:
      - {name: id, type: serial, primary_key: true}
      - {name: parent_code, type: integer, references: {table: "a.b", column: code}}
      - {name: moods, type: "mood[]"}
  - name: "a.b"
    rows: 3
    columns:
      - {name: id, type: bigserial, primary_key: true}
      - {name: code, type: integer, nullable: false, unique: true, generator: sequence}
      - {name: "Mood", type: mood}
    indexes:
      - {columns: [code, "Mood"], unique: true}
"""


def toc_of(spec) -> Toc:
    ds = datagen.load_spec_text(spec) if isinstance(spec, str) else datagen.load_spec(spec)
    return Toc.from_dataset(ds)


@pytest.fixture(params=[*sorted(SPECS), "quirks"])
def toc(request) -> Toc:
    return toc_of(QUIRKS if request.param == "quirks" else SPECS[request.param])


def test_dump_ids_count_up_in_order(toc):
    assert [e.dump_id for e in toc] == list(range(1, len(toc) + 1))
    assert all(toc.entry(e.dump_id) is e for e in toc)


def test_dependencies_point_at_earlier_entries(toc):
    for e in toc:
        assert list(e.dependencies) == sorted(set(e.dependencies)), e
        for d in e.dependencies:
            assert 1 <= d < e.dump_id, (e, d)


def test_sections_are_in_order(toc):
    ranks = [SECTIONS.index(e.section) for e in toc]
    assert ranks == sorted(ranks)


def test_every_table_has_its_data_and_its_objects_depend_on_it(toc):
    tables = [e for e in toc if e.desc == "TABLE"]
    assert [e.table for e in tables] == toc.tables()
    for t in tables:
        data = toc.data_entry(t.table)
        assert (data.section, data.tag, data.namespace) == (DATA, t.tag, t.namespace)
        assert data.dependencies == (t.dump_id,)
        assert data.copy_stmt.startswith("COPY ") and data.copy_stmt.endswith(" FROM stdin;\n")
        assert toc.table_entry(t.table) is t
        for e in toc.for_table(t.table):
            if e is not t and e.desc != "SEQUENCE SET":
                assert t.dump_id in e.dependencies, e


def test_types_and_schemas_come_before_the_tables_using_them(toc):
    by_tag = {(e.desc, e.tag): e.dump_id for e in toc}
    for t in (e for e in toc if e.desc == "TABLE"):
        if t.namespace != "public":
            assert by_tag[("SCHEMA", t.namespace)] in t.dependencies
        for (desc, tag), dump_id in by_tag.items():
            if desc == "TYPE" and f"public.{tag}" in t.defn.replace('"', ""):
                assert dump_id in t.dependencies, (t.tag, tag)


def test_foreign_keys_depend_on_both_tables_and_the_key_they_reference(toc):
    for fk in (e for e in toc if e.desc == "FK CONSTRAINT"):
        deps = [toc.entry(d) for d in fk.dependencies]
        assert toc.table_entry(fk.table) in deps
        assert [d.desc for d in deps].count("TABLE") in (1, 2)  # one if it references itself
        keys = [d for d in deps if d.desc in ("CONSTRAINT", "INDEX")]
        assert len(keys) == 1, fk
        assert keys[0].section == POST and keys[0].dump_id < fk.dump_id


def test_statements(toc):
    for e in toc:
        assert e.section in (PRE, DATA, POST)
        assert (e.defn == "") == (e.desc == "TABLE DATA"), e
        assert (e.drop_stmt == "") == (e.desc in NO_DROP), e
        assert (e.copy_stmt == "") == (e.desc != "TABLE DATA"), e
        for sql in (e.defn, e.drop_stmt, e.copy_stmt):
            assert sql == "" or sql.endswith(";\n"), e


def test_sequence_set_names_its_sequence():
    toc = toc_of(QUIRKS)
    seqs = {e.dump_id: e for e in toc if e.desc == "SEQUENCE"}
    sets = [e for e in toc if e.desc == "SEQUENCE SET"]
    assert sorted(e.tag for e in sets) == ["a.b_id_seq", "child_id_seq"]
    for e in sets:
        (seq,) = e.dependencies
        assert (seqs[seq].tag, seqs[seq].namespace) == (e.tag, e.namespace)


def test_example_drop_statements():
    drops = {e.desc: e.drop_stmt for e in toc_of(SPECS["shop"]) if e.table == "public.orders"}
    assert drops["TABLE"] == "DROP TABLE public.orders;\n"
    assert drops["SEQUENCE"] == "DROP SEQUENCE public.orders_id_seq;\n"
    assert drops["DEFAULT"] == "ALTER TABLE public.orders ALTER COLUMN id DROP DEFAULT;\n"
    assert drops["CONSTRAINT"] == "ALTER TABLE ONLY public.orders DROP CONSTRAINT orders_pkey;\n"
    fk = "ALTER TABLE ONLY public.orders DROP CONSTRAINT orders_customer_id_fkey;\n"
    assert drops["FK CONSTRAINT"] == fk


USER_OBJECTS = """
select c.relkind::text || ' ' || n.nspname || '.' || c.relname from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
union all
select 'type ' || typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
  where n.nspname not in ('pg_catalog', 'information_schema') and t.typtype = 'e'
union all
select 'schema ' || nspname from pg_namespace
  where nspname not in ('pg_catalog', 'information_schema', 'public')
    and nspname not like 'pg_toast%' and nspname not like 'pg_temp%'
"""


@pytest.mark.postgres
@pytest.mark.parametrize("name", ["alltypes", "saas", "quirks"])
def test_drop_statements_undo_the_dump(pg, tmp_path, name):
    ds = datagen.load_spec_text(QUIRKS) if name == "quirks" else datagen.load_spec(SPECS[name])
    path = tmp_path / "dump.sql"
    with path.open("wb") as f:
        datagen.generate(ds, f)
    db = pg.load_sql(path)
    assert pg.query(db, USER_OBJECTS)
    drops = "".join(e.drop_stmt for e in reversed(Toc.from_dataset(ds).entries))
    pg.run(["psql", "-f", "-"], db=db, input=drops.encode("utf-8"))
    assert pg.query(db, USER_OBJECTS) == []


def test_digest_follows_the_ddl_only(tmp_path):
    spec = yaml.safe_load(SPECS["shop"].read_text())
    base = toc_of(SPECS["shop"]).digest()
    assert base == toc_of(SPECS["shop"]).digest()
    assert len(base) == 32 and int(base, 16) >= 0

    def digest(edit) -> str:
        doc = yaml.safe_load(yaml.safe_dump(spec))
        edit(doc)
        return toc_of(yaml.safe_dump(doc, sort_keys=False)).digest()

    def reseed(doc):
        doc["seed"] = doc.get("seed", 0) + 1

    def grow(doc):
        for t in doc["tables"]:
            t["rows"] *= 2

    def add_column(doc):
        doc["tables"][0]["columns"].append({"name": "nickname", "type": "text"})

    assert digest(reseed) == base
    assert digest(grow) == base  # SEQUENCE SET values are in the data section
    assert digest(add_column) != base


def test_digest_and_entries_do_not_depend_on_the_hash_seed():
    code = (
        "import datagen, xxhash; from datagen.writers import Toc;"
        f"t = Toc.from_dataset(datagen.load_spec({str(SPECS['alltypes'])!r}));"
        "print(t.digest(), xxhash.xxh3_128_hexdigest(''.join(e.canonical() for e in t).encode()))"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "2")
    }
    assert len(outs) == 1
    assert outs.pop().split()[0] == toc_of(SPECS["alltypes"]).digest()


# ---- writers render, never generate ----------------------------------------------------------

WRITERS_DIR = ROOT / "datagen" / "writers"


def _engine_imports(tree: ast.Module) -> list[tuple[ast.ImportFrom, bool]]:
    """Imports from the engine, each with whether it sits under ``if TYPE_CHECKING:``."""
    found = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            guarded = typing_only or (
                isinstance(child, ast.If) and ast.unparse(child.test).endswith("TYPE_CHECKING")
            )
            if isinstance(child, ast.ImportFrom) and "engine" in (child.module or ""):
                found.append((child, typing_only))
            visit(child, guarded)

    visit(tree, False)
    return found


def test_writers_never_import_the_generator_engine():
    files = sorted(WRITERS_DIR.glob("*.py"))
    assert {p.name for p in files} >= {"toc.py", "codecs.py", "base.py", "plain.py"}
    for path in files:
        text = path.read_text("utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any("engine" in a.name or "generators" in a.name for a in node.names)
            if isinstance(node, ast.ImportFrom):
                assert "generators" not in (node.module or ""), path
                names = {a.name for a in node.names}
                assert "generate_chunk" not in names, path
        for node, typing_only in _engine_imports(tree):
            assert {a.name for a in node.names} == {"Col"}, path
            assert typing_only, f"{path.name} imports the engine at run time"
        assert "generate_chunk" not in text, path


# ---- the registry ----------------------------------------------------------------------------


def test_registry_serves_every_format():
    assert list(FORMATS) == list(WRITERS) == ["copy", "sql", "custom", "directory", "tar"]
    for fmt, (pattern, cls) in FORMATS.items():
        w = writer_for(fmt)
        assert isinstance(w, cls) and w.format == fmt and w.pattern == pattern
    assert writer_for("sql").file_name("shop") == "shop.inserts.sql"
    with pytest.raises(WriterError, match="unknown format 'csv'"):
        writer_for("csv")
    with pytest.raises(WriterError, match="format 'tar' is not compressed"):
        writer_for("tar", 3)
    with pytest.raises(ValueError, match="registered twice"):
        register("copy")(type("Again", (Writer,), {"pattern": "x", "encoding": "copy"}))


def test_write_to_a_sink_is_the_dump():
    c = api.compile_spec(SPECS["shop"], rows={"customers": 5, "orders": 5, "order_items": 5})
    ds = c.dataset
    sink = io.BytesIO()
    w = writer_for("copy")

    def table_data(q):
        yield table_bytes(c, q, w.encoding)

    n = w.write(Toc.from_dataset(ds), table_data, sink)
    assert n == len(sink.getvalue())
    assert sink.getvalue() == b"".join(api.dump_pieces(ds, "copy"))


def test_validate_accepts_every_archive_output(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "version: 1\nname: s\noutputs: [copy, sql, custom, directory, tar]\n"
        "tables:\n  - {name: t, rows: 1, columns: [{name: a, type: integer}]}\n"
    )
    (report,) = datagen.validate([spec])
    assert report.problems == []


def table_bytes(c, qualname: str, encoding: str) -> bytes:
    """A whole table's encoded rows, made the way every command makes them."""
    return b"".join(r.data for r in InlineExecutor().map(api.chunk_jobs(c, qualname, encoding)))


class _Sized(Writer):
    """A two-phase writer: every table's size, then its bytes (as an archive would write it)."""

    pattern = "{name}.sized"
    encoding = "copy"

    def pieces(self, toc, table_data, chunk_sizes=None):
        for q in toc.tables():
            size = sum(chunk_sizes(q))
            data = b"".join(table_data(q))
            assert size == len(data), q
            yield f"{q} {size}\n".encode() + data


def test_assemble_gives_two_phase_writers_the_sizes_first(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "datasets").mkdir(parents=True)
    (repo / "datasets" / "shop.yaml").write_text(SPECS["shop"].read_text())
    build(repo, out=io.StringIO())
    monkeypatch.setitem(WRITERS, "sized", _Sized)
    c = project.compile_spec(repo / "datasets" / "shop.yaml")
    tables = [tasks._tk_dict(tk) for tk in c.keys.values()]
    out = tmp_path / "shop.sized"
    cache_dir = str(repo / "cache")
    actions.assemble(
        c.text, str(c.path), cache_dir, "sized", tables, str(out), str(tmp_path / "m.json")
    )
    ds = c.dataset
    want = b"".join(
        f"{t.qualname} {len(d)}\n".encode() + d
        for t in ds.tables
        for d in [table_bytes(c.compiled, t.qualname, "copy")]
    )
    assert out.read_bytes() == want
