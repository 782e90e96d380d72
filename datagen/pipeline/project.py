"""A repository's layout (``datasets/``, ``cache/``, ``build/``) and its specs, compiled once.

Each spec becomes a :class:`SpecBuild`: the compiled plan, the input keys of its tables, and the
chunk jobs that fill the cache, the same jobs whether ``datagen build`` runs them through an
executor or plain ``doit`` runs them as tasks.
"""

from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..plan import Compiled
from ..plan.source import SpecRef, compile_ref
from ..spec.model import Dataset
from ..writers import FORMATS, WRITERS
from .jobs import ChunkJob
from .keys import ChunkKey, TableKey, compute_keys

# format -> the chunk encoding it is assembled from
ENCODING = {fmt: w.encoding for fmt, w in WRITERS.items()}
SPEC_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Project:
    """Where a repository keeps its specs, cache and dumps."""

    root: Path

    @property
    def datasets(self) -> Path:
        return self.root / "datasets"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def specs(self) -> list[Path]:
        if not self.datasets.is_dir():
            return []
        return sorted(
            p
            for p in self.datasets.iterdir()
            if p.suffix in SPEC_SUFFIXES and not p.name.endswith(".lock.json")
        )

    def stem_clashes(self) -> dict[str, list[Path]]:
        """Stems that more than one spec file claims (``shop.yaml`` beside ``shop.json``)."""
        by_stem: dict[str, list[Path]] = {}
        for p in self.specs():
            by_stem.setdefault(p.stem, []).append(p)
        return {s: ps for s, ps in by_stem.items() if len(ps) > 1}

    def clash_message(self, stem: str, paths: list[Path]) -> str:
        files = " and ".join(str(p.relative_to(self.root)) for p in paths)
        return (
            f"{files} both define dataset {stem!r} (its lock, tasks and command-line name): "
            "keep one of them"
        )

    def lock_path(self, stem: str) -> Path:
        return self.datasets / f"{stem}.lock.json"

    def output_meta(self, stem: str, fmt: str) -> Path:
        return self.cache_dir / "outputs" / f"{stem}.{fmt}.json"


@dataclass
class SpecBuild:
    """One spec of a repository, compiled, with the input keys of its tables."""

    stem: str
    path: Path
    text: str
    compiled: Compiled
    keys: dict[str, TableKey]

    @property
    def dataset(self) -> Dataset:
        return self.compiled.dataset

    @property
    def formats(self) -> list[str]:
        return list(dict.fromkeys(self.dataset.outputs or ["copy"]))

    def encodings(self) -> list[str]:
        return sorted({ENCODING[f] for f in self.formats})

    def output_path(self, project: Project, fmt: str) -> Path:
        return project.build_dir / FORMATS[fmt][0].format(name=self.dataset.name)

    @functools.cached_property
    def toc_digest(self) -> str:
        """The digest of the dump's DDL in dump order (what a dump holds besides table data)."""
        return self.compiled.toc.digest()

    @property
    def ref(self) -> SpecRef:
        return spec_ref(self.text, str(self.path))

    def jobs(self, project: Project) -> list[tuple[str, ChunkJob]]:
        """Every chunk job of the spec, with the name of the doit task that runs it: the COPY
        text's first (``copy`` sorts before ``zcopyN``), so the deflated chunks of a dataset
        built as both are made from it rather than generated twice."""
        return [
            (f"{self.stem}:{q}/{enc}-{ck.index}", chunk_job(self.ref, project, tk, ck, enc))
            for enc in self.encodings()
            for q, tk in self.keys.items()
            for ck in tk.chunks
        ]


def chunk_owners(
    project: Project, builds: list[SpecBuild]
) -> dict[tuple[str, str], tuple[str, ChunkJob]]:
    """(chunk key, encoding) -> (task name, job), once per cache object: a chunk that several
    datasets hold belongs to the first of them (in ``builds`` order) whose outputs need its
    encoding. ``datagen build``'s executor and the doit tasks both go by this."""
    owners: dict[tuple[str, str], tuple[str, ChunkJob]] = {}
    for c in builds:
        for name, job in c.jobs(project):
            owners.setdefault((str(job.key), job.encoding), (name, job))
    return owners


def spec_ref(text: str, file: str) -> SpecRef:
    """How any process compiles a repository spec: its text and path."""
    return SpecRef(text, file)


def chunk_job(ref: SpecRef, project: Project, tk: TableKey, ck: ChunkKey, enc: str) -> ChunkJob:
    """The job that makes one chunk of a table and stores it under its input key."""
    return ChunkJob(
        ref,
        tk.qualname,
        ck.index,
        ck.start,
        ck.stop,
        enc,
        cache_dir=str(project.cache_dir),
        key=ck.key,
        document=ck.doc,
        key_columns=tuple(tk.key_columns),
    )


def job_from_dicts(
    ref: SpecRef, cache_dir: str, tk: dict[str, Any], ck: dict[str, Any], enc: str
) -> ChunkJob:
    """The same job, from the plain dicts doit tasks carry."""
    return ChunkJob(
        ref,
        tk["qualname"],
        ck["index"],
        ck["start"],
        ck["stop"],
        enc,
        cache_dir=cache_dir,
        key=ck["key"],
        document=ck["document"],
        key_columns=tuple(tk["key_columns"]),
    )


def compile_spec(path: Path) -> SpecBuild:
    """Read and validate one spec; SpecError lists its problems."""
    return _spec_build(path.read_text("utf-8"), str(path))


def remove_stale_outputs(project: Project, specs: list[SpecBuild]) -> tuple[int, int]:
    """Remove the dumps in ``build/`` that none of ``specs`` writes (of a dataset removed or
    renamed) and the output metas in ``cache/outputs/`` of no current spec; (files, bytes)."""
    keep = {s.output_path(project, fmt) for s in specs for fmt in s.formats}
    metas = {project.output_meta(s.stem, fmt) for s in specs for fmt in s.formats}
    suffixes = tuple(pattern.format(name="") for pattern, *_ in FORMATS.values())
    doomed = []
    if project.build_dir.is_dir():
        doomed += [
            p
            for p in project.build_dir.iterdir()
            if (p.is_file() or _is_archive_dir(p))
            and p.name.endswith(suffixes)
            and not p.name.startswith(".")
            and p not in keep
        ]
    outputs = project.cache_dir / "outputs"
    if outputs.is_dir():
        doomed += [p for p in outputs.glob("*.json") if p not in metas]
    files = size = 0
    for p in doomed:
        try:
            if _is_archive_dir(p):
                size += sum(f.stat().st_size for f in p.iterdir())
                shutil.rmtree(p)
            else:
                size += p.stat().st_size
                p.unlink()
            files += 1
        except FileNotFoundError:
            continue
    return files, size


def _is_archive_dir(p: Path) -> bool:
    """A directory archive datagen wrote (removed as one output): it holds ``toc.dat``."""
    return p.is_dir() and not p.is_symlink() and (p / "toc.dat").is_file()


@functools.lru_cache(maxsize=16)
def _spec_build(text: str, file: str) -> SpecBuild:
    """Compiled once per process and spec text (task creation, up-to-date checks, the lock)."""
    path = Path(file)
    c = compile_ref(spec_ref(text, file))
    return SpecBuild(path.stem, path, text, c, compute_keys(c))
