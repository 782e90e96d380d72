"""Benchmark: a build with a shared cache (``--cache``), against the same build without one.

    python bench/bench_store.py [--rows N] [--jobs J] [--only folder|s3]

Builds bench/users.yaml at ``--rows`` rows (default 2,000,000: 31 chunks, about 290 MB of COPY
text) in fresh repositories under ``$TMPDIR``, with ``-j J``:

1. **baseline**: no shared cache;
2. **publish**: an empty shared cache: every chunk is generated, then published;
3. **copy**: a fresh repository, the shared cache full: every chunk is copied from it.

for each shared cache: a folder (``$TMPDIR``, the same disk), and moto's S3 server on loopback
(``python -m moto.server``, started here: a stand-in for S3, whose own costs are not measured).
Prints wall time, rows/s and MB/s of COPY text for each run, and each run's share of the
baseline; the dumps are compared byte for byte. Column parts are off
(``DATAGEN_COLUMN_CACHE=off``), as for a CI build that starts from an empty cache.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_dask import repo  # noqa: E402  (bench/ is the script's folder: on sys.path)

from datagen.pipeline import build  # noqa: E402


def timed(r: Path, jobs: int, cache: str | None) -> float:
    t = time.perf_counter()
    build.build(r, jobs=jobs, out=io.StringIO(), cache=cache)
    return time.perf_counter() - t


def moto() -> tuple[subprocess.Popen[bytes], str]:
    """moto's S3 server on a free port, with a bucket; the environment points boto at it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.environ.update(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    import fsspec

    fsspec.filesystem("s3").mkdir("bench")
    return server, "s3://bench/cache"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--only", choices=["folder", "s3"])
    args = ap.parse_args()
    os.environ["DATAGEN_COLUMN_CACHE"] = "off"
    base = Path(tempfile.mkdtemp(prefix="datagen-bench-store-"))
    server = None
    try:
        timed(repo(base, "warm-up", 70_000), args.jobs, None)  # imports, pools: not measured
        plain = repo(base, "baseline", args.rows)
        t0 = timed(plain, args.jobs, None)
        dump = plain / "build" / "bench_users.sql"
        mb = dump.stat().st_size / 1e6

        def line(what: str, t: float) -> None:
            print(
                f"{what:<28} {t:7.2f} s  {args.rows / t:>11,.0f} rows/s  {mb / t:7.1f} MB/s"
                f"  {t / t0:6.0%} of baseline"
            )

        print(f"{args.rows:,} rows, {mb:,.0f} MB of COPY text, -j {args.jobs}")
        line("baseline (no shared cache)", t0)
        kinds = [args.only] if args.only else ["folder", "s3"]
        for kind in kinds:
            if kind == "folder":
                where = str(base / "shared")
            else:
                server, where = moto()
            first, second = repo(base, f"{kind}-1", args.rows), repo(base, f"{kind}-2", args.rows)
            line(f"{kind}: publish", timed(first, args.jobs, where))
            line(f"{kind}: copy", timed(second, args.jobs, where))
            for r in (first, second):
                assert (r / "build" / dump.name).read_bytes() == dump.read_bytes(), r
        print("dumps: byte-identical")
    finally:
        if server is not None:
            server.terminate()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
