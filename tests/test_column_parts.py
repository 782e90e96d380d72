"""Column-granular rebuilds: a chunk's columns are cached in parts (datagen.pipeline.parts), so an
edit of one standalone column generates that column alone, and the dump is the cold build's."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from datagen.errors import UsageError
from datagen.pipeline import build as pipeline
from datagen.pipeline.build import BuildReport

ROOT = Path(__file__).resolve().parent.parent
ROWS = 70_000  # two chunks
SPEC = (ROOT / "bench" / "users.yaml").read_text().replace("rows: 1000000", f"rows: {ROWS}")
SCORE = ("max: 1000}", "max: 2000}")  # a standalone range column
CITY = ("{name: city, type: text}", "{name: city, type: text, null_rate: 0.1}")  # of the rest
REST = ["first_name", "last_name", "email", "city", "created_at"]


def repo_with(path: Path, spec: str, outputs: str = "") -> Path:
    (path / "datasets").mkdir(parents=True)
    (path / "datasets" / "users.yaml").write_text(spec.replace("seed: 1\n", f"seed: 1\n{outputs}"))
    return path


def run(repo: Path, jobs: int = 1) -> tuple[BuildReport, str]:
    out = io.StringIO()
    return pipeline.build(repo, jobs=jobs, out=out), out.getvalue()


def parts_made(report: BuildReport) -> list[tuple[str, ...]]:
    """The columns generated per chunk, in this build."""
    chunks = [n for n in report.executed if n.startswith("users:public.users/copy-")]
    return [report.columns.get(n, ("all",)) for n in chunks]


def cols_objects(repo: Path) -> dict[str, list[str]]:
    """Column part objects in the cache: key -> the columns it holds."""
    return {
        p.name.split(".")[0]: [w[0] for w in json.loads(p.read_text())["widths"]]
        for p in (repo / "cache" / "objects").rglob("*.cols.meta.json")
    }


def edited(spec: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert old in spec
        spec = spec.replace(old, new)
    return spec


@pytest.fixture(scope="module")
def cold(tmp_path_factory) -> dict[str, bytes]:
    """Dumps of cold builds of each version of the spec the tests edit to."""
    out = {}
    for name, spec in (
        ("score", edited(SPEC, SCORE)),
        ("city", edited(SPEC, SCORE, CITY)),
    ):
        repo = repo_with(tmp_path_factory.mktemp(name), spec)
        run(repo)
        out[name] = (repo / "build" / "bench_users.sql").read_bytes()
    return out


def test_a_standalone_column_edit_generates_that_column_alone(tmp_path, cold):
    repo = repo_with(tmp_path / "r", SPEC)
    report, _ = run(repo)
    assert parts_made(report) == [("all",), ("all",)]
    before = cols_objects(repo)
    # id, uuid, phone, status and score alone, and the rest in one part: 6 parts per chunk
    assert sorted(map(tuple, before.values())) == sorted(
        [(c,) for c in ("id", "uuid", "phone", "status", "score")] * 2 + [tuple(REST)] * 2
    )

    (repo / "datasets" / "users.yaml").write_text(edited(SPEC, SCORE))
    assert pipeline.plan(repo)[0] == (  # plan says it first
        "users: public.users: rebuild, 2 of 2 chunks to generate, column score only "
        "(columns.score.params.max: 1000 -> 2000)"
    )
    report, text = run(repo)
    assert parts_made(report) == [("score",), ("score",)]  # 2 column-chunks of 20
    assert "generated public.users (2 of 2 chunks, column score only)" in text
    new = {k: v for k, v in cols_objects(repo).items() if k not in before}
    assert list(new.values()) == [["score"], ["score"]]
    assert (repo / "build" / "bench_users.sql").read_bytes() == cold["score"]

    # a column of the rest: the rest part again, the standalone columns from the cache
    (repo / "datasets" / "users.yaml").write_text(edited(SPEC, SCORE, CITY))
    assert f"chunks to generate, columns {', '.join(REST)} only (" in pipeline.plan(repo)[0]
    report, text = run(repo)
    assert parts_made(report) == [tuple(REST), tuple(REST)]
    assert (repo / "build" / "bench_users.sql").read_bytes() == cold["city"]
    assert pipeline.verify(repo) == []

    # back to the first edit: every chunk is still cached, nothing is generated
    (repo / "datasets" / "users.yaml").write_text(edited(SPEC, SCORE))
    report, text = run(repo)
    assert report.generated() == {} and "reused public.users" in text
    assert (repo / "build" / "bench_users.sql").read_bytes() == cold["score"]

    # every chunk cached, the table's manifest lost: plan says no column is generated
    for p in (repo / "cache" / "objects").rglob("*.table*"):
        p.unlink()
    assert pipeline.plan(repo)[0].startswith(
        "users: public.users: rebuild, 0 of 2 chunks to generate ("
    )


def test_parallel_builds_and_damaged_parts_give_the_cold_bytes(tmp_path, cold):
    repo = repo_with(tmp_path / "r", SPEC)
    run(repo, jobs=2)
    (repo / "datasets" / "users.yaml").write_text(edited(SPEC, SCORE))
    report, _ = run(repo, jobs=2)
    assert parts_made(report) == [("score",), ("score",)]
    assert (repo / "build" / "bench_users.sql").read_bytes() == cold["score"]

    # a part cut short, another one whose meta lists other columns: both made again
    objects = repo / "cache" / "objects"
    rest = [k for k, v in cols_objects(repo).items() if v == REST]
    victim = next(objects.rglob(f"{rest[0]}.cols"))
    victim.write_bytes(victim.read_bytes()[:1000])
    meta_path = next(objects.rglob(f"{rest[1]}.cols.meta.json"))
    meta = json.loads(meta_path.read_text())
    meta["widths"][0][0] = "other"
    meta_path.write_text(json.dumps(meta))
    (repo / "datasets" / "users.yaml").write_text(edited(SPEC, SCORE, CITY))
    report, _ = run(repo)
    assert sorted(parts_made(report)) == [tuple(REST), tuple(REST)]
    assert (repo / "build" / "bench_users.sql").read_bytes() == cold["city"]


def test_tables_of_one_part_and_insert_dumps_are_not_split(tmp_path):
    one = (
        "version: 1\nname: bench_users\nseed: 1\ntables:\n  - name: users\n"
        f"    rows: {ROWS}\n    columns:\n"
        "      - {name: id, type: bigserial, primary_key: true}\n"
    )
    repo = repo_with(tmp_path / "one", one)
    report, _ = run(repo)
    assert report.generated() == {"users": {"public.users": 2}}
    assert cols_objects(repo) == {}  # one column, nothing to split

    repo = repo_with(tmp_path / "sql", SPEC, "outputs: [sql]\n")
    run(repo)
    assert cols_objects(repo) == {}  # INSERTs are generated whole
    (repo / "datasets" / "users.yaml").write_text(
        edited(SPEC, SCORE).replace("seed: 1\n", "seed: 1\noutputs: [sql]\n")
    )
    report, _ = run(repo)
    assert report.generated() == {"users": {"public.users": 2}} and report.columns == {}


def test_column_parts_can_be_turned_off(tmp_path, cold, monkeypatch):
    """DATAGEN_COLUMN_CACHE=off caches chunks whole (same bytes); a bad value is an error."""
    monkeypatch.setenv("DATAGEN_COLUMN_CACHE", "off")
    repo = repo_with(tmp_path / "r", edited(SPEC, SCORE))
    report, _ = run(repo)
    assert cols_objects(repo) == {} and report.columns == {}
    assert (repo / "build" / "bench_users.sql").read_bytes() == cold["score"]
    monkeypatch.setenv("DATAGEN_COLUMN_CACHE", "sometimes")
    (repo / "datasets" / "users.yaml").write_text(SPEC)
    with pytest.raises(UsageError, match=r"DATAGEN_COLUMN_CACHE='sometimes': write on"):
        run(repo)
