"""Benchmark: a no-op `datagen build` and `datagen check` at any size (issue 10, item 4).

    python bench/bench_noop.py [--tables N] [--repeat K]

Builds a repository of N small tables in one spec (table i references table (i - 1) // 2: a
binary tree of foreign keys), then times, each as a fresh `python -m datagen` process
(interpreter start-up included), best of --repeat:

* `python -c pass`: the interpreter alone, the floor;
* `datagen build` and `datagen check` answered from the stamp (cache/stamp.json);
* the same with DATAGEN_NO_STAMP=1: the full path (compile every spec, doit's up-to-date checks).

The stamp's cost grows with the files it stats (specs, locks, files under build/, the
cache/objects folders, at most 256, and datagen's own files), never with rows or chunks.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


def spec(tables: int) -> dict:
    out = []
    for i in range(tables):
        cols = [{"name": "id", "type": "bigserial", "primary_key": True}]
        if i:
            cols.append(
                {"name": "parent_id", "type": "bigint", "references": f"t{(i - 1) // 2}.id"}
            )
        cols += [{"name": "email", "type": "text"}, {"name": "created_at", "type": "timestamptz"}]
        out.append({"name": f"t{i}", "rows": 100, "columns": cols})
    return {"version": 1, "name": "many", "seed": 1, "tables": out}


def timed(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    r = subprocess.run(args, capture_output=True, text=True, check=True, env=env)
    return time.perf_counter() - start, r.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tables", type=int, default=200, help="tables in the repository")
    ap.add_argument("--repeat", type=int, default=5, help="runs per figure (best kept)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        (repo / "datasets").mkdir()
        doc = spec(args.tables)
        (repo / "datasets" / "many.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        datagen = [sys.executable, "-m", "datagen"]
        cold, _ = timed([*datagen, "build", "-C", str(repo)])
        full_env = {**os.environ, "DATAGEN_NO_STAMP": "1"}
        rows = {
            "python -c pass": ([sys.executable, "-c", "pass"], None),
            "build (stamp)": ([*datagen, "build", "-C", str(repo)], None),
            "check (stamp)": ([*datagen, "check", "-C", str(repo)], None),
            "build (full path)": ([*datagen, "build", "-C", str(repo)], full_env),
            "check (full path)": ([*datagen, "check", "-C", str(repo)], full_env),
        }
        best = {}
        for name, (cmd, env) in rows.items():
            runs = [timed(cmd, env) for _ in range(args.repeat)]
            best[name] = min(t for t, _ in runs)
            out = runs[-1][1]
            assert name == "python -c pass" or "up to date" in out or "all locks" in out, out
        files = sum(1 for _ in (repo / "build").rglob("*"))
        objects = sum(1 for _ in (repo / "cache" / "objects").rglob("*.copy"))
    print(f"repository: {args.tables} tables, {objects} chunks, {files} files in build/")
    print(f"cold build          {cold:7.3f} s")
    for name, t in best.items():
        print(f"{name:<20}{t:7.3f} s")
    print(
        f"stamp vs full path: build {best['build (full path)'] / best['build (stamp)']:.1f}x, "
        f"check {best['check (full path)'] / best['check (stamp)']:.1f}x faster; "
        f"above the interpreter: {best['build (stamp)'] - best['python -c pass']:.3f} s"
    )


if __name__ == "__main__":
    main()
