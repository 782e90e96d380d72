"""Chunk jobs: plain frozen data, and the one pure function that runs them.

A :class:`ChunkJob` names rows ``start..stop`` of one table, the encoding to write them in, and
(for a build) the cache key to store them under; its :class:`SpecRef` says how any process gets
the compiled plan: the spec's text (compiled once per process) or, for a dataset made in code, its
pickle. :func:`run_chunk` is the only place chunks are made, whether ``datagen generate -j``
streams them, ``datagen build`` fills the cache through an executor, or plain ``doit`` runs a
chunk task: the same job gives the same bytes on any worker, thread or machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import xxhash

from .. import textops
from ..columns import Col
from ..errors import CacheError
from ..plan import TablePlan, generate_chunk
from ..plan.source import SpecRef, compile_ref
from ..writers import deflate
from ..writers.codecs import copy_text, deflate_level, encode
from .cache import Cache


@dataclass(frozen=True)
class ChunkJob:
    """Rows ``start..stop`` of table ``table``, encoded as ``encoding``.

    With ``cache_dir`` and ``key`` the result is stored in the cache (with ``document``, the key
    document, beside it) and only its meta comes back; without, the bytes come back.
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


@dataclass(frozen=True)
class ChunkResult:
    """What a job made: the bytes (streamed jobs) or the cache meta (cached jobs)."""

    rows: int
    data: bytes | None = None
    meta: dict[str, Any] | None = None
    reused: bool = False
    file: str | None = None  # where a worker left the bytes (the executor reads them back)


def _key_digest(plan: TablePlan, cols: list[Col], key_columns: tuple[str, ...]) -> str | None:
    """The digest of the chunk's key columns as COPY text (children reference these)."""
    if not key_columns:
        return None
    names = [c.name for c in plan.table.columns]
    keys = [copy_text(cols[names.index(c)]) for c in key_columns]
    return xxhash.xxh3_128_hexdigest(textops.join_rows(keys, b"\t", b"\n"))


def run_chunk(job: ChunkJob) -> ChunkResult:
    """Generate and encode one chunk; a cached job whose object is whole is not made again."""
    cache = Cache(job.cache_dir) if job.cache_dir is not None else None
    if cache is not None and job.key is not None and cache.valid(job.key, job.encoding):
        return ChunkResult(
            job.stop - job.start, meta=cache.meta(job.key, job.encoding), reused=True
        )
    if cache is not None and job.key is not None and (made := _from_copy(cache, job)):
        return made
    plan = compile_ref(job.spec).table_plan(job.table)
    cols = generate_chunk(plan, job.start, job.stop)
    data = encode(job.encoding, plan.table, cols)
    if cache is None or job.key is None:
        return ChunkResult(job.stop - job.start, data=data)
    key_digest = _key_digest(plan, cols, job.key_columns)
    meta = cache.put(
        job.key,
        job.encoding,
        [data],
        job.document,
        rows=job.stop - job.start,
        key_digest=key_digest,
    )
    return ChunkResult(job.stop - job.start, meta=meta)


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
    return ChunkResult(job.stop - job.start, meta=meta)


__all__ = ["ChunkJob", "ChunkResult", "SpecRef", "run_chunk"]
