"""doit tasks that build every ``datasets/*.yaml`` of a repository into ``build/``.

A user's ``dodo.py`` is one line, ``from datagen.pipeline.tasks import *``, and plain ``doit``
(``list``, ``info``, ``clean``, ``forget``, ``-n N``) works; ``datagen build`` runs the same task
creator through doit's API. Per dataset (basename = the spec's file stem):

- ``NAME:TABLE/ENC-i``  one chunk of a table's rows, encoded (``copy`` text or ``inserts``),
  stored in the cache under its input key;
- ``NAME:TABLE``        the table's manifest: its chunks, byte count, digest, key-projection digest;
- ``NAME:dump-FORMAT``  the dump in ``build/``, concatenated from the cached chunks;
- ``NAME:lock``         ``datasets/NAME.lock.json``.

Actions are module-level functions taking plain values (the spec's text, not a parsed object), so
they run the same under the fork, spawn and forkserver start methods.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xxhash
from doit.exceptions import TaskFailed

from .. import textops
from ..errors import CacheError, PlanError, SpecError
from ..fileio import atomic_write, file_digest, read_json, stable_json, write_json
from ..plan import CHUNK_ROWS, Compiled, compile_document, generate_chunk
from ..spec.load import load_text
from ..spec.model import Dataset
from ..versions import byte_shaping_versions
from ..writers import FORMATS, WRITERS, Toc, writer_for
from ..writers.codecs import copy_text, encode
from .cache import Cache
from .keys import TableKey, compute_keys

__all__ = ["DOIT_CONFIG", "task_datagen"]

DOIT_CONFIG = {
    "dep_file": "cache/doit.sqlite3",
    "backend": "sqlite3",
    # our cache checks content itself; doit only needs to notice that a file was replaced
    "check_file_uptodate": "timestamp",
}

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


def compile_spec(path: Path) -> SpecBuild:
    """Read and validate one spec; SpecError lists its problems."""
    return _spec_build(path.read_text("utf-8"), str(path))


@functools.lru_cache(maxsize=16)
def _spec_build(text: str, file: str) -> SpecBuild:
    """Compiled once per process and spec text (task creation, up-to-date checks, the lock)."""
    path = Path(file)
    c = _compile_text(text, file)
    return SpecBuild(path.stem, path, text, c, compute_keys(c))


@functools.lru_cache(maxsize=16)
def _compile_text(text: str, file: str) -> Compiled:
    return compile_document(load_text(text, file, "json" if file.endswith(".json") else None))


@functools.lru_cache(maxsize=8)
def _plan(text: str, file: str) -> tuple[Compiled, Toc]:
    """The compiled plan and the dump's TOC for a spec text, built once per process."""
    c = _compile_text(text, file)
    return c, Toc.from_dataset(c.dataset)


# ---- actions (module level, plain arguments) -------------------------------------------------


def build_chunk(
    text: str,
    file: str,
    cache_dir: str,
    table: dict[str, Any],
    chunk: dict[str, Any],
    encoding: str,
) -> dict[str, Any]:
    """Generate one chunk of a table's rows, encode them, store them under the chunk's key.

    ``table`` holds the table's ``qualname`` and ``key_columns``; ``chunk`` its ``key``, ``start``,
    ``stop`` and key ``document``.
    """
    cache = Cache(cache_dir)
    if cache.valid(chunk["key"], encoding):
        return {"reused": True}
    tplan = _plan(text, file)[0].table_plan(table["qualname"])
    start, stop = chunk["start"], chunk["stop"]
    cols = generate_chunk(tplan, start, stop)
    data = encode(encoding, tplan.table, cols)
    names = [c.name for c in tplan.table.columns]
    keys = [copy_text(cols[names.index(c)]) for c in table["key_columns"]]
    key_digest = xxhash.xxh3_128_hexdigest(textops.join_rows(keys, b"\t", b"\n")) if keys else None
    cache.put(chunk["key"], encoding, [data], chunk["document"], rows=stop - start,
              key_digest=key_digest)  # fmt: skip
    return {"reused": False}


def _rebuild_chunk(
    cache: Cache, text: str, file: str, tk: dict[str, Any], ck: dict[str, Any], encoding: str
) -> None:
    """Generate a chunk again whose object was lost or damaged after its task ran."""
    cache.remove(ck["key"], encoding)
    build_chunk(text, file, str(cache.root), tk, ck, encoding)


def _combine(digests: list[str]) -> str:
    """The digest of a sequence of chunk digests (a table's digest, without re-reading data)."""
    return xxhash.xxh3_128_hexdigest("\n".join(digests).encode())


def _chunk_pieces(
    cache: Cache, text: str, file: str, tk: dict[str, Any], encoding: str
) -> Iterator[bytes]:
    """A table's data from its cached chunks; a damaged chunk is regenerated, never shipped."""
    for ck in tk["chunks"]:
        try:
            yield b"".join(cache.stream(ck["key"], encoding))
        except CacheError:
            _rebuild_chunk(cache, text, file, tk, ck, encoding)
            yield cache.read(ck["key"], encoding)


def build_table(text: str, file: str, cache_dir: str, tk: dict[str, Any], encodings: list[str]):
    """Check a table's chunks and write its manifest: sizes and digests over its chunks."""
    cache = Cache(cache_dir)
    if cache.valid(tk["key"], "table"):
        return {"reused": True}
    manifest: dict[str, Any] = {"input_key": tk["key"], "rows": tk["rows"], "encodings": {}}
    for enc in encodings:
        metas = []
        for ck in tk["chunks"]:
            if not cache.valid(ck["key"], enc):
                _rebuild_chunk(cache, text, file, tk, ck, enc)
            metas.append(cache.meta(ck["key"], enc))
        manifest["encodings"][enc] = {
            "bytes": sum(m["size"] for m in metas),
            "digest": _combine([m["digest"] for m in metas]),
        }
    key_digests = [cache.meta(ck["key"], encodings[0])["key_digest"] for ck in tk["chunks"]]
    manifest["key_digest"] = _combine(key_digests) if tk["key_columns"] else None
    manifest["chunks"] = [ck["key"] for ck in tk["chunks"]]
    cache.put(tk["key"], "table", [b""], tk["document"], manifest=manifest)
    return {"reused": False}


def assemble(
    text: str,
    file: str,
    cache_dir: str,
    fmt: str,
    tables: list[dict[str, Any]],
    out: str,
    meta_path: str,
) -> None:
    """Write one dump in ``build/`` from the cached chunks, atomically, and record its digest."""
    cache = Cache(cache_dir)
    writer = writer_for(fmt)
    encoding = writer.encoding
    by_name = {tk["qualname"]: tk for tk in tables}

    def encoded(qualname: str) -> Iterator[bytes]:
        return _chunk_pieces(cache, text, file, by_name[qualname], encoding)

    def table_size(qualname: str) -> int:  # from build_table's manifest, before any byte is read
        manifest = cache.meta(by_name[qualname]["key"], "table")["manifest"]
        return manifest["encodings"][encoding]["bytes"]

    pieces = writer.pieces(_plan(text, file)[1], encoded, table_size)
    size, dig = atomic_write(Path(out), pieces)
    write_json(
        Path(meta_path),
        {
            "file": out,
            "bytes": size,
            "digest": dig,
            "mtime_ns": Path(out).stat().st_mtime_ns,
            "tables": [tk["key"] for tk in tables],
        },
    )


def lock_text(project: Project, spec: Path) -> str:
    """The lock file a build of ``spec`` writes, from the cache's manifests and output metas."""
    c = compile_spec(spec)
    cache = Cache(project.cache_dir)
    tables = {}
    for q, tk in c.keys.items():
        meta = cache.meta(tk.key, "table")
        m = meta["manifest"] if meta else {}
        enc = m.get("encodings", {}).get("copy") or next(iter(m.get("encodings", {}).values()), {})
        tables[q] = {
            "input_key": tk.key,
            "rows": tk.rows,
            "bytes": enc.get("bytes"),
            "digest": enc.get("digest"),
            "key_digest": m.get("key_digest"),
        }
    outputs = {}
    for fmt in c.formats:
        meta = _read_json(project.output_meta(c.stem, fmt))
        outputs[fmt] = {
            "file": os.path.relpath(c.output_path(project, fmt), project.root),
            "bytes": meta.get("bytes"),
            "digest": meta.get("digest"),
        }
    return stable_json(
        {
            "dataset": c.dataset.name,
            "spec": c.path.name,
            "chunk_rows": CHUNK_ROWS,
            "versions": byte_shaping_versions(),
            "tables": tables,
            "outputs": outputs,
        }
    )


def write_lock(root: str, spec: str) -> None:
    project = Project(Path(root))
    atomic_write(project.lock_path(Path(spec).stem), [lock_text(project, Path(spec)).encode()])


def _read_json(path: Path) -> dict[str, Any]:
    return read_json(path) or {}


# ---- up-to-date checks ------------------------------------------------------------------------


def object_ok(cache_dir: str, key: str, kind: str) -> bool:
    return Cache(cache_dir).valid(key, kind)


def output_ok(out: str, meta_path: str, table_keys: list[str]) -> bool:
    meta = _read_json(Path(meta_path))
    try:
        st = Path(out).stat()
    except FileNotFoundError:
        return False
    if meta.get("tables") != table_keys or st.st_size != meta.get("bytes"):
        return False
    return st.st_mtime_ns == meta.get("mtime_ns") or file_digest(Path(out))[1] == meta["digest"]


def lock_ok(root: str, spec: str) -> bool:
    """The lock says what a fresh write would say."""
    project = Project(Path(root))
    try:
        current = project.lock_path(Path(spec).stem).read_text("utf-8")
        return lock_text(project, Path(spec)) == current
    except (FileNotFoundError, SpecError, PlanError):
        return False


def report_invalid(message: str) -> TaskFailed:
    return TaskFailed(message)


# ---- task creation ----------------------------------------------------------------------------


def _tk_dict(tk: TableKey) -> dict[str, Any]:
    return {
        "qualname": tk.qualname,
        "key": tk.key,
        "rows": tk.rows,
        "document": tk.doc,
        "key_columns": tk.key_columns,
        "chunks": [
            {"key": ck.key, "start": ck.start, "stop": ck.stop, "document": ck.doc}
            for ck in tk.chunks
        ],
    }


def dataset_tasks(project: Project, c: SpecBuild) -> Iterator[dict[str, Any]]:
    """Every task of one dataset."""
    cache = Cache(project.cache_dir)
    cache_dir, file = str(project.cache_dir), str(c.path)
    base = c.stem
    yield {"basename": base, "name": None, "doc": f"build dataset {c.dataset.name} ({c.path})"}
    encodings = c.encodings()
    tables = []
    for q, tk in c.keys.items():
        tkd = _tk_dict(tk)
        tables.append(tkd)
        table = {"qualname": q, "key_columns": tk.key_columns}  # all a chunk task needs
        deps = []
        for ck, chunk in zip(tk.chunks, tkd["chunks"], strict=True):
            for enc in encodings:
                target = cache.path(ck.key, enc)
                deps.append(str(target))
                yield {
                    "basename": base,
                    "name": f"{q}/{enc}-{ck.index}",
                    "doc": f"rows {ck.start}..{ck.stop - 1} of {q} ({enc})",
                    "actions": [(build_chunk, [c.text, file, cache_dir, table, chunk, enc])],
                    "targets": [str(target)],
                    "uptodate": [(object_ok, [cache_dir, ck.key, enc])],
                    "clean": True,
                }
        yield {
            "basename": base,
            "name": q,
            "doc": f"table {q}: {tk.rows} rows in {len(tk.chunks)} chunks",
            "actions": [(build_table, [c.text, file, cache_dir, tkd, encodings])],
            "file_dep": deps,
            "targets": [str(cache.meta_path(tk.key, "table"))],
            "uptodate": [(object_ok, [cache_dir, tk.key, "table"])],
            "clean": True,
        }
    manifests = [str(cache.meta_path(tk.key, "table")) for tk in c.keys.values()]
    metas = []
    for fmt in c.formats:
        out = c.output_path(project, fmt)
        meta = project.output_meta(c.stem, fmt)
        metas.append(str(meta))
        yield {
            "basename": base,
            "name": f"dump-{fmt}",
            "doc": f"write {os.path.relpath(out, project.root)}",
            "actions": [(assemble, [c.text, file, cache_dir, fmt, tables, str(out), str(meta)])],
            "file_dep": manifests,
            "targets": [str(out), str(meta)],
            "uptodate": [(output_ok, [str(out), str(meta), [tk["key"] for tk in tables]])],
            "clean": True,
        }
    yield {
        "basename": base,
        "name": "lock",
        "doc": f"write {os.path.relpath(project.lock_path(c.stem), project.root)}",
        "actions": [(write_lock, [str(project.root), file])],
        "file_dep": manifests + metas,
        "targets": [str(project.lock_path(c.stem))],
        "uptodate": [(lock_ok, [str(project.root), file])],
    }


def project_tasks(project: Project, names: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Tasks of every dataset (or of ``names``) of a repository."""
    project.cache_dir.mkdir(parents=True, exist_ok=True)
    project.build_dir.mkdir(parents=True, exist_ok=True)
    seen: dict[str, Path] = {}
    for path in project.specs():
        if names and path.stem not in names:
            continue
        try:
            c = compile_spec(path)
        except (SpecError, PlanError) as e:
            yield {
                "basename": path.stem,
                "doc": f"INVALID spec {path}",
                "actions": [(report_invalid, [str(e)])],
                "verbosity": 2,
            }
            continue
        if c.dataset.name in seen:
            yield {
                "basename": path.stem,
                "doc": f"INVALID spec {path}",
                "actions": [
                    (
                        report_invalid,
                        [
                            f"{path}: dataset name {c.dataset.name!r} is also used by "
                            f"{seen[c.dataset.name]}; their dumps would overwrite "
                            "each other"
                        ],
                    )
                ],
            }
            continue
        seen[c.dataset.name] = path
        yield from dataset_tasks(project, c)


def task_datagen() -> Iterator[dict[str, Any]]:
    """Build every dataset in datasets/ into build/ (see ``datagen build --help``)."""
    yield from project_tasks(Project(Path.cwd()))
