"""Versions of everything that shapes the output bytes (recorded in dumps and input keys)."""

from __future__ import annotations

import functools
import os
import re
import sys
from importlib.machinery import PathFinder


@functools.cache
def version(name: str) -> str:
    """``importlib.metadata.version(name)``, read straight from the ``name-*.dist-info/METADATA``
    of a wheel-installed package: importing :mod:`importlib.metadata` costs a start-up 0.02 to
    0.07 s. Anything but the plain case (an egg, a zip on sys.path, another finder of
    distributions, two candidates in one folder, a folded header) asks importlib.metadata."""
    found = _dist_info_version(name)
    if found is not None:
        return found
    from importlib.metadata import version as metadata_version

    return metadata_version(name)


def _normalized(name: str) -> str:  # as importlib.metadata.Prepared.normalize
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _dist_info_version(name: str) -> str | None:
    if any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path):
        return None
    want = _normalized(name)
    for root in sys.path:
        if not isinstance(root, str):
            return None
        folder = root or "."
        if not os.path.isdir(folder):
            if os.path.exists(folder):
                return None  # a zip: importlib.metadata reads inside it
            continue
        try:
            children = os.listdir(folder)
        except OSError:
            return None
        hits = [
            c
            for c in children
            if c.lower().endswith((".dist-info", ".egg-info"))
            and _normalized(c.lower().rpartition(".")[0].partition("-")[0]) == want
        ]
        if not hits:
            continue
        if len(hits) > 1 or not hits[0].lower().endswith(".dist-info"):
            return None
        return _metadata_version(os.path.join(folder, hits[0], "METADATA"))
    return None


def _metadata_version(path: str) -> str | None:
    """The first Version header of a METADATA file, as the email parser reads it."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    for i, line in enumerate(lines):
        if not line.strip("\r"):
            return None  # the headers end
        key, colon, value = line.partition(":")
        if colon and key.lower() == "version":
            folded = i + 1 < len(lines) and lines[i + 1][:1] in (" ", "\t")
            return None if folded else value.lstrip(" \t").rstrip("\r\n")
    return None


@functools.cache
def byte_shaping_versions() -> dict[str, str]:
    """datagen, faker, numpy and pglast (whose printer writes CHECK and DEFAULT into the DDL):
    an upgrade of any of them may change the bytes."""
    from . import __version__

    return {
        "datagen": __version__,
        "faker": version("faker"),
        "numpy": version("numpy"),
        "pglast": version("pglast"),
    }
