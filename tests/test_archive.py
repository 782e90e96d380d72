"""The archive formats (``custom``, ``directory``, ``tar``) restore with pg_restore into
PostgreSQL 15: the same tables, constraints and rows as the plain ``copy`` dump of the same spec,
with ``--exit-on-error``, ``-l``, ``-t``, ``--section``, ``-j 2`` and ``-f`` (then psql)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from dumps import run_main
from pgcluster import CONSTRAINTS, ROWS_DIGEST

import datagen
from datagen import api
from datagen.api import generate_to_path
from datagen.pipeline.jobs import run_chunk
from datagen.writers import deflate, writer_for
from datagen.writers.archive import CustomWriter

FIXTURES = Path(__file__).parent / "fixtures"
SPECS = [
    FIXTURES / "specs" / "alltypes.yaml",
    FIXTURES / "realism" / "app.yaml",
    FIXTURES / "specs" / "archive_names.yaml",
]


ARCHIVES = {"custom": "a.dump", "directory": "a.dir", "tar": "a.tar"}
PARALLEL = ["custom", "directory"]  # pg_restore -j reads these (tar is read in order)


@pytest.fixture(scope="module", params=SPECS, ids=lambda p: p.stem)
def made(request, tmp_path_factory):
    ds = datagen.load_spec(request.param)
    out = tmp_path_factory.mktemp("archive")
    generate_to_path(ds, str(out / "plain.sql"), "copy")
    for fmt, name in ARCHIVES.items():
        generate_to_path(ds, str(out / name), fmt)
    return ds, out


def restore(pg, path: Path, *args: str) -> str:
    db = pg.new_db()
    pg.run(["pg_restore", "--exit-on-error", "--no-owner", "-d", db, *args, str(path)])
    return db


@pytest.mark.parametrize("fmt", ARCHIVES)
def test_archive_restores_like_the_plain_dump(pg, made, fmt):
    _, out = made
    plain = pg.load_sql(out / "plain.sql")
    db = restore(pg, out / ARCHIVES[fmt])
    assert pg.scalar(db, ROWS_DIGEST) == pg.scalar(plain, ROWS_DIGEST)
    assert pg.scalar(db, CONSTRAINTS) == pg.scalar(plain, CONSTRAINTS)
    assert "f" not in {row.split()[-1] for row in (pg.scalar(db, CONSTRAINTS) or "").split("|")}


@pytest.mark.parametrize("fmt", PARALLEL)
def test_parallel_restore(pg, made, fmt):
    _, out = made
    plain = pg.load_sql(out / "plain.sql")
    db = restore(pg, out / ARCHIVES[fmt], "-j", "2")
    assert pg.scalar(db, ROWS_DIGEST) == pg.scalar(plain, ROWS_DIGEST)


@pytest.mark.parametrize("fmt", ARCHIVES)
def test_list_names_every_entry(pg, made, fmt):
    ds, out = made
    listing = pg.run(["pg_restore", "-l", str(out / ARCHIVES[fmt])]).stdout.decode()
    toc = datagen.compile_spec(ds.file).toc if ds.file else None
    assert toc is not None
    lines = [line for line in listing.splitlines() if line and line[0].isdigit()]
    ids = [int(line.split(";")[0]) for line in lines if " ENCODING " not in line]
    ids = [i for i in ids if i <= len(toc)]  # the session settings follow the dataset's ids
    assert ids == [e.dump_id for e in toc]
    assert f"Format: {fmt.upper()}" in listing and "Dump Version: 1.14-0" in listing


@pytest.mark.parametrize("fmt", ARCHIVES)
def test_one_table_and_sections(pg, made, fmt):
    ds, out = made
    path = out / ARCHIVES[fmt]
    table, *others = sorted(ds.tables, key=lambda t: -t.rows)
    db = restore(pg, path, "--section=pre-data", "--section=data")
    assert pg.scalar(db, f"select count(*) from {quoted(table)}") == str(table.rows)
    assert pg.scalar(db, "select count(*) from pg_constraint where contype = 'f'") == "0"
    only = restore(pg, path, "--schema-only")
    assert pg.scalar(only, f"select count(*) from {quoted(table)}") == "0"
    pg.run(
        ["pg_restore", "--exit-on-error", "--no-owner", "-d", only, "--data-only",
         "--disable-triggers", "-t", table.name, "-n", table.schema, str(path)]
    )  # fmt: skip
    assert pg.scalar(only, f"select count(*) from {quoted(table)}") == str(table.rows)
    for t in others:
        assert pg.scalar(only, f"select count(*) from {quoted(t)}") == "0"


def quoted(t) -> str:
    return ".".join('"' + p.replace('"', '""') + '"' for p in (t.schema, t.name))


@pytest.mark.parametrize("fmt", ARCHIVES)
def test_script_output_loads_in_psql(pg, made, tmp_path, fmt):
    _, out = made
    script = tmp_path / "restored.sql"
    pg.run(["pg_restore", "--no-owner", "-f", str(script), str(out / ARCHIVES[fmt])])
    assert b"\\.\n" in script.read_bytes()
    plain = pg.load_sql(out / "plain.sql")
    db = pg.load_sql(script)
    assert pg.scalar(db, ROWS_DIGEST) == pg.scalar(plain, ROWS_DIGEST)


@pytest.mark.parametrize("fmt", ARCHIVES)
def test_same_bytes_every_run_and_job_count(fmt, tmp_path):
    ds = datagen.load_spec(FIXTURES / "realism" / "app.yaml")
    runs = []
    for i, jobs in enumerate((1, 2, 1)):
        path = tmp_path / f"{i}.{fmt}"
        generate_to_path(ds, str(path), fmt, jobs=jobs)
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        runs.append({f.name if path.is_dir() else "": f.read_bytes() for f in files})
    assert runs[0] == runs[1] == runs[2]
    head = runs[0]["toc.dat" if fmt == "directory" else ""]
    if fmt == "tar":
        head = head[512:]  # the toc.dat member's header
    assert head.startswith(b"PGDMP\x01\x0e\x00\x04\x08" + (b"\x01" if fmt == "custom" else b"\x03"))


def test_offsets_known_up_front_give_the_same_archive(made):
    """A build knows each chunk's size before reading it and writes the offsets at once;
    generate writes them afterwards, in place: the archives are identical."""
    ds, out = made
    c = datagen.compile_spec(ds.file)
    writer = CustomWriter()
    chunks = {
        t.qualname: [
            run_chunk(j).data or b"" for j in api.chunk_jobs(c, t.qualname, writer.encoding)
        ]
        for t in ds.tables
    }
    data = b"".join(writer.pieces(c.toc, chunks.__getitem__, lambda q: list(map(len, chunks[q]))))
    assert data == (out / "a.dump").read_bytes()


def test_a_pipe_gets_unset_offsets_and_still_restores(pg, made, tmp_path):
    """To a pipe the table of contents cannot be rewritten: its offsets stay unset, as
    pg_dump leaves them, and pg_restore reads the blocks in order."""
    ds, out = made

    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    class WriteOnly:  # no seekable() at all: a bare sink
        def __init__(self) -> None:
            self.parts: list[bytes] = []

        def write(self, data: bytes) -> int:
            self.parts.append(data)
            return len(data)

    bare = WriteOnly()
    datagen.generate(ds, bare, "custom")  # type: ignore[arg-type]
    sink = Pipe()
    datagen.generate(ds, sink, "custom")
    assert b"".join(bare.parts) == sink.getvalue()
    entries = _read_toc(sink.getvalue())
    assert {state for desc, state, _ in entries.values() if desc == "TABLE DATA"} == {1}
    path = tmp_path / "piped.dump"
    path.write_bytes(sink.getvalue())
    plain = pg.load_sql(out / "plain.sql")
    assert pg.scalar(restore(pg, path), ROWS_DIGEST) == pg.scalar(plain, ROWS_DIGEST)


def test_uncompressed_archives_restore(pg, tmp_path):
    ds = datagen.load_spec(FIXTURES / "specs" / "alltypes.yaml")
    path = tmp_path / "raw.dump"
    generate_to_path(ds, str(path), "custom", compress=0)
    assert b"COPY public." in path.read_bytes()  # the rows are readable as they are
    plain_path = tmp_path / "plain.sql"
    generate_to_path(ds, str(plain_path), "copy")
    plain = pg.load_sql(plain_path)
    db = restore(pg, path)
    assert pg.scalar(db, ROWS_DIGEST) == pg.scalar(plain, ROWS_DIGEST)


def test_compress_option(tmp_path, capsys):
    spec = str(FIXTURES / "realism" / "app.yaml")
    sizes = {}
    for level in ("0", "1", "9"):
        out = tmp_path / f"l{level}.dump"
        code, _, err = run_main(
            ["generate", spec, "-f", "custom", "--compress", level, "-o", str(out)], capsys
        )
        assert code == 0, err
        sizes[level] = out.stat().st_size
    assert sizes["0"] > 2 * sizes["1"] and sizes["9"] < sizes["1"]
    code, _, err = run_main(
        ["generate", spec, "--compress", "5", "-o", str(tmp_path / "x.sql")], capsys
    )
    assert code == 2 and "--compress applies to -f custom and -f directory only" in err


def _read_toc(data: bytes) -> dict[int, tuple[str, int, int]]:
    """dump id -> (desc, offset state, offset), read the way pg_restore reads a 1.14 archive."""
    at = 5 + 6  # magic, version, int and offset sizes, format

    def read_int() -> int:
        nonlocal at
        sign, value = data[at], int.from_bytes(data[at + 1 : at + 5], "little")
        at += 5
        return -value if sign else value

    def read_str() -> str | None:
        nonlocal at
        n = read_int()
        if n < 0:
            return None
        at += n
        return data[at - n : at].decode()

    read_int()  # compression
    for _ in range(7):
        read_int()  # creation time
    for _ in range(3):
        read_str()  # database, server and pg_dump versions
    out = {}
    for _ in range(read_int()):
        dump_id = read_int()
        read_int()
        _, _, _, desc = (read_str() for _ in range(4))  # catalog oids, tag, kind
        read_int()  # section
        for _ in range(8):
            read_str()  # create, drop and COPY statements, schema, tablespace, am, owner, oids
        while read_str() is not None:  # dependencies
            pass
        state, offset = data[at], int.from_bytes(data[at + 1 : at + 9], "little")
        at += 9
        out[dump_id] = (desc or "", state, offset)
    return out


def test_the_toc_says_where_each_table_s_data_starts(made):
    _, out = made
    data = (out / "a.dump").read_bytes()
    entries = _read_toc(data)
    blocks = {i: e for i, e in entries.items() if e[0] == "TABLE DATA"}
    assert blocks and all(state == 2 for _, state, _ in blocks.values())
    for dump_id, (_, _, offset) in blocks.items():
        assert data[offset] == 1  # a data block
        assert int.from_bytes(data[offset + 2 : offset + 6], "little") == dump_id
    assert all(e[1] == 3 for e in entries.values() if e[0] != "TABLE DATA")


@pytest.mark.parametrize(
    ("fmt", "level"), [("custom", 0), ("custom", 1), ("directory", 0), ("directory", 1), ("tar", 0)]
)
def test_memory_does_not_grow_with_rows(fmt, level):
    """A table of 192 MB of COPY text in 1 MB chunks passes through each writer with a few
    chunks in memory at a time (tracemalloc's peak), whatever the format must know up front."""
    import tracemalloc

    c = datagen.compile_spec(FIXTURES / "specs" / "archive_names.yaml")
    chunk = (b"x" * 1023 + b"\n") * 1024
    writer = writer_for(fmt, level if fmt != "tar" else None)
    piece = deflate.piece(chunk, level) if level else chunk  # made once, before measuring

    def table_data(qualname: str):
        for _ in range(192):
            yield piece

    tracemalloc.start()
    try:
        if writer.directory:
            total = sum(len(p) for _, parts in writer.files(c.toc, table_data) for p in parts)
        else:
            total = sum(len(p) for p in writer.pieces(c.toc, table_data))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total > (192 if not level else 0) * len(c.dataset.tables) * 2**20 * 0.99
    assert peak < 24 * 2**20, f"peak {peak >> 20} MB"


def test_directory_output_errors_are_plain(tmp_path, capsys):
    spec = str(FIXTURES / "specs" / "archive_names.yaml")
    code, _, err = run_main(["generate", spec, "-f", "directory", "-o", "-"], capsys)
    assert code == 1 and "format 'directory' writes a directory: name it with -o PATH" in err
    code, _, err = run_main(["generate", spec, "-f", "tar", "--compress", "3"], capsys)
    assert code == 2 and "--compress applies to -f custom and -f directory only" in err
    mine = tmp_path / "photos"
    mine.mkdir()
    (mine / "cat.jpg").write_bytes(b"\xff\xd8")
    code, _, err = run_main(["generate", spec, "-f", "directory", "-o", str(mine)], capsys)
    assert code == 1 and "is a directory that is not an archive (no toc.dat)" in err
    assert (mine / "cat.jpg").read_bytes() == b"\xff\xd8"  # never touched
    archive = tmp_path / "a.dir"
    for level in ("1", "0"):  # an archive is replaced whole: no .gz left beside the .dat
        code, _, err = run_main(
            ["generate", spec, "-f", "directory", "--compress", level, "-o", str(archive)], capsys
        )
        assert code == 0, err
    names = sorted(p.name for p in archive.iterdir())
    assert names[-1] == "toc.dat" and all(n.endswith(".dat") for n in names)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_tar_headers_are_pg_dump_s_and_hold_any_size():
    """Members as pg_dump's tarCreateHeader makes them (mode 0600, uid 04000, gid 02000,
    owner postgres, a fixed time), sizes of 8 GiB or more in GNU's base-256 form."""
    import tarfile

    from datagen.writers.archive import tar_header
    from datagen.writers.pgdump import TAR_MTIME

    small = tarfile.TarInfo.frombuf(tar_header("9.dat", 1234), "utf-8", "strict")
    assert (small.name, small.size, small.mode, small.uid, small.gid) == (
        "9.dat", 1234, 0o600, 0o4000, 0o2000,
    )  # fmt: skip
    assert (small.uname, small.gname, small.mtime) == ("postgres", "postgres", TAR_MTIME)
    assert tar_header("9.dat", 1234)[124:136] == b"00000002322 "  # octal, then a space
    huge = tarfile.TarInfo.frombuf(tar_header("9.dat", 9 * 2**30), "utf-8", "strict")
    assert huge.size == 9 * 2**30


def test_an_archive_after_other_bytes_records_where_its_blocks_really_are(made, tmp_path):
    """Offsets are positions in the file: written after other bytes, they are shifted by
    where the archive starts; to a file opened to append they stay unset."""
    ds, _ = made
    sink = io.BytesIO(b"#")
    sink.seek(1)
    datagen.generate(ds, sink, "custom")
    data = sink.getvalue()
    for dump_id, (desc, state, offset) in _read_toc(data[1:]).items():
        if desc == "TABLE DATA":
            assert state == 2 and data[offset] == 1
            assert int.from_bytes(data[offset + 2 : offset + 6], "little") == dump_id
    path = tmp_path / "appended.dump"
    path.write_bytes(b"")
    with open(path, "ab") as fh:
        datagen.generate(ds, fh, "custom")
    states = {s for d, s, _ in _read_toc(path.read_bytes()).values() if d == "TABLE DATA"}
    assert states == {1}  # unset: pg_restore reads the blocks in order


def test_a_failed_swap_keeps_the_old_archive(tmp_path, monkeypatch):
    """Replacing a directory archive is two renames; when the second fails, the old archive
    is put back under its name."""
    import os

    from datagen.errors import WriterError
    from datagen.fileio import atomic_write_tree

    target = tmp_path / "a.dir"
    atomic_write_tree(target, [("toc.dat", [b"old"])])
    real, calls = os.replace, []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(WriterError, match="No space left on device"):
        atomic_write_tree(target, [("toc.dat", [b"new"])])
    monkeypatch.undo()
    assert (target / "toc.dat").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.dir"]  # nothing left beside it


def test_the_current_directory_is_never_an_output(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    spec = str(FIXTURES / "specs" / "archive_names.yaml")
    for target in (".", str(tmp_path), ".."):
        code, _, err = run_main(["generate", spec, "-f", "directory", "-o", target], capsys)
        assert code == 1 and "is the current directory or holds it" in err, err
    assert list(tmp_path.iterdir()) == []
