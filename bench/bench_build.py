"""Benchmark: incremental builds of a 20-table dataset of about 2,000,000 rows.

    python bench/bench_build.py [--scale X]

Prints, each as `datagen build` run in a fresh process (interpreter start-up included):
cold build with -j 1 and -j 2 (and the speed-up), a no-op rebuild, and a rebuild after editing
one leaf table, beside that table's share of the cold build. Cold and no-op times are the best of
--repeat runs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HUBS = [("accounts", 20_000), ("users", 200_000), ("products", 5_000), ("stores", 500)]
LEAVES = [
    ("orders", 400_000, ["users", "stores"]),
    ("order_lines", 600_000, ["orders", "products"]),
    ("payments", 150_000, ["orders"]),
    ("refunds", 10_000, ["payments"]),
    ("sessions", 250_000, ["users"]),
    ("page_views", 150_000, ["sessions"]),
    ("reviews", 60_000, ["users", "products"]),
    ("wishlists", 40_000, ["users", "products"]),
    ("carts", 30_000, ["users"]),
    ("addresses", 30_000, ["users"]),
    ("invoices", 25_000, ["accounts"]),
    ("tickets", 15_000, ["users"]),
    ("ticket_notes", 10_000, ["tickets"]),
    ("coupons", 3_000, ["stores"]),
    ("audit_log", 1_500, ["accounts"]),
    ("api_keys", 500, ["accounts"]),
]
LEAF = "reviews"  # the table the one-leaf edit touches (nothing references it)


def spec(scale: float) -> dict:
    tables = []
    for name, rows in HUBS:
        tables.append(
            {
                "name": name,
                "rows": max(1, int(rows * scale)),
                "columns": [
                    {"name": "id", "type": "bigserial", "primary_key": True},
                    {"name": "email", "type": "varchar(120)", "unique": True},
                    {"name": "first_name", "type": "text"},
                    {"name": "last_name", "type": "text"},
                    {"name": "city", "type": "text"},
                    {"name": "created_at", "type": "timestamptz"},
                ],
            }
        )
    for name, rows, parents in LEAVES:
        cols = [{"name": "id", "type": "bigserial", "primary_key": True}]
        for p in parents:
            cols.append(
                {
                    "name": f"{p}_id",
                    "type": "bigint",
                    "nullable": False,
                    "references": {"table": p, "column": "id", "distribution": "zipf"},
                }
            )
        cols += [
            {
                "name": "amount",
                "type": "numeric(10,2)",
                "generator": "range",
                "params": {"min": 1, "max": 999},
            },
            {
                "name": "status",
                "type": "text",
                "generator": "weighted_enum",
                "params": {"values": {"ok": 90, "late": 7, "void": 3}},
            },
            {"name": "note", "type": "text", "null_rate": 0.5},
            {"name": "created_at", "type": "timestamptz"},
        ]
        tables.append({"name": name, "rows": max(1, int(rows * scale)), "columns": cols})
    return {"version": 1, "name": "bench", "seed": 1, "tables": tables}


def run_build(repo: Path, jobs: int = 1) -> tuple[float, str]:
    start = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "datagen", "build", "-C", str(repo), "-j", str(jobs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, r.stdout


def make_repo(root: Path, doc: dict) -> Path:
    (root / "datasets").mkdir(parents=True)
    (root / "datasets" / "bench.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every table's rows")
    ap.add_argument("--repeat", type=int, default=3, help="cold builds per job count (best kept)")
    args = ap.parse_args()
    doc = spec(args.scale)
    rows = sum(t["rows"] for t in doc["tables"])
    leaf_rows = next(t["rows"] for t in doc["tables"] if t["name"] == LEAF)
    with tempfile.TemporaryDirectory() as tmp:
        cold1 = cold2 = float("inf")
        for i in range(args.repeat):  # fresh repositories each time: every build is cold
            one = make_repo(Path(tmp) / f"one{i}", doc)
            two = make_repo(Path(tmp) / f"two{i}", doc)
            cold1 = min(cold1, run_build(one, 1)[0])
            cold2 = min(cold2, run_build(two, 2)[0])
        size = (one / "build" / "bench.sql").stat().st_size
        same = (one / "build" / "bench.sql").read_bytes() == (
            two / "build" / "bench.sql"
        ).read_bytes()
        noop = min(run_build(one)[0] for _ in range(args.repeat))
        out = run_build(one)[1]
        assert "up to date" in out, out
        doc["tables"][[t["name"] for t in doc["tables"]].index(LEAF)]["columns"][-2][
            "null_rate"
        ] = 0.3
        (one / "datasets" / "bench.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        edit, out = run_build(one)
        assert f"generated public.{LEAF}" in out and "reused" in out, out
        shutil.rmtree(one / "cache")
    print(f"dataset   20 tables, {rows:,} rows, {size / 1e6:,.0f} MB of COPY text")
    print(f"cold -j1  {cold1:6.2f} s  {rows / cold1:>10,.0f} rows/s")
    print(
        f"cold -j2  {cold2:6.2f} s  {rows / cold2:>10,.0f} rows/s  speed-up {cold1 / cold2:.2f}x"
        f"  (byte-identical: {same})"
    )
    print(f"no-op     {noop:6.2f} s")
    share = cold1 * leaf_rows / rows
    print(
        f"one leaf  {edit:6.2f} s  ({edit / cold1:.0%} of cold; {LEAF} is {leaf_rows:,} rows,"
        f" its share of cold {share:.2f} s, target <= {share + 1:.2f} s)"
    )


if __name__ == "__main__":
    main()
