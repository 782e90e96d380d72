"""Benchmark: a 10-column users table in COPY format, against a Faker row loop in the same run.

    python bench/bench_users.py [--rows N] [--baseline-rows N] [--jobs N]

Prints rows/s, MB/s and peak memory (RSS high-water mark of this process and of any workers) for
datagen, then the same figures for a per-row Faker loop making the same columns, and the ratio.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import datagen
from datagen import malloc

SPEC = Path(__file__).with_name("users.yaml")


class Counter:
    """A sink that counts bytes (so the disk is not what we measure)."""

    def __init__(self) -> None:
        self.n = 0

    def write(self, data: bytes) -> int:
        self.n += len(data)
        return len(data)


def faker_baseline(rows: int) -> tuple[float, int]:
    import uuid

    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(1)
    statuses = ["active", "invited", "suspended", "deleted"]
    weights = [80, 12, 5, 3]
    out = Counter()
    start = time.perf_counter()
    for i in range(1, rows + 1):
        first, last = fake.first_name(), fake.last_name()
        row = [
            str(i),
            str(uuid.UUID(int=fake.random.getrandbits(128), version=4)),
            first,
            last,
            fake.email(),
            fake.phone_number(),
            fake.city(),
            fake.date_time_between("-5y", "now").isoformat(sep=" ") + "+00",
            fake.random.choices(statuses, weights)[0],
            str(fake.random.randint(0, 1000)),
        ]
        out.write(("\t".join(row) + "\n").encode())
    return time.perf_counter() - start, out.n


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--baseline-rows", type=int, default=20_000)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    malloc.requested = True  # as the datagen command runs (datagen/malloc.py)

    ds = datagen.compile_spec(SPEC, rows={"users": args.rows})  # compiled once, as the CLI does
    datagen.generate(datagen.load_spec(SPEC, rows={"users": 1000}), Counter())  # warm pools
    out = Counter()
    start = time.perf_counter()
    datagen.generate(ds, out, "copy", jobs=args.jobs)
    took = time.perf_counter() - start
    rate = args.rows / took
    print(
        f"datagen  {args.rows:>11,} rows  {took:8.2f} s  {rate:>11,.0f} rows/s  "
        f"{out.n / took / 1e6:7.1f} MB/s  peak {peak_mb():6.0f} MB  (jobs={args.jobs})"
    )

    b_took, b_bytes = faker_baseline(args.baseline_rows)
    b_rate = args.baseline_rows / b_took
    print(
        f"faker    {args.baseline_rows:>11,} rows  {b_took:8.2f} s  {b_rate:>11,.0f} rows/s  "
        f"{b_bytes / b_took / 1e6:7.1f} MB/s  (per-row loop, same columns)"
    )
    print(f"ratio    {rate / b_rate:,.0f}x")


if __name__ == "__main__":
    main()
