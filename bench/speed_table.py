"""Benchmark: the speed issue's table, this tree against another commit, paired, in one run.

    python bench/speed_table.py [--base REV] [--rows N] [--repeat R]

Checks REV (default c08ff87, before the speed work) out into a temporary git worktree and runs
each measurement as whole ``python -m datagen`` processes, alternating the two trees run by run
(the same interpreter and machine state for both), and prints the median of ``--repeat`` runs:

- generate, whole process: bench/users.yaml (``--rows``) to /dev/null, -j 1 and -j 2;
- start-up: the same with one row;
- build, cold: the same table in a fresh repository, -j 1 and -j 2 (its dump is flushed to disk,
  a good share of it on a slow disk); a no-op build after it;
- one-column edit: ``score``'s range changed, then built (share of the cold -j 1 build);
- memory: the peak RSS of the -j 1 generate.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = (ROOT / "bench" / "users.yaml").read_text()


def run(tree: Path, args: list[str], cwd: Path) -> tuple[float, int]:
    """(seconds, peak RSS in MB) of one ``python -m datagen ARGS`` process from ``tree`` (its own
    peak: its workers are counted by the -j 1 runs only, where there are none)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "datagen", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{tree}: datagen {' '.join(args)} failed: {proc.stderr.read().decode()}")
    proc.returncode = 0
    return took, usage.ru_maxrss // 1024


def spec(rows: int) -> str:
    return SPEC.replace("rows: 1000000", f"rows: {rows}")


def repo(tmp: Path, name: str, rows: int) -> Path:
    r = tmp / name
    shutil.rmtree(r, ignore_errors=True)
    (r / "datasets").mkdir(parents=True)
    (r / "datasets" / "users.yaml").write_text(spec(rows))
    return r


def measure(tree: Path, tmp: Path, rows: int) -> dict[str, float]:
    """One run of every measurement with ``tree``'s datagen."""
    out: dict[str, float] = {}
    spec_file = tmp / "users.yaml"
    spec_file.write_text(spec(rows))
    target = "/dev/null"  # the generator, not the disk (builds write theirs, and flush them)
    out["gen1"], out["rss"] = run(tree, ["generate", str(spec_file), "-o", target, "-q"], tmp)
    out["gen2"], _ = run(tree, ["generate", str(spec_file), "-o", target, "-q", "-j", "2"], tmp)
    one = ["generate", str(spec_file), "--rows", "users=1", "-o", target, "-q"]
    out["start"], _ = run(tree, one, tmp)
    r1, r2 = repo(tmp, "b1", rows), repo(tmp, "b2", rows)
    out["build1"], _ = run(tree, ["build", "-C", str(r1)], tmp)
    out["build2"], _ = run(tree, ["build", "-C", str(r2), "-j", "2"], tmp)
    out["noop"], _ = run(tree, ["build", "-C", str(r1)], tmp)
    (r1 / "datasets" / "users.yaml").write_text(spec(rows).replace("max: 1000}", "max: 2000}"))
    out["edit"], _ = run(tree, ["build", "-C", str(r1)], tmp)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--base", default="c08ff87")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="speed-table-") as t:
        tmp = Path(t)
        base = tmp / "base"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(base), args.base],
            check=True,
        )
        try:
            runs: dict[str, list[dict[str, float]]] = {"base": [], "now": []}
            for name, tree in (("base", base), ("now", ROOT)):  # warm: bytecode, pool caches
                work = tmp / f"work-{name}"
                work.mkdir()
                measure(tree, work, 1000)
            for _ in range(args.repeat):
                for name, tree in (("base", base), ("now", ROOT)):
                    runs[name].append(measure(tree, tmp / f"work-{name}", args.rows))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)])
    med = {n: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for n, rs in runs.items()}
    rows = args.rows
    print(f"users table, {rows:,} rows; median of {args.repeat} paired runs; base {args.base}")
    print(f"{'what':44} {'base':>18} {'now':>18}")

    def rate(k: str):
        return lambda m: f"{m[k]:.2f} s {rows / m[k] / 1e3:,.0f}k/s"

    lines = [
        ("generate -j 1, whole process", rate("gen1")),
        ("generate -j 2, whole process", rate("gen2")),
        ("generate -j 2 vs -j 1", lambda m: f"{m['gen1'] / m['gen2']:.2f}x"),
        ("start-up (1-row generate)", lambda m: f"{m['start']:.3f} s"),
        ("build cold -j 1", lambda m: f"{m['build1']:.2f} s"),
        (
            "build cold -j 2 (speed-up)",
            lambda m: f"{m['build2']:.2f} s {m['build1'] / m['build2']:.2f}x",
        ),
        ("no-op build", lambda m: f"{m['noop']:.3f} s"),
        (
            "one-column edit (share of cold -j 1)",
            lambda m: f"{m['edit']:.2f} s {m['edit'] / m['build1']:.0%}",
        ),
        ("peak RSS, generate -j 1", lambda m: f"{m['rss']:.0f} MB"),
    ]
    for what, fmt in lines:
        print(f"{what:44} {fmt(med['base']):>18} {fmt(med['now']):>18}")


if __name__ == "__main__":
    main()
