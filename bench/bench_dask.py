"""Benchmark: a big build on a local Dask cluster against ``build -j N`` (the scale rehearsal).

    python bench/bench_dask.py [--rows N] [--workers W] [--keep] [--s3]

Builds bench/users.yaml at ``--rows`` rows (default 100,000,000: 1,526 chunks, about 14.7 GB of
COPY text) twice in fresh repositories under ``$TMPDIR``: once with ``--executor dask`` on a
``LocalCluster`` of ``--workers`` worker processes (started here, as a separate scheduler would
be), once with ``build -j W``. Column parts are off (``DATAGEN_COLUMN_CACHE=off``): a cold build
at this size should not write the columns a second time. Prints, for each: wall time, rows/s and
MB/s of COPY text, the time the chunks took (the executor's share) and the rest (assembly, the
flush of the dump, the lock); the peak RSS of each Dask worker; and the scheduler's overhead per
task, measured apart as the wall time per task of 2,000 empty tasks on the same cluster. The two
dumps are compared byte for byte. ``--keep`` leaves the repositories (else they are removed: they
hold about 30 GB each at the default size). ``--s3``: the Dask workers do not use ``cache/``
(``DATAGEN_WORKER_SCRATCH=1``, as on other machines): each publishes its chunks to a shared cache
on moto's S3 server (started here, a stand-in whose own speed is in the figures) and the build
copies them from there, within the chunks' time.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datagen import malloc  # noqa: E402
from datagen.pipeline import build  # noqa: E402


def repo(base: Path, name: str, rows: int) -> Path:
    r = base / name
    (r / "datasets").mkdir(parents=True)
    spec = (ROOT / "bench" / "users.yaml").read_text().replace("rows: 1000000", f"rows: {rows}")
    (r / "datasets" / "users.yaml").write_text(spec)
    return r


def timed_build(r: Path, **kw: object) -> tuple[float, float]:
    """(whole build, chunks alone) in seconds."""
    filled: list[float] = []
    real = build.fill_cache

    def fill(*a: object, **k: object) -> None:
        t = time.perf_counter()
        real(*a, **k)  # type: ignore[arg-type]
        filled.append(time.perf_counter() - t)

    build.fill_cache = fill  # type: ignore[assignment]
    try:
        t = time.perf_counter()
        build.build(r, out=io.StringIO(), **kw)  # type: ignore[arg-type]
        return time.perf_counter() - t, filled[0]
    finally:
        build.fill_cache = real


def peak_rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--s3", action="store_true", help="workers publish to moto's S3 server")
    args = ap.parse_args()
    import distributed

    server, where = None, None
    if args.s3:  # workers that do not see cache/: through the shared cache, as across machines
        from bench_store import moto

        server, where = moto()
        os.environ["DATAGEN_WORKER_SCRATCH"] = "1"  # before the workers start: inherited
    os.environ["DATAGEN_COLUMN_CACHE"] = "off"
    malloc.requested = True
    base = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    try:
        with (
            distributed.LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            t = time.perf_counter()
            client.gather(client.map(int, range(2000), pure=False))
            overhead = (time.perf_counter() - t) / 2000
            d = repo(base, "dask", args.rows)
            dask_wall, dask_fill = timed_build(d, scheduler=cluster.scheduler_address, cache=where)
            rss = sorted(client.run(peak_rss_mb).values())
        shutil.rmtree(d / "cache")  # room for the other build
        local = repo(base, "local", args.rows)
        local_wall, local_fill = timed_build(local, jobs=args.workers)
        a, b = d / "build" / "bench_users.sql", local / "build" / "bench_users.sql"
        size = a.stat().st_size
        same = size == b.stat().st_size and _same(a, b)
    finally:
        if server is not None:
            server.terminate()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    mb = size / 1e6
    chunks = -(-args.rows // 65536)
    print(f"table     bench/users.yaml, {args.rows:,} rows, {chunks:,} chunks, {mb:,.0f} MB")
    for name, wall, fill in (
        (f"dask, {args.workers} workers{', S3' if args.s3 else ''}", dask_wall, dask_fill),
        (f"build -j {args.workers}", local_wall, local_fill),
    ):
        print(
            f"{name:18} {wall:8.1f} s  {args.rows / wall:>11,.0f} rows/s  {mb / wall:6.0f} MB/s"
            f"  chunks {fill:6.1f} s ({args.rows / fill:,.0f} rows/s), rest {wall - fill:5.1f} s"
        )
    print(f"dask workers' peak RSS: {', '.join(f'{m} MB' for m in rss)}")
    print(f"scheduler overhead: {overhead * 1000:.2f} ms per task (2,000 empty tasks)")
    print(f"dumps byte-identical: {same}")


def _same(a: Path, b: Path) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 24), fb.read(1 << 24)
            if x != y:
                return False
            if not x:
                return True


if __name__ == "__main__":
    main()
