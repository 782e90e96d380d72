"""Benchmark: every generator at N values, and a built-in template at N rows, beside Faker.

    python bench/bench_generators.py [--values N] [--template T] [--template-rows N]
                                     [--only NAME...] [--baseline-rows N]

Per generator: values/s and MB/s of one column of N rows (the column of
tests/generator_corpus.py, so every registered generator is measured with realistic params),
computed as a chunk is (a block of row indices through the compiled plan). Then a whole template
(every table, COPY format, scaled to about --template-rows rows) as `datagen generate` writes it.
The baseline, in the same process: a per-row Faker loop making a comparable row.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np
import yaml
from bench_users import Counter  # the byte-counting sink (the script's own directory)

import datagen
from datagen.columns import Block
from datagen.templates import text as template_text

ROOT = Path(__file__).resolve().parent.parent


def corpus() -> dict[str, tuple[str, dict]]:
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "tests" / "generator_corpus.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.COLUMNS


def one_column(name: str, pgtype: str, params: dict, rows: int) -> tuple[float, int]:
    spec = {
        "version": 1,
        "name": "bench",
        "tables": [
            {"name": "g_people", "rows": 10, "columns": [{"name": "id", "type": "bigint"}]},
            {
                "name": "t",
                "rows": rows,
                "columns": [
                    {"name": "g_first_name", "type": "text"},  # for templates naming a column
                    {"name": "g_last_name", "type": "text"},
                    {"name": "c", "type": pgtype, "generator": name, "params": params},
                ],
            },
        ],
    }
    c = datagen.compile_spec_text(yaml.safe_dump(spec))
    plan = c.table_plan("public.t")
    Block(plan, np.arange(1000)).column("c")  # warm pools
    start = time.perf_counter()
    col = Block(plan, np.arange(rows, dtype=np.int64)).column("c")
    took = time.perf_counter() - start
    return took, int(col.text.nbytes)


def faker_baseline(rows: int) -> float:
    """Values/s of a per-row Faker loop of a typical mix (name, email, city, date, word)."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(1)
    start = time.perf_counter()
    for _ in range(rows // 5):
        fake.name(), fake.email(), fake.city(), fake.date_time(), fake.word()
    return (rows // 5) * 5 / (time.perf_counter() - start)


def template_run(name: str, rows: int) -> tuple[int, float, int]:
    doc = yaml.safe_load(template_text(name))
    total = sum(t["rows"] for t in doc["tables"])
    c = datagen.compile_spec_text(template_text(name), scale=rows / total)
    n = sum(t.rows for t in c.dataset.tables)
    out = Counter()
    start = time.perf_counter()
    datagen.generate(c, out, "copy")
    return n, time.perf_counter() - start, out.n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--values", type=int, default=1_000_000)
    ap.add_argument("--template", default="ecommerce")
    ap.add_argument("--template-rows", type=int, default=1_000_000)
    ap.add_argument("--baseline-rows", type=int, default=20_000)
    ap.add_argument("--only", nargs="*", help="measure only these generators")
    args = ap.parse_args()

    base = faker_baseline(args.baseline_rows)
    print(f"{'generator':<16} {'values/s':>12} {'MB/s':>8} {'x Faker':>8}")
    slow = []
    for name, (pgtype, params) in sorted(corpus().items()):
        if args.only and name not in args.only:
            continue
        rows = args.values if name != "faker" else max(args.values // 200, 1000)
        took, size = one_column(name, pgtype, params, rows)
        rate = rows / took
        print(f"{name:<16} {rate:>12,.0f} {size / took / 1e6:>8.1f} {rate / base:>8.1f}")
        if rate < 1_000_000 and name != "faker":
            slow.append(name)
    print(f"{'Faker row loop':<16} {base:>12,.0f} {'':>8} {1:>8.1f}")
    print(f"below 1,000,000 values/s: {', '.join(slow) or 'none'}")
    if args.only:
        return
    n, took, size = template_run(args.template, args.template_rows)
    print(
        f"template {args.template}: {n:,} rows in {took:.2f} s = {n / took:,.0f} rows/s, "
        f"{size / took / 1e6:.1f} MB/s ({n / took / (base / 8):.0f}x a Faker loop of 8-column rows)"
    )


if __name__ == "__main__":
    main()
