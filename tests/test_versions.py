"""Plain dumps load into the oldest and newest supported servers (PostgreSQL 12 and 18).

The servers come from scripts/fetch-postgres.sh (run by .ci/run) into .pg/<major>/; the
machine's psql is the client, as a user loading a dump into an older or newer server would do.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pgcluster import Cluster, find_bindir

import datagen
from datagen.api import generate_to_path

ROOT = Path(__file__).parent.parent
MAJORS = ["12", "18"]
SPECS = [
    ROOT / "datasets" / "shop.yaml",
    Path(__file__).parent / "fixtures" / "specs" / "alltypes.yaml",
]


@pytest.fixture(scope="module", params=MAJORS)
def server(request):
    bindir = ROOT / ".pg" / request.param / "bin"
    client = find_bindir()
    if not (bindir / "postgres").exists() or client is None:
        reason = f"PostgreSQL {request.param} not fetched (run scripts/fetch-postgres.sh {request.param})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = Cluster(bindir, client)
    cluster.start()
    yield request.param, cluster
    cluster.stop()


@pytest.mark.parametrize("fmt", ["copy", "sql"])
@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_loads_into_oldest_and_newest_servers(server, spec, fmt, tmp_path):
    major, pg = server
    assert pg.scalar("postgres", "show server_version").startswith(major)
    ds = datagen.load_spec(spec)
    out = tmp_path / f"{ds.name}.{fmt}.sql"
    generate_to_path(ds, str(out), fmt)
    db = pg.load_sql(out)
    for t in ds.tables:
        assert pg.scalar(db, f'select count(*) from "{t.schema}"."{t.name}"') == str(t.rows)
    invalid = pg.scalar(db, "select count(*) from pg_constraint where not convalidated")
    assert invalid == "0"
    declared = sum(
        (t.primary_key is not None) + len(t.uniques) + len(t.foreign_keys) + len(t.checks)
        for t in ds.tables
    )
    created = pg.scalar(
        db,
        "select count(*) from pg_constraint c join pg_namespace n on n.oid = c.connamespace "
        "where n.nspname not in ('pg_catalog', 'information_schema') and c.contype <> 'n'",
    )
    assert created == str(declared)
