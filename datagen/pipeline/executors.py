"""Executors run chunk jobs: :meth:`~Executor.map` hands results back in job order with a bounded
number in flight (``generate -j N`` streams them into a dump), :meth:`~Executor.fill` in the order
they finish with every job queued at once (``build -j N`` fills the cache; results are small metas).

Both verbs use :class:`ProcessExecutor` (one executor model; a distributed executor is one more
class with the same methods). Workers die with their parent: a killed ``datagen`` leaves no worker
behind (on Linux the kernel sends them SIGKILL when the thread that started them exits).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

from .. import malloc
from ..errors import DatagenError, UsageError
from .jobs import ChunkJob, ChunkResult, run_chunk

if TYPE_CHECKING:
    from concurrent.futures import Future


class Executor(Protocol):
    """Runs jobs: :meth:`map` hands results back in the jobs' order (for streaming a dump),
    :meth:`fill` in any order (for filling the cache, where only completion matters)."""

    def map(self, jobs: Iterable[ChunkJob], files: bool = False) -> Iterator[ChunkResult]: ...

    def fill(self, jobs: Iterable[ChunkJob]) -> Iterator[tuple[ChunkJob, ChunkResult]]: ...

    def close(self) -> None: ...


class InlineExecutor:
    """Runs every job in this process, one after the other."""

    def map(self, jobs: Iterable[ChunkJob], files: bool = False) -> Iterator[ChunkResult]:
        return (run_chunk(job) for job in jobs)

    def fill(self, jobs: Iterable[ChunkJob]) -> Iterator[tuple[ChunkJob, ChunkResult]]:
        return ((job, run_chunk(job)) for job in jobs)

    def close(self) -> None:
        pass


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the process that made it dies (even SIGKILL)."""
    malloc.keep_freed_memory()  # a worker is datagen's own (under fork it has it already)
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's handler, inherited by fork


def _run_to_file(job: ChunkJob, spool: str) -> ChunkResult:
    """Run a streamed job in a worker and leave its bytes in a file of ``spool``: the parent
    reads them from the page cache instead of unpickling them from a pipe."""
    result = run_chunk(job)
    if result.data is None:
        return result
    path = None
    try:
        fd, path = tempfile.mkstemp(dir=spool, prefix="chunk-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(result.data)
    except OSError:  # no room in the temporary folder: the bytes go through the pipe instead
        if path is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)
        return result
    return ChunkResult(result.rows, file=path)


def _collect(result: ChunkResult) -> ChunkResult:
    """A result with its bytes in memory (read from its spool file, which goes)."""
    if result.file is None:
        return result
    with open(result.file, "rb") as fh:
        data = fh.read()
    os.unlink(result.file)
    return ChunkResult(result.rows, data=data)


def _spool() -> str:
    """A private temporary folder for streamed chunks, named by host and pid; the folders of
    killed runs on this host (whose pid is gone) are removed first."""
    from ..fileio import HOST, alive  # local: the build's workers never stream

    prefix = f"datagen-chunks-{HOST}.{os.getpid()}."
    for old in glob.glob(os.path.join(tempfile.gettempdir(), f"datagen-chunks-{HOST}.*.*")):
        pid = os.path.basename(old)[len(f"datagen-chunks-{HOST}.") :].split(".")[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return tempfile.mkdtemp(prefix=prefix)


class ProcessExecutor:
    """A pool of worker processes; :meth:`map` keeps at most ``2 * workers`` jobs in flight.

    Streamed chunks come back through files in a private temporary folder (removed on
    :meth:`close`), not pickled through the pool's pipe: a 10 MB chunk costs the parent one
    read instead of an unpickling of 150 pipe reads."""

    def __init__(self, workers: int) -> None:
        # multiprocessing and ctypes load here: a one-process run never needs them
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self.pool = ProcessPoolExecutor(workers, initializer=_die_with_parent)
        self.spool: str | None = None

    def map(self, jobs: Iterable[ChunkJob], files: bool = False) -> Iterator[ChunkResult]:
        """Results in job order; with ``files``, a result may name the spool file that holds
        its bytes instead (the caller copies it, and removes it before taking the next)."""
        window = 2 * self.workers
        if self.spool is None:
            self.spool = _spool()
        collect = (lambda r: r) if files else _collect
        pending: deque[Future[ChunkResult]] = deque()
        for job in jobs:
            pending.append(self.pool.submit(_run_to_file, job, self.spool))
            if len(pending) >= window:
                yield collect(pending.popleft().result())
        while pending:
            yield collect(pending.popleft().result())

    def fill(self, jobs: Iterable[ChunkJob]) -> Iterator[tuple[ChunkJob, ChunkResult]]:
        # results are small metas: every job is queued at once, none waits behind a slow one
        from concurrent.futures import as_completed

        futures = {self.pool.submit(run_chunk, job): job for job in jobs}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()

    def close(self) -> None:
        try:
            self.pool.shutdown(cancel_futures=True)
        finally:
            if self.spool is not None:
                shutil.rmtree(self.spool, ignore_errors=True)
                self.spool = None


def local_executor(jobs: int) -> Executor:
    """In this process for one job, a process pool for more."""
    if malloc.requested:  # the datagen command's process (never a program using the library)
        malloc.keep_freed_memory()
    return ProcessExecutor(jobs) if jobs > 1 else InlineExecutor()


EXECUTORS = ("local", "dask")


class ClusterError(DatagenError):
    """A cluster's scheduler cannot be reached, went away, or its workers do not share the
    repository's cache."""


def executor_for(kind: str, jobs: int, scheduler: str | None = None) -> Executor:
    """``local``: :func:`local_executor` of ``jobs`` processes; ``dask``: a
    :class:`~datagen.pipeline.dask_executor.DaskExecutor` on the scheduler at ``scheduler``, or
    on a local cluster of ``jobs`` workers (of one per core with ``jobs`` 1)."""
    if kind == "dask":
        from .dask_executor import DaskExecutor

        return DaskExecutor(scheduler, jobs if jobs > 1 else None)
    if kind != "local":
        raise UsageError(f"unknown executor {kind!r} (executors: {', '.join(EXECUTORS)})")
    return local_executor(jobs)
