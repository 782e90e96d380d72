"""What a build did: which doit tasks ran or were up to date, and the lines ``build`` prints."""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field

from doit.reporter import ConsoleReporter

from .project import Project, SpecBuild


@dataclass
class BuildReport:
    """Which tasks ran and which were up to date, by dataset."""

    executed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    #: chunk task -> the columns generated for it, where the others came from the cache's
    #: column parts (:mod:`datagen.pipeline.parts`)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: chunk tasks whose objects were copied from the shared cache, not made
    fetched: list[str] = field(default_factory=list)
    #: chunks of cache/ published to the shared cache after the build made what it lacked
    published: int = 0
    #: (key, encoding) of the chunks this build copied from or published to the shared cache
    shared: set[tuple[str, str]] = field(default_factory=set)
    #: why some chunk of cache/ could not be published to the shared cache (None: all were)
    unpublished: str | None = None

    def generated_columns(self, dataset: str, table: str) -> list[str] | None:
        """The columns generated for ``table``'s chunks in this build, in table order, when
        the others were all reused; None when some chunk was generated whole."""
        names = [n for n in self.executed if n.startswith(f"{dataset}:{table}/")]
        if not names or any(n not in self.columns for n in names):
            return None
        seen: dict[str, None] = {}
        for n in names:
            seen.update(dict.fromkeys(self.columns[n]))
        return list(seen)

    def generated(self, fetched: bool = False) -> dict[str, dict[str, int]]:
        """dataset -> table -> number of chunks (row ranges) generated in this build (with
        ``fetched``, copied from the shared cache)."""
        seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for name in self.fetched if fetched else self.executed:
            ds, _, rest = name.partition(":")
            table, slash, chunk = rest.rpartition("/")
            if slash and "-" in chunk:
                seen[ds][table].add(chunk.rsplit("-", 1)[1])
        return {ds: {t: len(c) for t, c in tables.items()} for ds, tables in seen.items()}

    def lines(self, compiled: list[SpecBuild], project: Project) -> list[str]:
        gen, fetched = self.generated(), self.generated(fetched=True)
        lines = []
        for c in compiled:
            g, f = gen.get(c.stem, {}), fetched.get(c.stem, {})
            wrote = [n.split(":", 1)[1] for n in self.executed if n.startswith(f"{c.stem}:dump-")]
            if not g and not wrote and not any(n.startswith(f"{c.stem}:") for n in self.executed):
                lines.append(f"{c.stem}: up to date")
                continue
            total_chunks = {q: len(tk.chunks) for q, tk in c.keys.items()}
            made = {q: only_columns(self.generated_columns(c.stem, q)) for q in g}
            parts = [f"{q} ({n} of {total_chunks[q]} chunks{made[q]})" for q, n in g.items()]
            if parts:
                lines.append(f"{c.stem}: generated {', '.join(parts)}")
            copied = [f"{q} ({n} of {total_chunks[q]} chunks)" for q, n in f.items()]
            if copied:
                lines.append(f"{c.stem}: copied from the shared cache {', '.join(copied)}")
            reused = [q for q in c.keys if q not in g and q not in f]
            if reused:
                lines.append(f"{c.stem}: reused {', '.join(reused)}")
            files = [
                str(c.output_path(project, n.removeprefix("dump-")).relative_to(project.root))
                for n in wrote
            ]
            if any(n == f"{c.stem}:lock" for n in self.executed):
                files.append(str(project.lock_path(c.stem).relative_to(project.root)))
            if files:
                lines.append(f"{c.stem}: wrote {', '.join(files)}")
        return lines


def only_columns(columns: list[str] | None) -> str:
    """``, column X only`` after a chunk count, when some columns came from the cache."""
    if columns is None:
        return ""
    if not columns:
        return ", joined from cached columns"
    return f", column{'s' if len(columns) != 1 else ''} {', '.join(columns)} only"


class Reporter(ConsoleReporter):
    """Collects what ran into its own report; prints failures as doit does and, on a terminal,
    one progress line. One instance per run: doit is handed the instance, not the class."""

    def __init__(self, outstream, options, report: BuildReport) -> None:
        super().__init__(outstream, options)
        self.report = report
        self.total = 0
        self.progress = sys.stderr.isatty()

    def initialize(self, tasks, selected_tasks):
        self.total = sum(1 for t in tasks.values() if t.actions)

    def execute_task(self, task):
        if task.actions and self.report is not None:
            self.report.executed.append(task.name)
        if self.progress and task.actions:
            done = len(self.report.executed) + len(self.report.skipped) if self.report else 0
            sys.stderr.write(f"\r\x1b[K[{done}/{self.total}] {task.name}")
            sys.stderr.flush()

    def skip_uptodate(self, task):
        if self.report is not None:
            self.report.skipped.append(task.name)

    def add_failure(self, task, fail):
        if self.report is not None:
            self.report.failed.append(task.name)
        super().add_failure(task, fail)

    def complete_run(self):
        if self.progress:
            sys.stderr.write("\r\x1b[K")
        if self.failures or self.runtime_errors:
            super().complete_run()
