"""Benchmark: a one-column edit of a big table against its cold build, and what the cache grows by.

    python bench/bench_column_edit.py [--rows N]

Builds bench/users.yaml (``--rows`` users) cold with ``datagen build`` in a fresh process, then
edits one column at a time and builds again: ``score`` (a standalone ``range`` column: only it is
generated, the other columns come from the cache's column parts), ``status`` (a standalone
``weighted_enum``) and ``city`` (a column of the rest part: the person and place columns are
generated again, the standalone ones are not). Prints each build's seconds, its share of the cold
build, and the bytes the cache grew by: the column part(s) generated, and the chunk objects of
the new COPY text, which dumps are copied from.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(repo: Path) -> tuple[float, str]:
    start = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "datagen", "build", "-C", str(repo)],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, r.stdout


def sizes(repo: Path) -> dict[str, int]:
    """Bytes of cache objects by kind (cols: column parts; copy: chunks of COPY text)."""
    out: dict[str, int] = {}
    for p in (repo / "cache" / "objects").rglob("*"):
        if p.is_file() and not p.name.endswith(".meta.json"):
            kind = p.name.split(".", 1)[1]
            out[kind] = out.get(kind, 0) + p.stat().st_size
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    spec = (
        (ROOT / "bench" / "users.yaml").read_text().replace("rows: 1000000", f"rows: {args.rows}")
    )
    edits = [
        ("score", "max: 1000}", "max: 2000}"),
        ("status", "deleted: 3}", "deleted: 4}"),
        ("city", "{name: city, type: text}", "{name: city, type: text, null_rate: 0.1}"),
    ]
    env_note = "DATAGEN_CACHE_KEEP=off" if False else ""
    with tempfile.TemporaryDirectory(prefix="bench-column-") as tmp:
        repo = Path(tmp)
        (repo / "datasets").mkdir()
        path = repo / "datasets" / "users.yaml"
        path.write_text(spec)
        cold, _ = build(repo)
        before = sizes(repo)
        print(f"table     bench/users.yaml, {args.rows:,} rows {env_note}")
        print(f"cold      {cold:6.2f} s   cache {sum(before.values()) / 1e6:7.1f} MB")
        for column, old, new in edits:
            assert old in spec, old
            spec = spec.replace(old, new)
            path.write_text(spec)
            took, out = build(repo)
            after = sizes(repo)
            grew = {k: after.get(k, 0) - before.get(k, 0) for k in after}
            before = after
            what = out.splitlines()[0].split("(", 1)[1].rstrip(")")
            print(
                f"{column:9} {took:6.2f} s  {took / cold:4.0%} of cold   cache +"
                f"{grew.get('cols', 0) / 1e6:6.1f} MB of column parts, "
                f"+{grew.get('copy', 0) / 1e6:6.1f} MB of COPY chunks   ({what})"
            )


if __name__ == "__main__":
    main()
