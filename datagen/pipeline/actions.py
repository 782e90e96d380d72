"""The actions and up-to-date checks of the doit tasks: module-level functions of plain values.

Plain values (the spec's text, dicts of keys; never a parsed object) run the same under the fork,
spawn and forkserver start methods and in doit's thread pool. Chunks are made by
:func:`~datagen.pipeline.jobs.run_chunk` alone; a table's manifest, a dump and a lock are made
from the cache's objects and metas, and an object found damaged is made again, never shipped.
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from doit.exceptions import TaskFailed

from ..errors import CacheError, DatagenError, PlanError, SpecError
from ..fileio import (
    atomic_write,
    atomic_write_tree,
    combine_digests,
    file_digest,
    is_archive_dir,
    read_json,
    stable_json,
    tree_digest,
    write_json,
)
from ..fileslice import FileSlice
from ..plan import CHUNK_ROWS
from ..plan.source import compile_ref
from ..versions import byte_shaping_versions
from ..writers import deflate, writer_for
from ..writers.archive import archive_contents
from ..writers.codecs import deflate_level
from .cache import Cache, warn
from .jobs import ChunkJob, run_chunk
from .project import Project, compile_spec, job_from_dicts, spec_ref
from .store import unpublished_warning


def _reported(action: Callable[..., Any]) -> Callable[..., Any]:
    """An action whose DatagenError (a file it cannot write, a damaged cache) fails its task with
    the one-line message, not doit's "PythonAction Error" and a traceback."""

    @functools.wraps(action)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return action(*args, **kwargs)
        except DatagenError as e:
            return TaskFailed(str(e))

    return run


@_reported
def make_chunk(job: ChunkJob) -> dict[str, Any]:
    """doit's action for a chunk task: :func:`run_chunk`, reporting whether it was reused; on
    the Dask scheduler at ``DATAGEN_SCHEDULER`` when that is set (plain ``doit``, whose tasks
    then wait on the cluster: ``doit -n 8 -P thread`` keeps 8 chunks in flight)."""
    scheduler = os.environ.get("DATAGEN_SCHEDULER")
    if scheduler and os.environ.get("DATAGEN_EXECUTOR") != "local":
        from .dask_executor import run_on

        result = run_on(scheduler, job)
    else:
        result = run_chunk(job)
    if isinstance(result.published, str) and job.store and not _unpublished:
        _unpublished.append(job.store)  # once per process: doit -P thread runs many here
        warn(unpublished_warning(job.store, result.published))
    return {"reused": result.reused}


_unpublished: list[str] = []  # this process warned that a chunk could not be published


def _rebuild_chunk(
    cache: Cache, text: str, file: str, tk: dict[str, Any], ck: dict[str, Any], encoding: str
) -> None:
    """Generate a chunk again whose object was lost or damaged after its task ran."""
    cache.remove(ck["key"], encoding)
    run_chunk(job_from_dicts(spec_ref(text, file), str(cache.root), tk, ck, encoding))


def _chunk_pieces(
    cache: Cache, text: str, file: str, tk: dict[str, Any], encoding: str
) -> Iterator[bytes]:
    """A table's data from its cached chunks, read and checked against their digests; a
    damaged chunk is regenerated, never shipped."""
    for ck in tk["chunks"]:
        try:
            yield b"".join(cache.stream(ck["key"], encoding))
        except CacheError:
            _rebuild_chunk(cache, text, file, tk, ck, encoding)
            yield cache.read(ck["key"], encoding)


def _chunk_slices(
    cache: Cache, text: str, file: str, tk: dict[str, Any], encoding: str
) -> Iterator[FileSlice]:
    """A table's data as slices of its cached chunks, for the kernel to copy: each object is
    whole by its meta (size and mtime) or is made again first. Nothing is read: an object
    damaged in place without a change of size or mtime is shipped, and ``datagen verify`` or
    ``datagen build --deep`` is what finds it."""
    for ck in tk["chunks"]:
        if not cache.valid(ck["key"], encoding):
            _rebuild_chunk(cache, text, file, tk, ck, encoding)
        meta = _meta(cache, ck["key"], encoding)
        yield FileSlice(cache.path(ck["key"], encoding), meta["size"], meta["digest"])


def _piece_head(cache: Cache, key: str, kind: str) -> tuple[int, str]:
    """(length, xxh3-128) of the text a deflated piece holds, from its head alone."""
    try:
        with open(cache.path(key, kind), "rb") as fh:
            head = fh.read(deflate.HEAD.size)
    except OSError:
        raise CacheError(f"cache object {key}.{kind} is missing or unreadable") from None
    try:
        return deflate.text_of(head)
    except ValueError:
        raise CacheError(f"cache object {key}.{kind} is damaged (shorter than its head)") from None


def table_text(encodings: dict[str, Any]) -> dict[str, Any] | None:
    """{bytes, digest} of a table's COPY text from its manifest's ``encodings``: the ``copy``
    encoding's, or what a deflated one holds (the same by construction); None without either."""
    if "copy" in encodings:
        return encodings["copy"]
    for enc in sorted(encodings):
        if "text" in encodings[enc]:
            return encodings[enc]["text"]
    return None


def _meta(cache: Cache, key: str, kind: str) -> dict[str, Any]:
    meta = cache.meta(key, kind)
    if meta is None:
        raise CacheError(f"cache object {key}.{kind} is missing its meta")
    return meta


def _manifest(cache: Cache, key: str) -> dict[str, Any] | None:
    meta = cache.meta(key, "table")
    return meta["manifest"] if meta is not None else None


def _whole_manifest(cache: Cache, key: str) -> dict[str, Any] | None:
    """The table's manifest when its object is whole, else None."""
    return _manifest(cache, key) if cache.valid(key, "table") else None


def _covers(manifest: dict[str, Any] | None, encodings: list[str]) -> bool:
    """A manifest covers ``encodings`` (a table shared by datasets with other outputs may have
    been made for other encodings first)."""
    return manifest is not None and set(encodings) <= set(manifest["encodings"])


def table_ok(cache_dir: str, key: str, encodings: list[str]) -> bool:
    """The table's manifest is whole and covers ``encodings``."""
    return _covers(_whole_manifest(Cache(cache_dir), key), encodings)


@_reported
def build_table(text: str, file: str, cache_dir: str, tk: dict[str, Any], encodings: list[str]):
    """Check a table's chunks and write its manifest: sizes and digests over its chunks, for
    ``encodings`` and every encoding an earlier manifest of the same key already had."""
    cache = Cache(cache_dir)
    old = _whole_manifest(cache, tk["key"])
    if _covers(old, encodings):
        return {"reused": True}
    encodings = sorted(set(encodings) | set(old["encodings"] if old else ()))
    manifest: dict[str, Any] = {"input_key": tk["key"], "rows": tk["rows"], "encodings": {}}
    for enc in encodings:
        metas = []
        for ck in tk["chunks"]:
            if not cache.valid(ck["key"], enc):
                _rebuild_chunk(cache, text, file, tk, ck, enc)
            metas.append(_meta(cache, ck["key"], enc))
        manifest["encodings"][enc] = {
            "bytes": sum(m["size"] for m in metas),
            "digest": combine_digests([m["digest"] for m in metas]),
        }
        if deflate_level(enc) is not None:  # pieces: what their text is, too
            heads = [_piece_head(cache, ck["key"], enc) for ck in tk["chunks"]]
            manifest["encodings"][enc]["text"] = {
                "bytes": sum(h[0] for h in heads),
                "digest": combine_digests([h[1] for h in heads]),
            }
    key_digests = [_meta(cache, ck["key"], encodings[0])["key_digest"] for ck in tk["chunks"]]
    manifest["key_digest"] = combine_digests(key_digests) if tk["key_columns"] else None
    manifest["chunks"] = [ck["key"] for ck in tk["chunks"]]
    cache.put(tk["key"], "table", [b""], tk["document"], manifest=manifest)
    return {"reused": False}


@_reported
def assemble(
    text: str,
    file: str,
    cache_dir: str,
    fmt: str,
    tables: list[dict[str, Any]],
    out: str,
    meta_path: str,
) -> None:
    """Write one dump in ``build/`` from the cached chunks, atomically, and record its digest
    (and, for an archive, the digest of what it holds: see :func:`archive_contents`).

    A plain dump's chunks are copied by the kernel, unread, and its digest is made from their
    metas' (:class:`FileSlice`).
    """
    cache = Cache(cache_dir)
    writer = writer_for(fmt)
    encoding = writer.encoding
    by_name = {tk["qualname"]: tk for tk in tables}

    def encoded(qualname: str) -> Iterator[Any]:
        tk = by_name[qualname]
        if writer.passes_data_through:
            return _chunk_slices(cache, text, file, tk, encoding)
        return _chunk_pieces(cache, text, file, tk, encoding)

    def chunk_sizes(qualname: str) -> list[int]:  # from the metas, before any byte is read
        return [_meta(cache, ck["key"], encoding)["size"] for ck in by_name[qualname]["chunks"]]

    toc = compile_ref(spec_ref(text, file)).toc
    Path(meta_path).unlink(missing_ok=True)  # a dump without its meta is never up to date
    record: dict[str, Any] = {
        "file": out,
        "tables": [tk["key"] for tk in tables],
        "layout": OUTPUT_LAYOUT,
    }
    if writer.directory:
        size, dig = atomic_write_tree(Path(out), writer.files(toc, encoded, chunk_sizes))
        record["files"] = {p.name: _stamp(p) for p in sorted(Path(out).iterdir())}
    else:
        size, dig = atomic_write(Path(out), writer.pieces(toc, encoded, chunk_sizes))
    record.update(bytes=size, digest=dig, mtime_ns=Path(out).stat().st_mtime_ns, toc=toc.digest())
    if writer.archive:

        def text_of(qualname: str) -> tuple[int, str]:
            manifest = _meta(cache, by_name[qualname]["key"], "table")["manifest"]
            t = table_text(manifest["encodings"])
            if t is None:
                raise CacheError(f"the manifest of {qualname} says nothing of its COPY text")
            return t["bytes"], t["digest"]

        held, digest = archive_contents(writer, toc, text_of)
        record["contents"] = {"bytes": held, "digest": digest}
    write_json(Path(meta_path), record)


def remove_output(out: str, meta_path: str) -> None:
    """``doit clean`` of a directory archive: the directory (if it is one: it holds
    ``toc.dat``) and its meta."""
    path = Path(out)
    if is_archive_dir(path):
        shutil.rmtree(path)
        print(f"removed {out}")
    Path(meta_path).unlink(missing_ok=True)


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def lock_text(project: Project, spec: Path) -> str:
    """The lock file a build of ``spec`` writes, from the cache's manifests and output metas."""
    c = compile_spec(spec)
    cache = Cache(project.cache_dir)
    main = c.encodings()[0]  # without COPY text (only ``sql``): the INSERTs
    tables = {}
    for q, tk in c.keys.items():
        m: dict[str, Any] = _manifest(cache, tk.key) or {}
        # only the spec's own encodings: a manifest shared with another dataset may hold more,
        # and the lock must not depend on what else the cache happens to hold
        own = {e: v for e, v in m.get("encodings", {}).items() if e in c.encodings()}
        enc: dict[str, Any] = table_text(own) or own.get(main, {})
        tables[q] = {
            "input_key": tk.key,
            "rows": tk.rows,
            "bytes": enc.get("bytes"),
            "digest": enc.get("digest"),
            "key_digest": m.get("key_digest"),
            **({"chunk_rows": tk.chunk_rows} if tk.chunk_rows != CHUNK_ROWS else {}),  # wide rows
        }
    outputs = {}
    for fmt in c.formats:
        meta = output_meta(project.output_meta(c.stem, fmt)) or {}
        held = meta.get("contents", meta)  # an archive: what it holds, whatever zlib made it
        outputs[fmt] = {
            "file": os.path.relpath(c.output_path(project, fmt), project.root),
            "bytes": held.get("bytes"),
            "digest": held.get("digest"),
        }
    return stable_json(
        {
            "dataset": c.dataset.name,
            "spec": c.path.name,
            "chunk_rows": CHUNK_ROWS,
            "schema": c.toc_digest,
            "versions": byte_shaping_versions(),
            "tables": tables,
            "outputs": outputs,
        }
    )


@_reported
def write_lock(root: str, spec: str) -> None:
    project = Project(Path(root))
    atomic_write(project.lock_path(Path(spec).stem), [lock_text(project, Path(spec)).encode()])


#: what an output's meta records: 2 = a plain dump's digest is made from its chunks' digests
#: (:class:`FileSlice`); a dump whose meta says otherwise is written again (not regenerated)
OUTPUT_LAYOUT = 2

_OUTPUT_FIELDS = {"file": str, "bytes": int, "digest": str, "mtime_ns": int, "tables": list}


def output_meta(path: Path) -> dict[str, Any] | None:
    """An output's meta in ``cache/outputs/``, or None when missing or malformed (warned: the
    dump is then written again)."""
    if not path.exists():
        return None
    meta = read_json(path)
    if not isinstance(meta, dict) or not all(
        isinstance(meta.get(k), t) and not isinstance(meta.get(k), bool)
        for k, t in _OUTPUT_FIELDS.items()
    ):
        warn(f"{path} is malformed; the dump it describes will be written again")
        return None
    return meta


# ---- up-to-date checks ------------------------------------------------------------------------


def object_ok(cache_dir: str, key: str, kind: str) -> bool:
    return Cache(cache_dir).valid(key, kind)


def output_ok(out: str, meta_path: str, table_keys: list[str], toc: str | None = None) -> bool:
    """The dump exists and is the one its meta describes, made from ``table_keys`` (and, when
    given, the TOC whose digest is ``toc``: table order, schemas, unused enum types...)."""
    meta = output_meta(Path(meta_path))
    if meta is None or meta["tables"] != table_keys or meta.get("layout") != OUTPUT_LAYOUT:
        return False
    if toc is not None and meta.get("toc") != toc:
        return False
    if "files" in meta:  # a directory archive
        return _tree_ok(Path(out), meta)
    try:
        st = Path(out).stat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size != meta["bytes"]:
        return False
    # touched, same size: the same bytes? (a plain dump's digest is made from its chunks'
    # metas, which no read of the file gives back: a touched plain dump is written again)
    return st.st_mtime_ns == meta["mtime_ns"] or file_digest(Path(out))[1] == meta["digest"]


def _tree_ok(out: Path, meta: dict[str, Any]) -> bool:
    """A directory output holds the files its meta lists, untouched (same sizes and times, or
    else the same digest)."""
    try:
        if out.is_symlink() or not out.is_dir():
            return False
        files = {p.name: _stamp(p) for p in out.iterdir()}
    except OSError:
        return False
    return files == meta["files"] or (
        files.keys() == meta["files"].keys() and tree_digest(out)[1] == meta["digest"]
    )


def lock_ok(root: str, spec: str) -> bool:
    """The lock says what a fresh write would say."""
    project = Project(Path(root))
    try:
        current = project.lock_path(Path(spec).stem).read_text("utf-8")
        return lock_text(project, Path(spec)) == current
    except (OSError, ValueError, SpecError, PlanError):  # missing, unreadable, not UTF-8...
        return False


def report_invalid(message: str) -> TaskFailed:
    return TaskFailed(message)
