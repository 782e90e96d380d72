"""``datagen build / plan / check / verify / gc``: the repository verbs over the doit tasks."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from doit.cmd_base import TaskLoader2
from doit.doit_cmd import DoitMain
from doit.loader import load_tasks

from .. import stamp
from ..errors import CacheError, DatagenError, PlanError, SpecError, UsageError, suggest
from ..locations import location, read_only, stamp_key
from . import generations, parts
from .actions import lock_ok, output_meta, output_ok
from .cache import Cache, warn
from .doitdb import repair_doit_db
from .fill import Runner, fill_cache
from .generations import referenced_objects
from .keys import diff
from .locks import check_lock, compare_locks, output_problems, read_lock
from .project import Project, SpecBuild, compile_spec, remove_stale_outputs
from .report import BuildReport, Reporter, only_columns
from .store import shared
from .tasks import DOIT_CONFIG, project_tasks


class BuildError(DatagenError):
    """A build ran and some task failed."""


def select(project: Project, names: list[str] | None) -> list[SpecBuild]:
    """Compile the named specs (all by default); one SpecError lists every problem of all."""
    specs = project.specs()
    stems = [p.stem for p in specs]
    if not specs:
        raise PlanError(f"no specs in {project.datasets} (datasets/NAME.yaml)")
    for stem, paths in project.stem_clashes().items():
        if not names or stem in names:
            raise PlanError(project.clash_message(stem, paths))
    for n in names or []:
        if n not in stems:
            hint = suggest(n, stems) or f"datasets: {', '.join(stems)}"
            raise PlanError(f"no dataset {n!r} in {project.datasets} ({hint})")
    problems = []
    out = []
    for p in specs:
        if names and p.stem not in names:
            continue
        try:
            out.append(compile_spec(p))
        except SpecError as e:
            problems += e.problems
    if problems:
        raise SpecError(problems)
    names_seen: dict[str, Path] = {}
    for c in out:
        other = names_seen.setdefault(c.dataset.name, c.path)
        if other != c.path:
            raise PlanError(
                f"{c.path} and {other} both name their dataset {c.dataset.name!r}: their dumps "
                "would overwrite each other (rename one)"
            )
    return out


# ---- running doit ------------------------------------------------------------------------------


class _Loader(TaskLoader2):
    """Feeds doit the task creator of :mod:`datagen.pipeline.tasks` for one project."""

    def __init__(self, project: Project, names: list[str] | None, reporter: Reporter) -> None:
        super().__init__()
        self.project, self.names, self.reporter = project, names, reporter

    def load_doit_config(self) -> dict[str, Any]:
        return {
            **DOIT_CONFIG,
            "dep_file": str(self.project.root / DOIT_CONFIG["dep_file"]),
            "reporter": self.reporter,
        }

    def load_tasks(self, cmd, pos_args):
        project, names = self.project, self.names

        def task_datagen():
            yield from project_tasks(project, names)

        return load_tasks({"task_datagen": task_datagen}, self.cmd_names, cmd.execute_tasks)


def run_doit(
    project: Project,
    names: list[str] | None,
    jobs: int | Runner = 1,
    specs: list[SpecBuild] | None = None,
) -> BuildReport:
    """Run a build: the executor makes the missing chunks, then doit writes manifests, dumps and
    locks (its chunk tasks find their objects made); BuildError if anything failed."""
    project.cache_dir.mkdir(parents=True, exist_ok=True)
    repair_doit_db(project.root / DOIT_CONFIG["dep_file"])
    report = BuildReport()
    runner = jobs if isinstance(jobs, Runner) else Runner(jobs)
    specs = specs if specs is not None else select(project, names)
    fill_cache(project, specs, runner, report)
    reporter = Reporter(sys.stdout, {"failure_verbosity": 0}, report)
    code = DoitMain(_Loader(project, names, reporter)).run(["run"])
    if code != 0:
        raise BuildError(f"build failed ({', '.join(report.failed) or f'doit exit code {code}'})")
    return report


def build(
    root: str | Path,
    names: list[str] | None = None,
    jobs: int = 1,
    out: TextIO | None = None,
    deep: bool = False,
    executor: str | None = None,
    scheduler: str | None = None,
    cache: str | None = None,
    publish: str | None = None,
) -> BuildReport:
    """Build the datasets of a repository incrementally; print what was regenerated. ``cache``
    (else ``DATAGEN_CACHE``) names a shared cache to copy chunks from and publish them to
    (:mod:`datagen.pipeline.store`); ``publish`` a folder or URL to put the dumps at too. ``deep``
    first reads every cache object the build uses against its digest (see :func:`deep_check`).
    Chunks are made by ``jobs`` processes, or on a Dask cluster (``executor`` ``dask``, at
    ``scheduler`` or a local one; see :class:`Runner`). A build of them all then removes the
    cache objects of builds older than the last ``DATAGEN_CACHE_KEEP``."""
    runner = Runner.of(jobs, executor, scheduler)
    setting = os.environ.get(generations.KEEP_VARIABLE)
    keep = generations.keep_setting(setting) if not names else None  # a part never prunes
    project = Project(Path(root).resolve(), store=location(cache), publish=not read_only())
    where = location(publish, variable=None)
    if project.store is not None:
        if Path(project.store).resolve() in (project.cache_dir, project.root):
            raise UsageError(f"the shared cache {project.store} is the repository or its cache/")
        shared(project.store)  # a location fsspec cannot open fails here, before any work
    if where is not None:
        if Path(where).resolve() == project.root:
            raise UsageError(f"--publish {where}: that is the repository itself; name another")
        shared(where, "--publish")  # as for --cache: before any work
    compiled = select(project, names)
    started = generations.clock(project.cache_dir) if keep is not None else None
    stamp.remove(project.root)  # written again below once the whole repository is built
    if deep:
        for line in deep_check(project, compiled):
            print(line, file=out or sys.stdout)
    report = run_doit(project, names, runner, compiled)
    for line in report.lines(compiled, project):
        print(line, file=out or sys.stdout)
    if report.published:
        line = f"cache: published {report.published} chunks of cache/ to {project.store}"
        print(line, file=out or sys.stdout)
    for line in publish_dumps(project, compiled, where) if where else []:
        print(line, file=out or sys.stdout)
    objects = referenced_objects(project, compiled)
    changed = generations.record(project.cache_dir, objects, [c.stem for c in compiled])
    if keep is not None and changed:  # unchanged: the last prune still holds
        try:
            files, size = generations.prune(project, objects, keep, since_ns=started)
        except OSError as e:  # the build is done and whole: its prune can wait
            warn(f"cannot remove old cache objects ({e}); `datagen gc --keep {keep}` will")
            files = size = 0
        if files:
            print(f"cache: removed {files} files ({size:,} bytes) of builds before the last {keep}",
                  file=out or sys.stdout)  # fmt: skip
    if names is None:  # the next no-op needs none of this, if all is current now
        seen = stamp.state(project.root, stamp_key(project.store))
        if _current(project, compiled) and report.unpublished is None:
            lines = [f"{c.stem}: up to date" for c in compiled]
            stamp.write(project.root, lines, seen, stamp_key(project.store))
    return report


def publish_dumps(project: Project, compiled: list[SpecBuild], where: str) -> list[str]:
    """``build --publish LOCATION``: put each dump of ``compiled`` (built, with its output meta
    in ``cache/outputs/``) at ``LOCATION/build/FILE``; a line per dataset whose dumps changed
    there."""
    there, lines = shared(where, "--publish"), []
    for c in compiled:
        sent = []
        for fmt in c.formats:
            out = c.output_path(project, fmt)
            meta = output_meta(project.output_meta(c.stem, fmt))
            if meta is None:
                raise CacheError(f"{out} has no output meta in {project.cache_dir}: build it")
            name = out.relative_to(project.root).as_posix()
            if there.put_output(out, name, meta["digest"]):
                sent.append(name)
        if sent:
            lines.append(f"{c.stem}: published {', '.join(sent)} to {where}")
    return lines


def deep_check(project: Project, compiled: list[SpecBuild]) -> list[str]:
    """Read every cache object the specs use against the digest in its meta and remove each that
    differs (the build makes it again), and forget every dump of these specs (the build writes
    them all again: one copied from a damaged object, or damaged itself without a change of
    size or time, is then whole). A build otherwise trusts an object whose size and mtime match
    its meta, and copies it into the dumps unread; returns a line per object found damaged.
    What ``cache/shared/`` remembers of a shared cache is forgotten too."""
    cache = Cache(project.cache_dir)
    shutil.rmtree(project.shared_records, ignore_errors=True)  # what the shared cache
    lines = []  # holds is listed again: objects removed from it behind our back are published
    checked: set[tuple[str, str]] = set()  # an object two datasets share is read once
    for c in compiled:
        for key, kind in sorted(referenced_objects(project, [c]) - checked):
            checked.add((key, kind))
            if cache.meta(key, kind) is not None and not cache.valid(key, kind, deep=True):
                cache.remove(key, kind)
                lines.append(f"{c.stem}: cache object {key}.{kind} was damaged; made again")
        for fmt in c.formats:
            project.output_meta(c.stem, fmt).unlink(missing_ok=True)
    return lines


def _current(project: Project, compiled: list[SpecBuild]) -> bool:
    """Whether every lock matches its spec and every dump and lock is up to date (what a no-op
    build and ``check`` would find), and the specs on disk are the ones that were compiled."""
    if sorted(p.stem for p in project.specs()) != sorted(c.stem for c in compiled):
        return False  # a spec added or removed during the build
    for c in compiled:
        try:
            if c.path.read_text("utf-8") != c.text:  # edited during the build
                return False
        except (OSError, ValueError):
            return False
        if check_lock(project, c) or not lock_ok(str(project.root), str(c.path)):
            return False
        if not all(_output_current(project, c, fmt) for fmt in c.formats):
            return False
    return True


def _output_current(project: Project, c: SpecBuild, fmt: str) -> bool:
    """Whether the dump of ``c`` in ``fmt`` is the one its tables and DDL make now."""
    keys = [tk.key for tk in c.keys.values()]
    meta = str(project.output_meta(c.stem, fmt))
    return output_ok(str(c.output_path(project, fmt)), meta, keys, c.toc_digest)


# ---- plan ----------------------------------------------------------------------------------------


def _reasons(old_doc: dict[str, Any] | None, new_doc: dict[str, Any]) -> list[str]:
    if old_doc is None:
        return ["not built before here (no earlier key document in cache/)"]
    out = []
    for change in diff(old_doc, new_doc):
        if change.startswith("parents."):
            parent = change.removeprefix("parents.").split(":")[0].split(" ")[0]
            out.append(f"keys of {parent} changed")
        elif change.startswith("ddl:"):
            out.append("DDL changed (constraints, indexes, schemas or enum types)")
        else:
            out.append(change.removeprefix("table."))
    return out or ["the cached object is missing or damaged"]


def plan(root: str | Path, names: list[str] | None = None) -> list[str]:
    """What ``build`` would do and why, without doing it."""
    project = Project(Path(root).resolve())
    cache = Cache(project.cache_dir)
    lines = []
    for c in select(project, names):
        lock = read_lock(project, c.stem)[0] or {}  # a malformed lock is rewritten
        locked = lock.get("tables", {})
        work = False
        for q, tk in c.keys.items():
            whole = {ck.key: [cache.valid(ck.key, e) for e in c.encodings()] for ck in tk.chunks}
            cached = sum(map(sum, whole.values()))
            total = len(tk.chunks) * len(c.encodings())
            if cached == total and cache.valid(tk.key, "table"):
                continue
            work = True
            old_key = locked.get(q, {}).get("input_key")
            old_meta = cache.meta(old_key, "table") if old_key else None
            if q not in locked and lock:
                why = ["new table"]
            else:
                why = _reasons(old_meta["document"] if old_meta else None, tk.doc)
            columns = None
            if all(parts.textual(e) for e in c.encodings()):  # INSERTs are generated whole
                missing = [ck.doc for ck in tk.chunks if not all(whole[ck.key])]
                columns = parts.columns_to_make(cache, c.compiled.table_plan(q), missing)
            lines.append(
                f"{c.stem}: {q}: rebuild, {total - cached} of {total} chunks to generate"
                f"{only_columns(columns)} ({'; '.join(why)})"
            )
        for q in sorted(set(locked) - set(c.keys)):
            lines.append(f"{c.stem}: {q}: removed from the spec")
            work = True
        for fmt in c.formats:
            if work or not _output_current(project, c, fmt):
                out = c.output_path(project, fmt)
                lines.append(f"{c.stem}: write {out.relative_to(project.root)}")
                work = True
        if work or not lock_ok(str(project.root), str(c.path)):
            lines.append(f"{c.stem}: write {project.lock_path(c.stem).relative_to(project.root)}")
        else:
            lines.append(f"{c.stem}: up to date")
    return lines


# ---- check / verify ------------------------------------------------------------------------------


def check(root: str | Path, names: list[str] | None = None) -> list[str]:
    """Problems where a lock does not match its spec (nothing is generated); [] when all match."""
    project = Project(Path(root).resolve())
    return [p for c in select(project, names) for p in check_lock(project, c)]


def verify(root: str | Path, names: list[str] | None = None, jobs: int = 1) -> list[str]:
    """Regenerate from scratch in a temporary place; problems where a digest differs, from the
    lock or, for the dumps in build/, from the lock's."""
    project = Project(Path(root).resolve())
    compiled = select(project, names)
    problems = []
    with tempfile.TemporaryDirectory(prefix="datagen-verify-") as tmp:
        scratch = Project(Path(tmp))
        scratch.datasets.mkdir()
        for c in compiled:
            shutil.copyfile(c.path, scratch.datasets / c.path.name)
        run_doit(scratch, [c.stem for c in compiled], jobs)
        for c in compiled:
            name = str(project.lock_path(c.stem).relative_to(project.root))
            lock, problem = read_lock(project, c.stem)
            if problem or lock is None:
                problems.append(problem or f"{name}: missing (run 'datagen build {c.stem}')")
                continue
            fresh = read_lock(scratch, c.stem)[0] or {}
            problems += compare_locks(name, lock, fresh)
            problems += output_problems(project, c, lock, scratch)
    return problems


def gc(root: str | Path, keep: int = 0) -> tuple[int, int]:
    """Remove cache objects no current spec references (nor, with ``keep``, the ``keep`` most
    recent earlier builds), and the dumps in build/ (with their metas) no current spec writes;
    returns (files, bytes) removed."""
    project = Project(Path(root).resolve())
    specs = select(project, None)
    files, size = generations.prune(project, referenced_objects(project, specs), keep)
    more, more_size = remove_stale_outputs(project, specs)
    return files + more, size + more_size
