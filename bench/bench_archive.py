"""Benchmark: the users table (bench/users.yaml) as a pg_dump archive against the plain dump.

    python bench/bench_archive.py [--rows N] [--jobs N] [--compress L] [--restore] [--repeat K]

Writing (one process, every figure the median of --repeat rounds, each round running every
format at -j 1 and at -j N one after the other so the machine's noise falls on all of them):
each format is written with ``generate_to_path`` to a file (a directory for ``directory``) in a
temporary directory on disk, as ``datagen generate -o`` does; the plain ``copy`` dump the same way,
so the file system costs both alike (``generate_to_path`` fsyncs the file before renaming it, so
the smaller archive has less to flush). The custom archive is written at zlib level --compress
(default 1) and gets its table of contents rewritten with the data offsets at the end. ``copy``
and ``custom`` are also written with ``generate`` to a byte-counting sink in memory ("sink": no
disk, and a sink that cannot seek leaves the archive's offsets unset), which measures the work
alone.

Per run it prints:
  s            wall seconds of the call (the worker pool's start-up included)
  rows/s       --rows / s
  out MB/s     bytes written (the compressed archive, or the plain dump) / s, MB = 10^6 bytes
  text MB/s    bytes of the plain ``copy`` dump / s: the uncompressed COPY text every format
               holds (the plain dump adds only a few hundred bytes of DDL), so it compares formats
               whatever they compress; its ratio between two runs is their speed ratio
  cpu          CPU seconds of this process and its workers over the run / s: the cores used
  MB           the output's size
Then the speed of each format beside the plain dump at the same -j and written the same way
(file or sink), and the key figure: the custom archive at -j N against the plain dump at -j 1 and
at -j N (the target is >= 0.5x). It also checks that the files at -j 1 and -j N are byte for byte
the same.

With --restore it starts a throwaway PostgreSQL cluster (tests/pgcluster.py: the newest installed
server, or $PG_BINDIR) and times, each into a fresh database (median of --repeat):
  psql -X -q -v ON_ERROR_STOP=1 -f users.sql               (the plain copy dump)
  pg_restore --exit-on-error --no-owner -j 2 -d DB users.dump   (custom, then -j 1)
  pg_restore ... -j 2 -d DB users.dir                       (directory)
  pg_restore ... -d DB users.tar                            (tar: pg_restore reads it in order)
printing seconds and rows/s, and checks that each restored --rows rows.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import xxhash
from bench_users import Counter  # the byte-counting sink (the script's own directory)

import datagen
from datagen.api import generate_to_path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "users.yaml"
FORMATS = ["copy", "custom", "directory", "tar"]
NAMES = {"copy": "users.sql", "custom": "users.dump", "directory": "users.dir", "tar": "users.tar"}
COMPRESSING = {"custom", "directory"}
SINK_FORMATS = ["copy", "custom"]  # also written to a byte-counting sink: no disk, no fsync
MB = 1e6


def cpu_seconds() -> float:
    """User + system CPU of this process and of its reaped children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def digest(path: Path) -> str:
    """xxh3-128 of a file, or of a directory's files by name."""
    h = xxhash.xxh3_128()
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    for f in files:
        if f.is_file():
            h.update(f.name.encode() + b"\0")
            with f.open("rb") as fh:
                while block := fh.read(1 << 20):
                    h.update(block)
    return h.hexdigest()


class Sink(Counter):
    """The byte-counting sink, saying it cannot seek (the custom writer asks; its offsets then
    stay unset, as to a pipe)."""

    def seekable(self) -> bool:
        return False


def write_once(
    ds, fmt: str, jobs: int, compress: int, path: Path | None
) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, bytes written) of one ``generate_to_path``, or of one
    ``generate`` to a byte-counting sink when ``path`` is None."""
    if path is not None:
        remove(path)
    level = compress if fmt in COMPRESSING else None
    cpu = cpu_seconds()
    start = time.perf_counter()
    if path is None:
        n = datagen.generate(ds, Sink(), fmt, jobs=jobs, compress=level)
    else:
        n = generate_to_path(ds, str(path), fmt, jobs=jobs, compress=level)
    took = time.perf_counter() - start
    return took, cpu_seconds() - cpu, n


Run = tuple[str, int, str]  # (format, jobs, "file" or "sink")


def bench_writes(args, ds, tmp: Path, jobs_list: list[int]) -> dict[tuple[str, int], Path]:
    runs: list[Run] = [(fmt, j, "file") for j in jobs_list for fmt in FORMATS]
    runs += [(fmt, j, "sink") for j in jobs_list for fmt in SINK_FORMATS]
    times: dict[Run, list[float]] = {r: [] for r in runs}
    cpus: dict[Run, list[float]] = {r: [] for r in runs}
    size: dict[Run, int] = {}
    paths = {(fmt, j): tmp / f"j{j}" / NAMES[fmt] for j in jobs_list for fmt in FORMATS}
    for j in jobs_list:
        (tmp / f"j{j}").mkdir()
    for k in range(args.repeat):
        for r in runs:
            fmt, j, where = r
            path = paths[fmt, j] if where == "file" else None
            took, cpu, n = write_once(ds, fmt, j, args.compress, path)
            times[r].append(took)
            cpus[r].append(cpu)
            size[r] = n
        print(
            f"  round {k + 1}/{args.repeat}: "
            + "  ".join(f"{label(r)} {times[r][-1]:.2f}s" for r in runs),
            flush=True,
        )
    for fmt in FORMATS:  # the same bytes whatever the number of jobs
        if len({digest(paths[fmt, j]) for j in jobs_list}) != 1:
            raise SystemExit(f"{fmt}: -j {jobs_list} wrote different bytes")

    text = {j: size["copy", j, "file"] for j in jobs_list}
    med = {r: statistics.median(v) for r, v in times.items()}
    print()
    print(
        f"writing {args.rows:,} rows, zlib level {args.compress}, median of {args.repeat}"
        f" (files under {tmp}; sink: in memory, no disk)"
    )
    print(f"{'run':<20}{'s':>8}{'rows/s':>13}{'out MB/s':>10}{'text MB/s':>11}{'cpu':>6}{'MB':>8}")
    for r in runs:
        t, j = med[r], r[1]
        print(
            f"{label(r):<20}{t:8.2f}{args.rows / t:>13,.0f}"
            f"{size[r] / t / MB:10.1f}{text[j] / t / MB:11.1f}"
            f"{statistics.median(cpus[r]) / t:6.2f}{size[r] / MB:8.1f}"
        )
    print()
    print(
        "speed against the plain copy dump at the same -j, written alike (its time / this one's):"
    )
    for where in ("file", "sink"):
        for j in jobs_list:
            others = FORMATS[1:] if where == "file" else SINK_FORMATS[1:]
            base = med["copy", j, where]
            print(
                f"  {where} -j {j}: "
                + "  ".join(f"{fmt} {base / med[fmt, j, where]:.2f}x" for fmt in others)
            )
    top = jobs_list[-1]
    print()
    print(f"key figure: custom (level {args.compress}) at -j {top} against copy (target >= 0.5x)")
    for where in ("file", "sink"):
        for j in jobs_list:
            ratio = med["copy", j, where] / med["custom", top, where]
            verdict = "meets" if ratio >= 0.5 else "MISSES"
            print(f"  {where}: vs copy at -j {j}: {ratio:.2f}x  ({verdict} the target)")
    print(f"peak RSS {peak_mb():.0f} MB (this process or one worker)")
    print(f"load average {load()} at the end, over {os.cpu_count()} cores")
    return paths


def load() -> str:
    """The 1-minute load average: other work on the machine skews -j N most."""
    return f"{os.getloadavg()[0]:.2f}"


def label(r: Run) -> str:
    fmt, j, where = r
    return f"{fmt} -j {j}" + (" sink" if where == "sink" else "")


def bench_restores(args, paths: dict[tuple[str, int], Path]) -> None:
    sys.path.insert(0, str(HERE.parent / "tests"))
    from pgcluster import Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("--restore: no PostgreSQL found (set PG_BINDIR)")
    j = max(j for _, j in paths)
    restore = ["pg_restore", "--exit-on-error", "--no-owner"]
    cases = [
        ("psql -f users.sql", lambda db: ["psql", "-f", str(paths["copy", j])]),
        (
            "pg_restore -j 2 custom",
            lambda db: [*restore, "-j", "2", "-d", db, str(paths["custom", j])],
        ),
        ("pg_restore -j 1 custom", lambda db: [*restore, "-d", db, str(paths["custom", j])]),
        (
            "pg_restore -j 2 directory",
            lambda db: [*restore, "-j", "2", "-d", db, str(paths["directory", j])],
        ),
        ("pg_restore tar", lambda db: [*restore, "-d", db, str(paths["tar", j])]),
    ]
    cluster = Cluster(bindir)
    cluster.start()
    try:
        version = cluster.scalar("postgres", "show server_version")
        times: dict[str, list[float]] = {name: [] for name, _ in cases}
        for k in range(args.repeat):
            for name, command in cases:
                db = cluster.new_db()
                start = time.perf_counter()
                cluster.run(command(db), db=db)
                times[name].append(time.perf_counter() - start)
                got = int(cluster.scalar(db, "select count(*) from users") or -1)
                if got != args.rows:
                    raise SystemExit(f"{name}: restored {got:,} rows, not {args.rows:,}")
                cluster.run(["psql", "-c", f"DROP DATABASE {db}"])
            print(
                f"  round {k + 1}/{args.repeat}: "
                + "  ".join(f"{name} {v[-1]:.2f}s" for name, v in times.items()),
                flush=True,
            )
    finally:
        cluster.stop()
    print()
    print(
        f"restoring {args.rows:,} rows into PostgreSQL {version} (fsync off), "
        f"median of {args.repeat}; each restored {args.rows:,} rows"
    )
    base = statistics.median(times[cases[0][0]])
    for name, _ in cases:
        t = statistics.median(times[name])
        print(f"  {name:<28}{t:8.2f} s{args.rows / t:>13,.0f} rows/s  {base / t:5.2f}x psql")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--jobs", type=int, default=2, help="the second -j to run (the first is 1)")
    ap.add_argument("--compress", type=int, default=1, help="zlib level of custom and directory")
    ap.add_argument("--restore", action="store_true", help="also time pg_restore against psql")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    jobs_list = sorted({1, args.jobs})
    print(f"load average {load()} at the start, over {os.cpu_count()} cores", flush=True)

    ds = datagen.compile_spec(SPEC, rows={"users": args.rows})  # compiled once, as the CLI does
    tmp = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    os.chmod(tmp, 0o755)  # the server may run as another user (root: postgres)
    try:
        warm = datagen.compile_spec(SPEC, rows={"users": 1000})
        for fmt in FORMATS:  # warm the pools and imports of every writer
            write_once(warm, fmt, 1, args.compress, tmp / NAMES[fmt])
            remove(tmp / NAMES[fmt])
        paths = bench_writes(args, ds, tmp, jobs_list)
        if args.restore:
            print()
            bench_restores(args, paths)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
