"""The pg_restore / psql compatibility matrix: every dump format into PostgreSQL 12 to 18.

Each column of ``MATRIX`` is a server major and the client (pg_restore, psql) major used with
it: pg_restore 14, the oldest client fetched, restores into the 12 and 13 servers (which come
without client tools); 14 to 18 use their own. For each spec, the ``copy`` dump loaded with psql
is the reference; the ``sql`` dump and every archive format (restored with ``pg_restore
--exit-on-error --no-owner``, and with ``-j 2`` where pg_restore allows it) must give the same
rows (``ROWS_DIGEST``) and constraints (``CONSTRAINTS``), all validated.

``DATAGEN_PG_MATRIX`` picks the columns: ``12,15,17`` (the default, what CI runs) or ``all``.
The builds come from ``scripts/fetch-postgres.sh MAJOR...`` into .pg/<major>/ (15 falls back to
the machine's /usr/lib/postgresql/15/bin); a column whose build is missing is skipped, or fails
under ``CI=true``. ``bench/pg_matrix.py`` fetches everything, runs all columns and prints the
table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pgcluster import CONSTRAINTS, ROWS_DIGEST, Cluster

import datagen
from datagen.api import generate_to_path
from datagen.writers import WRITERS

ROOT = Path(__file__).parent.parent
SPECS = [
    Path(__file__).parent / "fixtures" / "specs" / "alltypes.yaml",
    Path(__file__).parent / "fixtures" / "specs" / "archive_names.yaml",
]
# server major -> client major
MATRIX = {"12": "14", "13": "14", "14": "14", "15": "15", "16": "16", "17": "17", "18": "18"}
CI_COLUMNS = "12,15,17"
PLAIN = ["copy", "sql"]
ARCHIVE = [f for f in ("custom", "directory", "tar") if f in WRITERS]
SUFFIX = {"custom": ".dump", "directory": ".dir", "tar": ".tar"}
PARALLEL = {"custom", "directory"}  # pg_restore -j needs a seekable archive, not a tar
# (format, extra pg_restore arguments); ids have no "-" so that bench/pg_matrix.py can split them
RESTORES = [(f, ()) for f in ARCHIVE] + [(f, ("-j", "2")) for f in ARCHIVE if f in PARALLEL]
RESTORE_IDS = [f + ("_j2" if args else "") for f, args in RESTORES]


def columns() -> list[str]:
    raw = os.environ.get("DATAGEN_PG_MATRIX", "").strip() or CI_COLUMNS
    if raw == "all":
        return list(MATRIX)
    picked = [c.strip() for c in raw.split(",") if c.strip()]
    unknown = [c for c in picked if c not in MATRIX]
    if unknown:
        raise ValueError(f"DATAGEN_PG_MATRIX: no column {unknown} (have {', '.join(MATRIX)}, all)")
    return picked


def bindir(major: str, *tools: str) -> Path | None:
    """The fetched build of ``major`` (.pg/<major>/bin), else the machine's, holding ``tools``."""
    for d in (ROOT / ".pg" / major / "bin", Path(f"/usr/lib/postgresql/{major}/bin")):
        if all((d / t).exists() for t in tools):
            return d
    return None


@dataclass
class Column:
    major: str
    client: str
    pg: Cluster
    refs: dict[str, str] = field(default_factory=dict)  # spec stem -> reference database


@pytest.fixture(scope="module", params=columns(), ids=lambda m: f"pg{m}")
def column(request):
    major = request.param
    client = MATRIX[major]
    server_bin = bindir(major, "initdb", "pg_ctl", "postgres")
    client_bin = bindir(client, "pg_restore", "psql")
    if server_bin is None or client_bin is None:
        reason = (
            f"PostgreSQL {major} server or {client} client not fetched "
            f"(run scripts/fetch-postgres.sh {' '.join(sorted({major, client}))})"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = Cluster(server_bin, client_bin)
    cluster.start()
    yield Column(major, client, cluster)
    cluster.stop()


@pytest.fixture(scope="module")
def dumps(tmp_path_factory) -> dict[str, tuple[object, Path]]:
    """Every spec's dumps in every format, made once for all columns: stem -> (dataset, dir)."""
    made = {}
    for spec in SPECS:
        ds = datagen.load_spec(spec)
        out = tmp_path_factory.mktemp(spec.stem)
        for fmt in PLAIN:
            generate_to_path(ds, str(out / f"{fmt}.sql"), fmt)
        for fmt in ARCHIVE:
            generate_to_path(ds, str(out / f"a{SUFFIX[fmt]}"), fmt)
        made[spec.stem] = (ds, out)
    return made


def reference(col: Column, dumps, stem: str) -> str:
    """The database the spec's ``copy`` dump loaded into (with that column's psql), once."""
    if stem not in col.refs:
        col.refs[stem] = col.pg.load_sql(dumps[stem][1] / "copy.sql")
    return col.refs[stem]


def assert_same(col: Column, db: str, ref: str) -> None:
    pg = col.pg
    assert pg.scalar(db, ROWS_DIGEST) == pg.scalar(ref, ROWS_DIGEST)
    constraints = pg.scalar(db, CONSTRAINTS)
    assert constraints == pg.scalar(ref, CONSTRAINTS)
    assert all(row.endswith(" t") for row in (constraints or "").split("|")), constraints


def test_versions(column):
    pg = column.pg
    assert pg.scalar("postgres", "show server_version").split(".")[0] == column.major
    for tool in ("pg_restore", "psql"):
        out = pg.run([tool, "--version"]).stdout.decode()
        assert f"(PostgreSQL) {column.client}." in out, out


@pytest.mark.parametrize("spec", [s.stem for s in SPECS])
@pytest.mark.parametrize("fmt", PLAIN)
def test_plain_dump_loads_with_psql(column, dumps, spec, fmt):
    ref = reference(column, dumps, spec)
    ds, out = dumps[spec]
    if fmt == "copy":
        for t in ds.tables:
            quoted = ".".join('"' + p.replace('"', '""') + '"' for p in (t.schema, t.name))
            count = f"select count(*) from {quoted}"
            assert column.pg.scalar(ref, count) == str(t.rows), t.name
        invalid = "select count(*) from pg_constraint where not convalidated"
        assert column.pg.scalar(ref, invalid) == "0"
    else:
        assert_same(column, column.pg.load_sql(out / f"{fmt}.sql"), ref)


@pytest.mark.parametrize("spec", [s.stem for s in SPECS])
@pytest.mark.parametrize("restore", RESTORES, ids=RESTORE_IDS)
def test_archive_restores_with_pg_restore(column, dumps, spec, restore):
    fmt, args = restore
    ref = reference(column, dumps, spec)
    db = column.pg.new_db()
    path = dumps[spec][1] / f"a{SUFFIX[fmt]}"
    column.pg.run(["pg_restore", "--exit-on-error", "--no-owner", "-d", db, *args, str(path)])
    assert_same(column, db, ref)
