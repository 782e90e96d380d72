"""Versions of everything that shapes the output bytes (recorded in dumps and input keys)."""

from __future__ import annotations

import functools
from importlib.metadata import version


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
