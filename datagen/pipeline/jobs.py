"""Chunk jobs: plain frozen data, and the one pure function that runs them.

A :class:`ChunkJob` names rows ``start..stop`` of one table, the encoding to write them in, and
(for a build) the cache key to store them under; its :class:`SpecRef` says how any process gets
the compiled plan: the spec's text (compiled once per process) or, for a dataset made in code, its
pickle. :func:`run_chunk` is the only place chunks are made, whether ``datagen generate -j``
streams them, ``datagen build`` fills the cache through an executor, or plain ``doit`` runs a
chunk task: the same job gives the same bytes on any worker, thread or machine.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xxhash

from .. import textops
from ..errors import CacheError
from ..locations import READ_ONLY
from ..plan import TablePlan, generate_chunk, generate_columns
from ..plan.source import SpecRef, compile_ref
from ..writers import deflate
from ..writers.codecs import copy_text, deflate_level, encode
from . import parts
from .cache import Cache
from .store import shared


@dataclass(frozen=True)
class ChunkJob:
    """Rows ``start..stop`` of table ``table``, encoded as ``encoding``.

    With ``cache_dir`` and ``key`` the result is stored in the cache (with ``document``, the key
    document, beside it) and only its meta comes back; without, the bytes come back. With
    ``store`` too, the chunk is copied from that shared cache when it holds it, and published
    to it when made (:mod:`datagen.pipeline.store`).
    """

    spec: SpecRef
    table: str
    index: int
    start: int
    stop: int
    encoding: str
    cache_dir: str | None = None
    key: str | None = None
    document: dict[str, Any] = field(default_factory=dict, compare=False)
    key_columns: tuple[str, ...] = ()
    store: str | None = field(default=None, compare=False)
    publish: bool = field(default=True, compare=False)  # to ``store`` (False: read-only)


@dataclass(frozen=True)
class ChunkResult:
    """What a job made: the bytes (streamed jobs) or the cache meta (cached jobs)."""

    rows: int
    data: bytes | None = None
    meta: dict[str, Any] | None = None
    reused: bool = False
    file: str | None = None  # where a worker left the bytes (the executor reads them back)
    #: the columns generated for it, when some came from the cache's column parts instead
    #: (None: all of them, or none for a reused chunk)
    columns: tuple[str, ...] | None = None
    fetched: bool = False  # copied from the shared cache, not made
    #: made, and published to the shared cache (True), or not: why (the failure)
    published: bool | str = False


def _key_digest(texts: dict[str, np.ndarray], key_columns: tuple[str, ...]) -> str | None:
    """The digest of the chunk's key columns as COPY text (children reference these)."""
    if not key_columns:
        return None
    keys = [texts[c] for c in key_columns]
    return xxhash.xxh3_128_hexdigest(textops.join_rows(keys, b"\t", b"\n"))


def _copy_texts(
    cache: Cache, plan: TablePlan, job: ChunkJob
) -> tuple[dict[str, np.ndarray], tuple[str, ...] | None]:
    """Every column's COPY text for the job's rows: the columns of each part the cache holds
    read from it, the others generated (and their parts stored); with the columns generated
    (None: all, the table being one part)."""
    names = [c.name for c in plan.table.columns]
    rows = job.stop - job.start
    split = parts.parts(plan, job.document)
    if split is None:
        whole = generate_chunk(plan, job.start, job.stop)
        return {n: copy_text(c) for n, c in zip(names, whole, strict=True)}, None
    texts: dict[str, np.ndarray] = {}
    missing = []
    for part in split:
        got = parts.load(cache, part, rows)
        if got is None:
            missing.append(part)
        else:
            texts.update(got)
    made = tuple(n for n in names if any(n in p.columns for p in missing))
    cols = generate_columns(plan, job.start, job.stop, list(made))
    for part in missing:
        fresh = {n: copy_text(cols[n]) for n in part.columns}
        parts.store(cache, part, fresh, rows)
        texts.update(fresh)
    return texts, made if len(made) < len(names) else None


def run_chunk(job: ChunkJob, must_publish: bool = False) -> ChunkResult:
    """Generate and encode one chunk; a cached job whose object is whole is not made again (nor
    one the shared cache holds: it is copied), and one made is published to the shared cache
    (a failure to is the result's ``published``, unless ``must_publish``: the chunk would
    exist nowhere else, and it raises)."""
    cache = Cache(job.cache_dir) if job.cache_dir is not None else None
    if cache is not None and job.key is not None and cache.valid(job.key, job.encoding):
        return ChunkResult(
            job.stop - job.start, meta=cache.meta(job.key, job.encoding), reused=True
        )
    if cache is None or job.key is None or job.store is None:
        return _make(cache, job)
    there = shared(job.store)
    if (meta := there.fetch(cache, job.key, job.encoding)) is not None:
        return ChunkResult(job.stop - job.start, meta=meta, reused=True, fetched=True)
    result = _make(cache, job)
    assert result.meta is not None
    if not job.publish and must_publish:
        raise CacheError(
            f"a worker that does not see cache/ must publish {job.table}'s chunk to the shared "
            f"cache {job.store}, and {READ_ONLY} forbids it"
        )
    if not job.publish:
        return result
    why = there.publish(cache, job.key, job.encoding, result.meta, required=must_publish)
    return dataclasses.replace(result, published=True if why is None else why)


def _make(cache: Cache | None, job: ChunkJob) -> ChunkResult:
    """The chunk made here: its bytes, or stored in ``cache`` (its meta)."""
    if cache is not None and job.key is not None and (deflated := _from_copy(cache, job)):
        return deflated
    plan = compile_ref(job.spec).table_plan(job.table)
    if cache is None or job.key is None:
        cols = generate_chunk(plan, job.start, job.stop)
        return ChunkResult(job.stop - job.start, data=encode(job.encoding, plan.table, cols))
    made: tuple[str, ...] | None = None
    if parts.textual(job.encoding):
        texts, made = _copy_texts(cache, plan, job)
        text = textops.join_rows([texts[c.name] for c in plan.table.columns], b"\t", b"\n")
        level = deflate_level(job.encoding)
        data = text if level is None else deflate.piece(text, level)
    else:  # INSERTs: generated whole
        cols = generate_chunk(plan, job.start, job.stop)
        data = encode(job.encoding, plan.table, cols)
        names = [c.name for c in plan.table.columns]
        texts = {c: copy_text(cols[names.index(c)]) for c in job.key_columns}
    key_digest = _key_digest(texts, job.key_columns)
    meta = cache.put(
        job.key,
        job.encoding,
        [data],
        job.document,
        rows=job.stop - job.start,
        key_digest=key_digest,
    )
    return ChunkResult(job.stop - job.start, meta=meta, columns=made)


def _from_copy(cache: Cache, job: ChunkJob) -> ChunkResult | None:
    """A deflated chunk made from the chunk's COPY text when the cache already holds it (a
    dataset built as ``copy`` and ``custom``): compressed, not generated a second time."""
    level = deflate_level(job.encoding)
    assert job.key is not None
    if level is None or not cache.valid(job.key, "copy"):
        return None
    source = cache.meta(job.key, "copy")
    try:
        text = cache.read(job.key, "copy")  # checked against its digest as it is read
    except CacheError:
        return None  # damaged: generated instead (the copy task makes its own again)
    assert source is not None
    meta = cache.put(
        job.key,
        job.encoding,
        [deflate.piece(text, level)],
        job.document,
        rows=job.stop - job.start,
        key_digest=source["key_digest"],
    )
    return ChunkResult(job.stop - job.start, meta=meta, columns=())  # none generated


__all__ = ["ChunkJob", "ChunkResult", "SpecRef", "run_chunk"]
