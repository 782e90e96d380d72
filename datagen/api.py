"""The verbs the CLI calls: load, validate, generate."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .errors import DatagenError, Problem, SpecError, WriterError
from .fileio import atomic_write, atomic_write_tree
from .fileslice import FileSlice
from .pipeline.executors import local_executor
from .pipeline.jobs import ChunkJob
from .plan import Compiled, compile_dataset, compile_document
from .plan.source import SpecRef
from .spec.load import load, load_text
from .spec.model import Dataset
from .writers import FORMAT_NAMES, TableData, Toc, Writer, file_pattern, writer_for

Progress = Callable[[str, int, int], None]  # (table, rows done, rows in table)


def compile_spec(
    source: str | Path,
    *,
    seed: int | None = None,
    rows: dict[str, int] | None = None,
    scale: float | None = None,
) -> Compiled:
    """Load, validate and plan a spec file (``-`` for stdin); SpecError lists every problem."""
    return compile_document(load(source), seed=seed, rows=rows, scale=scale)


def load_spec(source: str | Path, **kw) -> Dataset:
    """Like :func:`compile_spec`, returning the validated dataset model."""
    return compile_spec(source, **kw).dataset


def compile_spec_text(text: str, file: str = "<spec>", **kw) -> Compiled:
    """Like :func:`compile_spec`, from text."""
    return compile_document(load_text(text, file), **kw)


def load_spec_text(text: str, file: str = "<spec>", **kw) -> Dataset:
    """Like :func:`load_spec`, from text."""
    return compile_spec_text(text, file, **kw).dataset


def compiled(spec: Compiled | Dataset) -> Compiled:
    """``spec`` as a compiled plan (a dataset model is compiled here)."""
    return spec if isinstance(spec, Compiled) else compile_dataset(spec)


@dataclass
class Report:
    """What ``validate`` found in one spec."""

    file: str
    dataset: Dataset | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

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
            c = compile_document(doc)
        except SpecError as e:
            report.problems = e.problems
        else:
            report.dataset, report.warnings = c.dataset, list(c.warnings)
        reports.append(report)
    return reports


def chunk_jobs(c: Compiled, qualname: str, encoding: str) -> Iterator[ChunkJob]:
    """The jobs that make one table's rows, chunk by chunk, in order."""
    ref = SpecRef.of(c)
    for i, (start, stop) in enumerate(c.chunks(qualname)):
        yield ChunkJob(ref, qualname, i, start, stop, encoding)


def generate(
    ds: Compiled | Dataset,
    out: BinaryIO,
    fmt: str = "copy",
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    compress: int | None = None,
) -> int:
    """Write the dataset as one dump in format ``fmt`` to ``out``; returns bytes written.

    With ``jobs > 1`` chunks are made in worker processes; the bytes are the same for any
    number of jobs because every chunk is a pure function of its rows. The ``directory`` format
    writes a directory: use :func:`generate_to_path`.
    """
    with _rendering(ds, fmt, jobs, progress, compress, stream=True) as (writer, toc, table_data):
        return writer.write(toc, table_data, out)


def dump_pieces(
    spec: Compiled | Dataset,
    fmt: str = "copy",
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    compress: int | None = None,
) -> Generator[bytes, None, None]:
    """The dump in format ``fmt`` (one file: not ``directory``), piece by piece (streamed:
    memory does not grow with rows); ``compress`` is the zlib level of ``custom``. A custom
    archive made this way leaves its data offsets unset (see :meth:`CustomWriter.finish`)."""
    with _rendering(spec, fmt, jobs, progress, compress, stream=True) as (writer, toc, data):
        yield from writer.pieces(toc, data)


@contextlib.contextmanager
def _rendering(
    spec: Compiled | Dataset,
    fmt: str,
    jobs: int,
    progress: Progress | None,
    compress: int | None,
    stream: bool = False,
) -> Iterator[tuple[Writer, Toc, TableData]]:
    """The writer of ``fmt``, the dump's TOC and its table data, made by ``jobs`` processes
    (stopped when the block exits, at once if it failed). ``stream``: the dump goes to one
    stream, which a directory format cannot."""
    writer = writer_for(fmt, compress)  # WriterError for an unknown format or level
    if stream and writer.directory:
        raise WriterError(f"format {fmt!r} writes a directory: name it with -o PATH")
    c = compiled(spec)
    ds = c.dataset
    executor = local_executor(jobs if any(t.rows for t in ds.tables) else 1)

    # a plain dump written to a file copies workers' spooled chunks in the kernel, unread
    slices = writer.passes_data_through and not stream

    def table_data(qualname: str) -> Iterator[Any]:
        t = ds.table(qualname)
        done = 0
        if progress:
            progress(t.name, 0, t.rows)
        for result in executor.map(chunk_jobs(c, qualname, writer.encoding), files=slices):
            done += result.rows
            if progress:
                progress(t.name, done, t.rows)
            if result.file is not None:
                try:
                    yield FileSlice(Path(result.file), os.path.getsize(result.file), "")
                finally:  # (the spool may be gone already: a failed write closes it first)
                    Path(result.file).unlink(missing_ok=True)
                continue
            assert result.data is not None
            yield result.data

    try:
        yield writer, c.toc, table_data
    finally:
        executor.close()


def default_output(spec: Compiled | Dataset, fmt: str) -> str:
    """The file name a format writes by default: ``NAME.sql``, ``NAME.inserts.sql``..."""
    ds = spec.dataset if isinstance(spec, Compiled) else spec
    return file_pattern(fmt).format(name=ds.name)


def generate_to_path(
    ds: Compiled | Dataset,
    path: str,
    fmt: str = "copy",
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    compress: int | None = None,
) -> int:
    """Generate into ``path`` atomically: a temporary file, renamed at the end, removed on error.

    An existing device or FIFO (``/dev/null``, a named pipe) is written straight to instead, so
    it survives. Every failure to write is a one-line WriterError naming ``path``.
    """
    from .fileio import same_file  # local: only this verb needs it

    if path == "-":
        return generate(ds, sys.stdout.buffer, fmt, jobs=jobs, progress=progress, compress=compress)
    target = Path(path)
    if target.is_dir() and not (fmt in FORMAT_NAMES and writer_for(fmt).directory):
        raise WriterError(
            f"cannot write {path}: it is a directory; name a file, "
            f"or use -o {target / default_output(ds, fmt)}"
        )
    parent = target.parent
    if not parent.exists():
        raise WriterError(
            f"cannot write {path}: directory {parent} does not exist; create it first"
        )
    if not parent.is_dir():
        raise WriterError(f"cannot write {path}: {parent} is not a directory")
    spec_file = (ds.dataset if isinstance(ds, Compiled) else ds).file
    if spec_file and same_file(spec_file, target):
        raise WriterError(
            f"cannot write {path}: it is the spec {spec_file} itself; name another output"
        )
    with _rendering(ds, fmt, jobs, progress, compress) as (writer, toc, table_data):
        if writer.directory:
            return atomic_write_tree(target, writer.files(toc, table_data))[0]
        pieces = writer.pieces(toc, table_data)
        return atomic_write(target, pieces, parents=False, finish=writer.finish)[0]


__all__ = [
    "DatagenError",
    "Report",
    "compile_spec",
    "compile_spec_text",
    "generate",
    "generate_to_path",
    "load_spec",
    "load_spec_text",
    "validate",
]
