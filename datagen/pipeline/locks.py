"""Lock files read defensively, and compared field by field with the spec, a fresh build and build/.

A lock (``datasets/NAME.lock.json``) is checked in and edited by hand or by merges, so nothing in it
is trusted: :func:`read_lock` gives either a lock of exactly the shape a build writes or one
problem saying why not (``check`` and ``verify`` report it; ``build`` rewrites the file).
:func:`check_lock` compares every field a lock holds with what a fresh lock would say for the spec,
without generating (the input keys, rows and output file names are known from the spec alone; the
byte counts and digests are not, and only their shape is checked); :func:`compare_locks` compares
a lock with one a scratch build just wrote; :func:`output_problems` compares the dumps in
``build/`` with that build's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..fileio import file_digest
from ..plan import CHUNK_ROWS
from ..versions import byte_shaping_versions
from .keys import TableKey
from .project import Project, SpecBuild

HEX = set("0123456789abcdef")


def _digest(v: Any) -> bool:
    return isinstance(v, str) and len(v) == 32 and set(v) <= HEX


def _count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _text(v: Any) -> bool:
    return isinstance(v, str)


TOP = {
    "dataset": _text,
    "spec": _text,
    "chunk_rows": _count,
    "schema": _digest,
    "versions": lambda v: isinstance(v, dict) and all(map(_text, v.values())),
    "tables": lambda v: isinstance(v, dict),
    "outputs": lambda v: isinstance(v, dict),
}
TABLE = {
    "input_key": _digest,
    "rows": _count,
    "bytes": _count,
    "digest": _digest,
    "key_digest": lambda v: v is None or _digest(v),
}
OUTPUT = {"file": _text, "bytes": _count, "digest": _digest}


# a table's chunk_rows is in the lock only when it is not the default (narrow tables)
TABLE_OPTIONAL = {"chunk_rows": _count}


def _fields(
    doc: Any, fields: dict[str, Any], where: str, optional: dict[str, Any] | None = None
) -> str | None:
    if not isinstance(doc, dict):
        return f"{where} is not a JSON object"
    optional = optional or {}
    extra = sorted(set(doc) - set(fields) - set(optional))
    missing = sorted(set(fields) - set(doc))
    if extra or missing:
        return f"{where}: " + "; ".join(
            ([f"unexpected {', '.join(extra)}"] if extra else [])
            + ([f"missing {', '.join(missing)}"] if missing else [])
        )
    for k, ok in {**fields, **{k: optional[k] for k in doc if k in optional}}.items():
        if not ok(doc[k]):
            return f"{where}: {k} is {json.dumps(doc[k])[:40]}"
    return None


def shape_problem(doc: Any) -> str | None:
    """Why ``doc`` is not a lock of the shape a build writes (None when it is)."""
    problem = _fields(doc, TOP, "the lock")
    if problem:
        return problem
    for q, t in doc["tables"].items():
        if problem := _fields(t, TABLE, f"table {q}", TABLE_OPTIONAL):
            return problem
    for fmt, o in doc["outputs"].items():
        if problem := _fields(o, OUTPUT, f"output {fmt}"):
            return problem
    return None


def read_lock(project: Project, stem: str) -> tuple[dict[str, Any] | None, str | None]:
    """(lock, None); (None, None) when there is none; (None, problem) when it is malformed."""
    path = project.lock_path(stem)
    name = path.relative_to(project.root)
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return None, None
    except OSError as e:
        return None, f"{name}: cannot be read ({e.strerror or e})"
    except ValueError as e:  # not UTF-8, not JSON
        return None, f"{name}: malformed (not JSON: {e}); run 'datagen build {stem}' to rewrite it"
    problem = shape_problem(doc)
    if problem:
        return None, f"{name}: malformed ({problem}); run 'datagen build {stem}' to rewrite it"
    return doc, None


def _chunk_rows(tk: TableKey) -> int:
    return int(tk.doc.get("chunk_rows", CHUNK_ROWS))


def check_lock(project: Project, c: SpecBuild) -> list[str]:
    """Every field of the lock that differs from what a fresh lock would say for the spec."""
    lock, problem = read_lock(project, c.stem)
    name = project.lock_path(c.stem).relative_to(project.root)
    if problem:
        return [problem]
    if lock is None:
        return [f"{name}: missing (run 'datagen build {c.stem}')"]
    out = []
    expected = {"dataset": c.dataset.name, "spec": c.path.name, "chunk_rows": CHUNK_ROWS}
    for k, v in expected.items():
        if lock[k] != v:
            out.append(f"{name}: {k} is {lock[k]!r}, the spec says {v!r} (run 'datagen build')")
    if lock["schema"] != c.toc_digest:  # DDL only: an order of indexes, tables, enums...
        out.append(
            f"{name}: the dump's DDL changed since the lock was written (run 'datagen build')"
        )
    if lock["versions"] != byte_shaping_versions():
        out.append(
            f"{name}: written by {lock['versions']}, this is {byte_shaping_versions()} "
            "(run 'datagen build')"
        )
    locked = lock["tables"]
    for q, tk in c.keys.items():
        if q not in locked:
            out.append(f"{name}: table {q} is not in the lock (run 'datagen build')")
        elif locked[q]["input_key"] != tk.key:
            out.append(
                f"{name}: table {q}: the spec changed since the lock was written "
                "(run 'datagen build')"
            )
        elif locked[q].get("chunk_rows", CHUNK_ROWS) != _chunk_rows(tk):
            out.append(
                f"{name}: table {q}: chunk_rows is {locked[q].get('chunk_rows', CHUNK_ROWS)}, "
                f"the spec gives {_chunk_rows(tk)} (run 'datagen build')"
            )
        elif locked[q]["rows"] != tk.rows:
            out.append(
                f"{name}: table {q}: rows is {locked[q]['rows']}, the spec says {tk.rows} "
                "(run 'datagen build')"
            )
    for q in sorted(set(locked) - set(c.keys)):
        out.append(f"{name}: table {q} is no longer in the spec (run 'datagen build')")
    if sorted(lock["outputs"]) != sorted(c.formats):
        out.append(f"{name}: outputs differ from the spec's (run 'datagen build')")
    for fmt in c.formats:
        file = os.path.relpath(c.output_path(project, fmt), project.root)
        got = lock["outputs"].get(fmt, {}).get("file", file)
        if got != file:
            out.append(
                f"{name}: output {fmt}: file is {got!r}, the spec writes {file!r} "
                "(run 'datagen build')"
            )
    return out


def compare_locks(name: str, lock: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    """Where a lock differs from the one a build from scratch wrote."""
    problems = []
    for q in sorted(set(lock["tables"]) | set(fresh.get("tables", {}))):
        a, b = lock["tables"].get(q) or {}, fresh.get("tables", {}).get(q) or {}
        if a != b:
            fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            problems.append(f"{name}: table {q} differs ({', '.join(fields)})")
    for fmt in sorted(set(lock["outputs"]) | set(fresh.get("outputs", {}))):
        a = lock["outputs"].get(fmt, {})
        b = fresh.get("outputs", {}).get(fmt, {})
        if any(a.get(k) != b.get(k) for k in OUTPUT):
            problems.append(f"{name}: output {fmt} ({a.get('file')}) differs")
    if lock["versions"] != fresh.get("versions"):
        problems.append(f"{name}: versions differ: {lock['versions']}")
    for k in ("dataset", "spec", "chunk_rows"):
        if lock[k] != fresh.get(k):
            problems.append(f"{name}: {k} is {lock[k]!r}, a fresh build says {fresh.get(k)!r}")
    return problems


def output_problems(
    project: Project, c: SpecBuild, lock: dict[str, Any], fresh: Project
) -> list[str]:
    """The dumps in ``build/`` that differ from the lock (a dump not built here is not a
    problem: there is nothing to ship), ``fresh`` being a scratch build of the same spec whose
    lock was found equal to it.

    A plain dump is compared byte for byte with the fresh build's (its lock digest is made from
    its chunks' digests, which a read of the file alone cannot give back). An archive is read
    back (its table of contents, and each table's COPY text, inflated and cut into the spec's
    chunks) and what it holds compared with the lock, so this holds whatever zlib compressed it
    (see :func:`datagen.writers.archive.archive_contents`).
    """
    from ..writers import WRITERS  # local: only verify needs the writers

    problems = []
    lock_name = project.lock_path(c.stem).relative_to(project.root)
    for fmt in c.formats:
        path = c.output_path(project, fmt)
        shown = path.relative_to(project.root)
        want = lock["outputs"].get(fmt) or {}
        if not path.exists():
            continue
        archive = WRITERS[fmt].archive
        try:
            if archive:
                got, want_held = (
                    _archive_contents(c, path, fmt),
                    (want.get("bytes"), want.get("digest")),
                )
            else:
                got, want_held = file_digest(path), file_digest(c.output_path(fresh, fmt))
        except OSError as e:
            problems.append(f"{shown}: cannot be read ({e.strerror or e})")
            continue
        except ValueError as e:  # ArchiveReadError: not an archive of this spec, or damaged
            problems.append(
                f"{shown}: not the archive {lock_name} describes ({e}); "
                f"run 'datagen build --deep {c.stem}' to write it again"
            )
            continue
        if got != want_held:  # it may look whole by size and time: --deep rewrites it anyway
            what = "holds other data than" if archive else "differs from"
            problems.append(
                f"{shown}: {what} {lock_name} (size or digest); "
                f"run 'datagen build --deep {c.stem}' to write it again"
            )
    return problems


def _archive_contents(c: SpecBuild, path: Path, fmt: str) -> tuple[int, str]:
    """(bytes, digest) of what the archive at ``path`` holds, read back, as a lock has it."""
    from ..writers.archive_read import ArchiveReadError, open_archive, text_digest
    from ..writers.pgdump import contents_digest

    archive = open_archive(path, fmt)
    tables = {e.dump_id: e.table for e in c.compiled.toc if e.desc == "TABLE DATA"}
    held = []
    for e in archive.entries:
        q = tables.get(e.dump_id)
        if q is None or q not in c.keys:
            raise ArchiveReadError(f"its entry {e.dump_id} is no table data of the spec")
        rows = [ck.stop - ck.start for ck in c.keys[q].chunks]
        held.append((e.dump_id, *text_digest(archive.text(e), rows)))
    return contents_digest(archive.head, held)
