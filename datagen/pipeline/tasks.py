"""doit tasks that build every ``datasets/*.yaml`` of a repository into ``build/``.

A user's ``dodo.py`` is one line, ``from datagen.dodo import *``, and plain ``doit``
(``list``, ``info``, ``clean``, ``forget``, ``-n N``) works; ``datagen build`` runs the same task
creator through doit's API. Per dataset (basename = the spec's file stem):

- ``NAME:TABLE/ENC-i``  one chunk of a table's rows, encoded (``copy`` text or ``inserts``),
  stored in the cache under its input key;
- ``NAME:TABLE``        the table's manifest: its chunks, byte count, digest, key-projection digest;
- ``NAME:dump-FORMAT``  the dump in ``build/``, concatenated from the cached chunks;
- ``NAME:lock``         ``datasets/NAME.lock.json``.

The actions live in :mod:`datagen.pipeline.actions`; a chunk task runs a frozen
:class:`~datagen.pipeline.jobs.ChunkJob`, the same job ``datagen build`` gives its executor.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import locations
from ..errors import PlanError, SpecError
from .actions import (
    assemble,
    build_table,
    lock_ok,
    make_chunk,
    object_ok,
    output_ok,
    remove_output,
    report_invalid,
    table_ok,
    write_lock,
)
from .cache import Cache
from .jobs import ChunkJob
from .keys import TableKey
from .project import Project, SpecBuild, chunk_owners, compile_spec

__all__ = ["DOIT_CONFIG", "task_datagen"]

DOIT_CONFIG = {
    "dep_file": "cache/doit.sqlite3",
    "backend": "sqlite3",
    # our cache checks content itself; doit only needs to notice that a file was replaced
    "check_file_uptodate": "timestamp",
}


# ---- task creation ----------------------------------------------------------------------------


def _tk_dict(tk: TableKey) -> dict[str, Any]:
    return {
        "qualname": tk.qualname,
        "key": tk.key,
        "rows": tk.rows,
        "document": tk.doc,
        "key_columns": tk.key_columns,
        "chunks": [
            {
                "key": ck.key,
                "index": ck.index,
                "start": ck.start,
                "stop": ck.stop,
                "document": ck.doc,
            }
            for ck in tk.chunks
        ],
    }


def dataset_tasks(
    project: Project,
    c: SpecBuild,
    owners: dict[tuple[str, str], tuple[str, ChunkJob]] | None = None,
    owned: set[str] | None = None,
    table_encodings: dict[str, list[str]] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every task of one dataset.

    A chunk or table manifest is one cache object however many datasets hold it, so it has one
    task: a chunk's is its owner's (:func:`~.project.chunk_owners`), a manifest's the first
    dataset's that holds it (``owned``, table keys shared across datasets); the others depend
    on its target. ``table_encodings`` gives, per table key, every encoding the selected
    datasets need of it.
    """
    owners = chunk_owners(project, [c]) if owners is None else owners
    owned = set() if owned is None else owned
    cache = Cache(project.cache_dir)
    cache_dir, file = str(project.cache_dir), str(c.path)
    base = c.stem
    yield {"basename": base, "name": None, "doc": f"build dataset {c.dataset.name} ({c.path})"}
    encodings = c.encodings()
    tables = []
    for q, tk in c.keys.items():
        tkd = _tk_dict(tk)
        tables.append(tkd)
        table_encs = (table_encodings or {}).get(tk.key, encodings)
        deps = []
        for ck in tk.chunks:
            for enc in table_encs:
                target = cache.path(ck.key, enc)
                deps.append(str(target))
                owner, job = owners[(ck.key, enc)]
                if owner != f"{base}:{q}/{enc}-{ck.index}":
                    continue  # another dataset's task makes it
                yield {
                    "basename": base,
                    "name": f"{q}/{enc}-{ck.index}",
                    "doc": f"rows {ck.start}..{ck.stop - 1} of {q} ({enc})",
                    "actions": [(make_chunk, [job])],
                    "targets": [str(target)],
                    "uptodate": [(object_ok, [cache_dir, ck.key, enc])],
                    "clean": True,
                }
        if tk.key in owned:
            continue
        owned.add(tk.key)
        yield {
            "basename": base,
            "name": q,
            "doc": f"table {q}: {tk.rows} rows in {len(tk.chunks)} chunks",
            "actions": [(build_table, [c.text, file, cache_dir, tkd, table_encs])],
            "file_dep": deps,
            "targets": [str(cache.meta_path(tk.key, "table"))],
            "uptodate": [(table_ok, [cache_dir, tk.key, table_encs])],
            "clean": True,
        }
    manifests = [str(cache.meta_path(tk.key, "table")) for tk in c.keys.values()]
    metas = []
    for fmt in c.formats:
        out = c.output_path(project, fmt)
        meta = project.output_meta(c.stem, fmt)
        metas.append(str(meta))
        keys = [tk["key"] for tk in tables]
        yield {
            "basename": base,
            "name": f"dump-{fmt}",
            "doc": f"write {os.path.relpath(out, project.root)}",
            "actions": [(assemble, [c.text, file, cache_dir, fmt, tables, str(out), str(meta)])],
            "file_dep": manifests,
            "targets": [str(out), str(meta)],
            "uptodate": [(output_ok, [str(out), str(meta), keys, c.toc_digest])],
            # doit removes files and empty directories; a directory archive goes whole
            "clean": [(remove_output, [str(out), str(meta)])] if out.suffix == ".dir" else True,
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


def _invalid(stem: str, path: Path | str, message: str) -> dict[str, Any]:
    return {
        "basename": stem,
        "doc": f"INVALID spec {path}",
        "actions": [(report_invalid, [message])],
        "verbosity": 2,
    }


def project_tasks(project: Project, names: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Tasks of every dataset (or of ``names``) of a repository."""
    # build/ is made by the first dump written into it: a task that cannot write says why itself
    clashes = project.stem_clashes()
    seen: dict[str, Path] = {}
    builds: list[SpecBuild] = []
    for path in project.specs():
        if names and path.stem not in names:
            continue
        if path.stem in clashes:
            if path == clashes[path.stem][0]:
                yield _invalid(
                    path.stem, path, project.clash_message(path.stem, clashes[path.stem])
                )
            continue
        try:
            c = compile_spec(path)
        except (SpecError, PlanError) as e:
            yield _invalid(path.stem, path, str(e))
            continue
        if c.dataset.name in seen:
            yield _invalid(
                path.stem,
                path,
                f"{path}: dataset name {c.dataset.name!r} is also used by "
                f"{seen[c.dataset.name]}; their dumps would overwrite each other",
            )
            continue
        seen[c.dataset.name] = path
        builds.append(c)
    table_encodings: dict[str, set[str]] = {}
    for c in builds:
        for tk in c.keys.values():
            table_encodings.setdefault(tk.key, set()).update(c.encodings())
    encs = {k: sorted(v) for k, v in table_encodings.items()}
    owners = chunk_owners(project, builds)
    owned: set[str] = set()
    for c in builds:
        yield from dataset_tasks(project, c, owners, owned, encs)


def task_datagen() -> Iterator[dict[str, Any]]:
    """Build every dataset in datasets/ into build/ (see ``datagen build --help``); with the
    shared cache at ``DATAGEN_CACHE``, if that is set."""
    here = Path.cwd()
    where = locations.location(None, here)
    yield from project_tasks(Project(here, store=where, publish=not locations.read_only()))
