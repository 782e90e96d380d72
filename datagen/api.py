"""The verbs the CLI calls: load, validate, generate."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .engine import DatasetPlan, chunks, generate_chunk, unenforced_checks
from .errors import DatagenError, Problem, SpecError, WriterError
from .fileio import atomic_write
from .spec.load import load, load_text
from .spec.model import Dataset
from .spec.validate import compile_document
from .writers import FORMATS, WRITERS, Toc, writer_for
from .writers.codecs import encode

Progress = Callable[[str, int, int], None]  # (table, rows done, rows in table)


def load_spec(
    source: str | Path,
    *,
    seed: int | None = None,
    rows: dict[str, int] | None = None,
    scale: float | None = None,
) -> Dataset:
    """Load and validate a spec file (``-`` for stdin); raises SpecError listing every problem."""
    return compile_document(load(source), seed=seed, rows=rows, scale=scale)


def load_spec_text(text: str, file: str = "<spec>", **kw) -> Dataset:
    """Like :func:`load_spec`, from text."""
    return compile_document(load_text(text, file), **kw)


@dataclass
class Report:
    """What ``validate`` found in one spec."""

    file: str
    dataset: Dataset | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(sources: list[str | Path]) -> list[Report]:
    """Validate every spec; each report holds all of its problems and warnings."""
    reports = []
    for src in sources:
        report = Report(str(src))
        try:
            doc = load(src)
            report.file = doc.file
            report.dataset = compile_document(doc)
        except SpecError as e:
            report.problems = e.problems
        else:
            for path, expr in unenforced_checks(report.dataset):
                line = doc.line(path)
                where = f"{doc.file}:{line}" if line else doc.file
                report.warnings.append(
                    f"{where}: {path}: CHECK ({expr}) is not enforced by the generators "
                    "(it is kept in the DDL; rows violating it would fail to load)"
                )
            for fmt in dict.fromkeys(report.dataset.outputs):
                if fmt not in WRITERS:
                    report.warnings.append(
                        f"{doc.file}: outputs: format {fmt!r} is not written by this datagen yet "
                        f"(it writes {', '.join(WRITERS)}); 'datagen build' refuses the spec"
                    )
        reports.append(report)
    return reports


# ---- parallel chunk encoding: workers rebuild the plan from the (picklable) dataset ----------

_WORKER: dict[str, object] = {}


def _init_worker(ds: Dataset, fmt: str) -> None:
    _WORKER["plan"], _WORKER["encoding"] = DatasetPlan(ds), writer_for(fmt).encoding


def _encode_in_worker(qualname: str, start: int, stop: int) -> bytes:
    plan: DatasetPlan = _WORKER["plan"]  # type: ignore[assignment]
    return encode_chunk(plan, qualname, _WORKER["encoding"], start, stop)  # type: ignore[arg-type]


def encode_chunk(plan: DatasetPlan, qualname: str, encoding: str, start: int, stop: int) -> bytes:
    """Rows ``start..stop`` of a table, generated, then encoded (writers never generate)."""
    tp = plan.plan(plan.ds.table(qualname))
    return encode(encoding, tp.table, generate_chunk(tp, start, stop))


def generate(
    ds: Dataset,
    out: BinaryIO,
    fmt: str = "copy",
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> int:
    """Write the dataset as one dump in format ``fmt`` to ``out``; returns bytes written.

    With ``jobs > 1`` chunks are encoded in worker processes; the bytes are the same for any
    number of jobs because every chunk is a pure function of its rows.
    """
    total = 0
    for piece in dump_pieces(ds, fmt, jobs=jobs, progress=progress):
        out.write(piece)
        total += len(piece)
    return total


def dump_pieces(
    ds: Dataset, fmt: str = "copy", *, jobs: int = 1, progress: Progress | None = None
) -> Iterator[bytes]:
    """The dump in format ``fmt``, piece by piece (streamed: memory does not grow with rows)."""
    writer = writer_for(fmt)  # WriterError for an unknown format
    plan = DatasetPlan(ds)
    pool = None
    if jobs > 1 and sum(t.rows for t in ds.tables) > 0:
        pool = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(ds, fmt))

    def table_data(qualname: str) -> Iterator[bytes]:
        t = ds.table(qualname)
        done = 0
        if progress:
            progress(t.name, 0, t.rows)
        if pool is None:
            pieces: Iterator[tuple[int, bytes]] = (
                (stop - start, encode_chunk(plan, qualname, writer.encoding, start, stop))
                for start, stop in chunks(t.rows)
            )
        else:
            pieces = _ordered(pool, t.qualname, t.rows, jobs * 2)
        for n, data in pieces:
            done += n
            if progress:
                progress(t.name, done, t.rows)
            yield data

    try:
        yield from writer.pieces(Toc.from_dataset(ds), table_data)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _ordered(pool: ProcessPoolExecutor, qualname: str, rows: int, window: int):
    """Encoded chunks in order, with at most ``window`` in flight (memory stays bounded)."""
    pending: deque[tuple[int, Future[bytes]]] = deque()
    for start, stop in chunks(rows):
        pending.append((stop - start, pool.submit(_encode_in_worker, qualname, start, stop)))
        if len(pending) >= window:
            n, fut = pending.popleft()
            yield n, fut.result()
    while pending:
        n, fut = pending.popleft()
        yield n, fut.result()


def default_output(ds: Dataset, fmt: str) -> str:
    return FORMATS[fmt][0].format(name=ds.name)


def generate_to_path(
    ds: Dataset, path: str, fmt: str = "copy", *, jobs: int = 1, progress: Progress | None = None
) -> int:
    """Generate into ``path`` atomically: a temporary file, renamed at the end, removed on error."""
    if path == "-":
        return generate(ds, sys.stdout.buffer, fmt, jobs=jobs, progress=progress)
    target = Path(path)
    if target.is_dir():
        raise WriterError(
            f"{path} is a directory; name a file, or use -o {target / default_output(ds, fmt)}"
        )
    if not target.parent.exists():
        raise WriterError(f"directory {target.parent} does not exist; create it first")
    with closing(dump_pieces(ds, fmt, jobs=jobs, progress=progress)) as pieces:
        return atomic_write(target, pieces)[0]


__all__ = [
    "DatagenError",
    "Report",
    "generate",
    "generate_to_path",
    "load_spec",
    "load_spec_text",
    "validate",
]
