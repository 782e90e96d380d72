"""Making the chunks a build's cache lacks: on ``-j`` local processes or a Dask cluster (a
:class:`Runner` says which), each copied from the shared cache instead when that holds it; and
publishing to the shared cache the chunks of ``cache/`` it lacks."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import xxhash

from ..errors import CacheError, DatagenError, UsageError
from ..fileio import write_json
from . import store
from .cache import Cache, warn
from .executors import EXECUTORS, ClusterError, executor_for
from .jobs import ChunkJob
from .project import Project, SpecBuild, chunk_owners
from .report import BuildReport
from .store import shared


@dataclass(frozen=True)
class Runner:
    """Where a build's chunks are made: ``jobs`` local processes, or a Dask cluster (the one
    at ``scheduler``, or a local one of ``jobs`` workers); see :func:`executor_for`."""

    jobs: int = 1
    executor: str = "local"
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise UsageError(
                f"unknown executor {self.executor!r} (executors: {', '.join(EXECUTORS)})"
            )
        if self.scheduler and self.executor != "dask":
            raise UsageError("a scheduler address is for the dask executor (--executor dask)")

    @classmethod
    def of(cls, jobs: int, executor: str | None, scheduler: str | None) -> Runner:
        """What the command line says, else ``DATAGEN_EXECUTOR`` and ``DATAGEN_SCHEDULER``."""
        env = os.environ
        executor = executor or env.get("DATAGEN_EXECUTOR") or None
        if executor != "local":  # an explicit local build ignores DATAGEN_SCHEDULER
            scheduler = scheduler or env.get("DATAGEN_SCHEDULER") or None
        return cls(jobs, executor or ("dask" if scheduler else "local"), scheduler)


def fill_cache(
    project: Project, specs: list[SpecBuild], runner: Runner, report: BuildReport
) -> None:
    """Make every chunk that the cache lacks, on the runner's executor; each made chunk is
    reported under the name of the doit task that would have made it. With a shared cache,
    then publish the chunks of ``cache/`` it lacks (:func:`publish_missing`)."""
    cache = Cache(project.cache_dir)
    owners = list(chunk_owners(project, specs).values())
    todo: dict[ChunkJob, str] = {
        job: name  # a chunk two datasets share is made once, under its owner's task name
        for name, job in owners
        if not cache.valid(str(job.key), job.encoding)
    }
    if todo:
        _make_missing(project, todo, runner, report)
    if project.store is not None:
        report.published = publish_missing(project, [job for _, job in owners], report)


def _make_missing(
    project: Project, todo: dict[ChunkJob, str], runner: Runner, report: BuildReport
) -> None:
    """Make the chunks of ``todo`` (job -> its doit task's name) on the runner's executor."""
    jobs = min(runner.jobs, len(todo)) if runner.executor == "local" else runner.jobs
    executor = executor_for(runner.executor, jobs, runner.scheduler)
    show = sys.stderr.isatty()
    made = []
    start, rows = time.perf_counter(), 0
    try:
        for i, (job, result) in enumerate(executor.fill(todo), 1):
            if runner.executor != "local" and not _landed(project, job):
                raise ClusterError(
                    f"a worker made {todo[job]} but {project.cache_dir} does not hold it: every "
                    "worker must see the repository's cache/ at the same path (a shared "
                    "filesystem), or publish to a shared cache (--cache LOCATION)"
                )
            if project.store is not None and (result.fetched or result.published is True):
                report.shared.add((str(job.key), job.encoding))
            if isinstance(result.published, str):
                unpublished(project, report, result.published)
            if result.fetched:
                report.fetched.append(todo[job])
            elif not result.reused:
                made.append(todo[job])
                rows += result.rows
                if result.columns is not None:
                    report.columns[todo[job]] = result.columns
            if show:
                rate = rows / max(time.perf_counter() - start, 1e-9)
                sys.stderr.write(
                    f"\r\x1b[K[{i}/{len(todo)} chunks, {rate:,.0f} rows/s] {todo[job]}"
                )
                sys.stderr.flush()
        order = {name: i for i, name in enumerate(todo.values())}
        report.executed += sorted(made, key=order.__getitem__)  # the report reads in spec order
    finally:
        executor.close()
        if show:
            sys.stderr.write("\r\x1b[K")


def _landed(project: Project, job: ChunkJob) -> bool:
    """Whether a chunk a Dask worker made is in the repository's cache: written there (a worker
    that sees it), or copied now from the shared cache the worker published it to."""
    cache, key = Cache(project.cache_dir), str(job.key)
    if cache.valid(key, job.encoding):
        return True
    return (
        project.store is not None
        and shared(project.store).fetch(cache, key, job.encoding) is not None
    )


def unpublished(project: Project, report: BuildReport, why: str) -> None:
    """Record (and warn, once per build) that chunks of this build are not in the shared cache:
    the build then writes no stamp, so the next one takes the full path and publishes them."""
    assert project.store is not None
    if report.unpublished is None:
        report.unpublished = why
        warning = store.unpublished_warning(project.store, why)
        print(f"datagen: warning: {warning}", file=sys.stderr)


def publish_missing(project: Project, jobs: list[ChunkJob], report: BuildReport) -> int:
    """Publish the chunks of ``jobs`` that ``cache/`` holds and the shared cache lacks (made
    before the build had one, or while it could not be written); how many were published.

    What is known to be there (published or copied by this build or an earlier one) is
    remembered in ``cache/shared/``, so the shared cache is listed only when ``cache/`` holds
    chunks not known to be there, and never by a build that copied or made all it needed. It
    forgets objects that ``cache/`` no longer holds (``gc`` and the prune bound it so)."""
    assert project.store is not None
    if not project.publish or report.unpublished is not None:  # read-only, or failing
        return 0
    there, cache = shared(project.store), Cache(project.cache_dir)
    name = xxhash.xxh3_64_hexdigest(project.store.encode())
    record = project.shared_records / f"{name}.json"
    before = _remembered(record, project.store)
    known = before | report.shared
    wanted = {(str(job.key), job.encoding) for job in jobs}
    unknown = sorted(k for k in wanted - known if cache.valid(*k))
    count = 0
    if unknown:
        try:
            have = there.published()
        except CacheError as e:  # unreachable: nothing this build needed was there to read
            unpublished(project, report, str(e))
            return 0
        for key, enc in unknown:
            meta = cache.meta(key, enc)
            if (key, enc) not in have:
                why = "its meta is gone" if meta is None else there.publish(cache, key, enc, meta)
                if why is not None:
                    unpublished(project, report, why)
                    break
                count += 1
            known.add((key, enc))
    keep = {k for k in known if k in wanted or cache.path(*k).exists()}  # gc bounds it
    if keep != before:
        try:
            objects = sorted(map(".".join, keep))
            write_json(record, {"location": project.store, "objects": objects}, durable=False)
        except DatagenError as e:  # a disk full, say: the next build lists the store again
            warn(f"cannot remember what the shared cache holds ({e})")
    return count


def _remembered(record: Path, where: str) -> set[tuple[str, str]]:
    """The objects ``record`` says the shared cache at ``where`` holds (none if unreadable)."""
    try:
        doc = json.loads(record.read_bytes())
        if doc["location"] != where:
            return set()
        return {(k, kind) for k, _, kind in (str(n).partition(".") for n in doc["objects"])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()
