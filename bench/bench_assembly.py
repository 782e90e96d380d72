"""Benchmark: assembling a plain dump from the cache, what every build after an edit does.

    python bench/bench_assembly.py [--rows N] [--repeat R]

Builds bench/users.yaml (``--rows`` users, about 147 bytes each) into a temporary repository
once, then writes its ``copy`` dump from the cache again and again, in this process, two ways:

- baseline: every chunk read and checked against its digest, and the dump hashed as it is
  written (what assembly did before chunks were copied by the kernel);
- now: :func:`datagen.pipeline.actions.assemble`, the build's own action: chunks trusted by their
  metas (size and mtime), copied with ``os.copy_file_range``, the digest made from theirs.

Prints seconds, MB/s, ms per MB and CPU seconds of each (best of ``--repeat``, runs paired), and
the ratios. Both flush the dump to disk, as every build does: on a slow disk that flush is most of
the wall time, and what changed is the CPU (free for the workers of a parallel build).
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datagen.fileio import atomic_write  # noqa: E402
from datagen.pipeline import build  # noqa: E402
from datagen.pipeline.actions import _chunk_pieces, assemble  # noqa: E402
from datagen.pipeline.cache import Cache  # noqa: E402
from datagen.pipeline.project import Project, spec_ref  # noqa: E402
from datagen.pipeline.tasks import _tk_dict  # noqa: E402
from datagen.plan.source import compile_ref  # noqa: E402
from datagen.writers import writer_for  # noqa: E402


def baseline(project: Project, text: str, file: str, tables: list[dict], out: Path) -> None:
    """The dump written from chunks read, checked and hashed (the assembly before)."""
    cache = Cache(project.cache_dir)
    by_name = {tk["qualname"]: tk for tk in tables}
    writer = writer_for("copy")
    toc = compile_ref(spec_ref(text, file)).toc

    def encoded(q: str):
        return _chunk_pieces(cache, text, file, by_name[q], "copy")

    atomic_write(out, writer.pieces(toc, encoded))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    spec = (ROOT / "bench" / "users.yaml").read_text()
    spec = spec.replace("rows: 1000000", f"rows: {args.rows}")
    with tempfile.TemporaryDirectory(prefix="bench-assembly-") as tmp:
        root = Path(tmp)
        (root / "datasets").mkdir()
        (root / "datasets" / "users.yaml").write_text(spec)
        build.build(root, out=io.StringIO())
        project = Project(root)
        c = build.select(project, None)[0]
        tables = [_tk_dict(tk) for tk in c.keys.values()]
        dump = c.output_path(project, "copy")
        meta = project.output_meta(c.stem, "copy")
        size = dump.stat().st_size
        reference = dump.read_bytes()
        old = new = old_cpu = new_cpu = float("inf")
        for _ in range(args.repeat):
            t, cpu = time.perf_counter(), time.process_time()
            baseline(project, c.text, str(c.path), tables, root / "baseline.sql")
            old = min(old, time.perf_counter() - t)
            old_cpu = min(old_cpu, time.process_time() - cpu)
            t, cpu = time.perf_counter(), time.process_time()
            assemble(
                c.text, str(c.path), str(project.cache_dir), "copy", tables, str(dump), str(meta)
            )
            new = min(new, time.perf_counter() - t)
            new_cpu = min(new_cpu, time.process_time() - cpu)
        same = (root / "baseline.sql").read_bytes() == reference == dump.read_bytes()
        shutil.rmtree(root / "cache")
    mb = size / 1e6
    print(f"dump      {mb:,.0f} MB of COPY text, {args.rows:,} rows, best of {args.repeat}")
    for name, s, cpu in (("baseline", old, old_cpu), ("now", new, new_cpu)):
        print(
            f"{name:9} {s:6.3f} s  {mb / s:6,.0f} MB/s  {s * 1000 / mb:5.2f} ms/MB  CPU {cpu:.3f} s"
        )
    print(
        f"ratio     {old / new:.1f}x wall, {old_cpu / new_cpu:.1f}x CPU  (byte-identical: {same})"
    )


if __name__ == "__main__":
    main()
