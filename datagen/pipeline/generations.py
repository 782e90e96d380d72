"""Generations: which cache objects each build used, so that the cache keeps the last few builds.

Every successful ``datagen build`` records the (key, kind) pairs of the objects its specs reference
in ``cache/generations/NNNNNNNN.json`` (numbered upwards, so names sort by age). ``datagen gc
--keep N``, and every full build by itself (``DATAGEN_CACHE_KEEP``, 5 by default), keep the objects
of the current specs and of the N most recent generations that reference anything else: the
states a user is likely to revert to. Everything else in ``cache/objects/`` goes, but for what a
build's own prune finds written since that build began (by the cache's clock, :func:`clock`): a
build running beside it may have just made it.

A generation whose objects the current specs all reference adds nothing, so it is not counted
(the record of the build just made, or of a build of some of the datasets); it stays while it is
newer than every counted one, since after the next edit it is the previous build. A build that
references exactly what the newest generation holds writes no new one.

Example:
    >>> import tempfile, pathlib
    >>> cache = pathlib.Path(tempfile.mkdtemp())
    >>> record(cache, {("k1", "copy")}, ["shop"]), record(cache, {("k1", "copy")}, ["shop"])
    (True, False)
    >>> _ = record(cache, {("k2", "copy")}, ["shop"])
    >>> window(cache, {("k2", "copy")}, 1)[0]
    {('k1', 'copy')}
    >>> keep_setting("off") is None, keep_setting(None), keep_setting("2")
    (True, 5, 2)
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path

from ..errors import UsageError
from ..fileio import temp_path
from . import parts
from .cache import TMP_GRACE, Cache, warn
from .project import Project, SpecBuild

Objects = set[tuple[str, str]]

DEFAULT_KEEP = 5
KEEP_VARIABLE = "DATAGEN_CACHE_KEEP"
#: how far back the start is taken to be when no file can be written to read the time off it
CLOCK_SLACK_NS = 2 * 10**9
_NAME = re.compile(r"^(\d{8})\.json$")


def referenced_objects(project: Project, specs: list[SpecBuild]) -> Objects:
    """The (key, kind) of every cache object ``specs`` reference: what gc keeps for them, and
    what a generation records. The one place that knows which objects a spec needs."""
    keep = set()
    for c in specs:
        split = any(parts.textual(e) for e in c.encodings())  # column parts: of COPY text
        for q, tk in c.keys.items():
            keep.add((tk.key, "table"))
            plan = c.compiled.table_plan(q) if split else None
            for ck in tk.chunks:
                keep.update((ck.key, e) for e in c.encodings())
                for part in (parts.parts(plan, ck.doc) if plan else None) or []:
                    keep.add((part.key, parts.KIND))
    return keep


def prune(
    project: Project, current: Objects, n: int, since_ns: int | None = None
) -> tuple[int, int]:
    """Remove the objects neither in ``current`` nor in the ``n`` most recent generations that
    reference anything else, and the generations beyond those (with ``since_ns``, objects
    written since then stay); returns (files, bytes) of the objects removed."""
    kept, stale = window(project.cache_dir, current, n)
    removed = Cache(project.cache_dir).gc(current | kept, since_ns)
    remove(stale)
    return removed


def clock(cache_dir: Path) -> int:
    """Now, by the clock that times the cache's files (ns): a file written after this call is no
    older. Read off a file written for it, since that clock may be a file server's, or a coarse
    one a tick behind this machine's."""
    folder = directory(cache_dir)
    path = temp_path(folder / "clock")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        return path.stat().st_mtime_ns
    except OSError:
        return time.time_ns() - CLOCK_SLACK_NS
    finally:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def keep_setting(value: str | None) -> int | None:
    """How many earlier builds' objects a build keeps, from ``DATAGEN_CACHE_KEEP``'s value:
    unset or empty is the default, ``all`` or ``off`` keeps everything (None)."""
    text = (value or "").strip().lower()
    if not text:
        return DEFAULT_KEEP
    if text in ("all", "off"):
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    raise UsageError(
        f"{KEEP_VARIABLE}={value!r}: write how many earlier builds' cache objects a build keeps "
        f"(a whole number, 0 or more; {DEFAULT_KEEP} when unset), or 'off' to keep them all"
    )


def directory(cache_dir: Path) -> Path:
    return cache_dir / "generations"


def _entries(cache_dir: Path) -> list[Path]:
    try:
        return list(directory(cache_dir).iterdir())
    except FileNotFoundError:
        return []


def _older(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


def listing(cache_dir: Path) -> list[tuple[int, Path]]:
    """(number, path) of every generation, newest first."""
    found = [(int(m.group(1)), p) for p in _entries(cache_dir) if (m := _NAME.match(p.name))]
    return sorted(found, reverse=True)


def read(path: Path) -> Objects | None:
    """The objects a generation records; None when it is gone, and empty when it is malformed
    (with a warning: it protects nothing, and goes with the old generations)."""
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        doc = None
    objects = doc.get("objects") if isinstance(doc, dict) else None
    if not isinstance(objects, list) or not all(
        isinstance(o, list) and len(o) == 2 and all(isinstance(x, str) for x in o) for o in objects
    ):
        warn(f"{path} is malformed; the objects it names are no longer kept for it")
        return set()
    return {(key, kind) for key, kind in objects}


def record(cache_dir: Path, objects: Objects, datasets: list[str]) -> bool:
    """Record a build's objects as the newest generation; False (and nothing written) when the
    newest already holds exactly these. Older generations holding the same are removed: that
    state is the newest again. Two builds finishing at once each get a number of their own."""
    gens = listing(cache_dir)
    if gens and read(gens[0][1]) == objects:
        return False
    doc = {"datasets": sorted(datasets), "objects": sorted(map(list, objects))}
    folder = directory(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(folder / "new")
    tmp.write_text(json.dumps(doc, separators=(",", ":")) + "\n", "utf-8")
    number = gens[0][0] + 1 if gens else 1
    try:
        while True:
            target = folder / f"{number:08d}.json"
            try:
                os.link(tmp, target)  # fails, rather than replaces, when the number is taken
                break
            except FileExistsError:
                number += 1
            except OSError:  # no hard links on this file system
                os.replace(tmp, target)
                break
    finally:
        tmp.unlink(missing_ok=True)
    for _, path in gens:
        if read(path) == objects:
            path.unlink(missing_ok=True)
    return True


def window(cache_dir: Path, current: Objects, n: int) -> tuple[Objects, list[Path]]:
    """The objects of the ``n`` most recent generations that reference anything ``current``
    does not, and the generation files to remove: those counted beyond ``n``, and those adding
    nothing that are older than a counted one."""
    kept: Objects = set()
    counted = 0
    stale = [p for p in _entries(cache_dir) if p.name.endswith(".tmp") and _older(p, TMP_GRACE)]
    for _, path in listing(cache_dir):
        objects = read(path)
        if objects is None:
            continue
        if objects <= current:
            if counted:
                stale.append(path)
            continue
        counted += 1
        if counted > n:
            stale.append(path)
        else:
            kept |= objects
    return kept, stale


def remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()
