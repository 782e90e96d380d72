"""Chunk jobs on a Dask cluster: ``datagen build --executor dask [--scheduler ADDRESS]``.

The same jobs as the local executor (:func:`~datagen.pipeline.jobs.run_chunk`, pure functions of
plain data), submitted to Dask's distributed scheduler: to the one at ``ADDRESS`` (``tcp://...``,
a ``dask scheduler`` or any cluster manager's), or without one to a ``LocalCluster`` of worker
processes started for the build and stopped after it. Workers write each chunk into the cache
themselves and hand back its meta alone: the client never holds chunk data. Every worker must
see the repository's ``cache/`` at the same path (one machine, or a shared filesystem), or the
build must have a shared cache (``--cache s3://...``): workers then publish each chunk there,
and the client copies it into ``cache/``.

A task's key is its chunk's cache key and encoding and its cache's path, so a chunk is one task
however many datasets hold it; the scheduler runs a task whose worker died again on another
(``distributed.scheduler.allowed-failures`` times, 3 by default), and a chunk written before is
reused by the next build. Results are the same bytes as ``build -j 1``,
whatever the number of workers. ``distributed`` is an optional dependency
(``pip install 'datagen[dask]'``).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError
from typing import Any

import xxhash

from ..errors import DatagenError, UsageError
from .executors import ClusterError
from .jobs import ChunkJob, ChunkResult, run_chunk

WAIT_FOR_WORKERS = 60  # seconds a scheduler may have no worker before the build gives up


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError(
            "--executor dask needs Dask's distributed scheduler: pip install 'datagen[dask]'"
        ) from None
    return distributed


def _run(job: ChunkJob) -> ChunkResult:
    """A chunk job on a Dask worker (a process of datagen's own: it keeps freed memory).

    With a shared cache, a worker that does not see the repository's ``cache/`` (another
    machine), or is told not to trust the one it sees (``DATAGEN_WORKER_SCRATCH=1``: containers
    that each mount their own folder at that path), makes the chunk in a temporary folder and
    publishes it to the shared cache alone; the client copies it from there (without a shared
    cache, the client then finds the chunk nowhere, and says so)."""
    from .. import malloc

    malloc.keep_freed_memory()
    scratch = os.environ.get("DATAGEN_WORKER_SCRATCH", "") not in ("", "0")
    if job.cache_dir is None or not (scratch or (job.store and not os.path.isdir(job.cache_dir))):
        return run_chunk(job)
    with tempfile.TemporaryDirectory(prefix="datagen-chunk-") as tmp:
        return run_chunk(dataclasses.replace(job, cache_dir=tmp), must_publish=True)


def task_key(job: ChunkJob) -> str | None:
    """A job's Dask key: its chunk's cache key and encoding, and the cache it is written to (two
    repositories building the same chunk on one cluster at once are two tasks, not one whose
    object lands in one cache only)."""
    if job.key is None:
        return None
    where = xxhash.xxh3_64_hexdigest(os.path.abspath(job.cache_dir or "").encode())
    return f"datagen-chunk-{job.key}-{job.encoding}-{where}"


class DaskExecutor:
    """Runs chunk jobs on a Dask cluster (see the module's documentation)."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        distributed = _distributed()
        self.cluster = None
        self.where = scheduler or "a local cluster"
        try:
            if scheduler:
                self.client = distributed.Client(scheduler, timeout="10s")
                self.client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
            else:
                self.cluster = distributed.LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,  # a chunk job holds the GIL: one per process
                    processes=True,
                    dashboard_address=":0",  # any free port: 8787 may be another cluster's
                )
                self.client = distributed.Client(self.cluster)
        except ValueError as e:  # "missing port number in address 'foo'"
            self.close()
            raise ClusterError(
                f"{scheduler!r} is not a Dask scheduler address ({e}); write tcp://HOST:PORT"
            ) from None
        except (OSError, TimeoutError, RuntimeError) as e:  # RuntimeError: a cluster not started
            self.close()
            what = "has no workers" if "workers" in str(e) else "cannot be reached"
            raise ClusterError(f"the Dask scheduler at {self.where} {what} ({e})") from None

    def _submit(self, job: ChunkJob) -> Any:
        # no retries: a chunk that raised raises again (its error is deterministic); a chunk
        # whose worker died is run again by the scheduler (distributed.scheduler.allowed-failures)
        return self.client.submit(_run, job, key=task_key(job), pure=False)

    def map(self, jobs: Iterable[ChunkJob], files: bool = False) -> Iterator[ChunkResult]:
        """Results in job order (with their data: for a build, results are metas)."""
        for fut in [self._submit(job) for job in jobs]:
            yield self._result(fut)

    def run(self, job: ChunkJob) -> ChunkResult:
        """One job, waited for."""
        return self._result(self._submit(job))

    def fill(self, jobs: Iterable[ChunkJob]) -> Iterator[tuple[ChunkJob, ChunkResult]]:
        from distributed import as_completed

        futures = {self._submit(job): job for job in jobs}
        for fut in as_completed(futures):
            yield futures[fut], self._result(fut)

    def _result(self, fut: Any) -> ChunkResult:
        try:
            result: ChunkResult = fut.result()
        except DatagenError:
            raise
        except (OSError, TimeoutError, CancelledError) as e:  # CommClosedError is an OSError;
            # a scheduler gone for good cancels the client's futures
            raise ClusterError(
                f"lost the Dask scheduler at {self.where} ({type(e).__name__}: {e}); the chunks "
                "made so far are in the cache: run the build again to make the rest"
            ) from None
        except Exception as e:
            if type(e).__name__ != "KilledWorker":
                raise
            raise ClusterError(
                f"a chunk killed every Dask worker that ran it ({e}); the chunks made so far "
                "are in the cache"
            ) from None
        return result

    def close(self) -> None:
        client, cluster = getattr(self, "client", None), self.cluster
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


_executors: dict[str, DaskExecutor] = {}  # scheduler address -> this process's client of it
_lock = threading.Lock()  # doit -P thread runs tasks in threads


def run_on(scheduler: str, job: ChunkJob) -> ChunkResult:
    """One job on the scheduler at ``scheduler``, waited for: how plain ``doit``'s chunk tasks
    use a cluster (``DATAGEN_SCHEDULER``). One client per process and address, kept open."""
    with _lock:
        if scheduler not in _executors:
            _executors[scheduler] = DaskExecutor(scheduler)
        executor = _executors[scheduler]
    return executor.run(job)
