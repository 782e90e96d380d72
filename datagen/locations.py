"""Where a build's shared cache is (``--cache`` or ``DATAGEN_CACHE``), as every process of it names
the location: the no-op stamp (:mod:`datagen.stamp`, which imports nothing heavy), the build, and
workers on other machines, which need a folder's absolute path.

    >>> location("s3://bucket/prefix/"), location("/srv/shared/"), location("file:///srv/x")
    ('s3://bucket/prefix', '/srv/shared', '/srv/x')
    >>> location("s3://")
    Traceback (most recent call last):
    ...
    datagen.errors.UsageError: 's3://' names no bucket or folder
"""

from __future__ import annotations

import os

from .errors import UsageError

VARIABLE = "DATAGEN_CACHE"
READ_ONLY = "DATAGEN_CACHE_READ_ONLY"  # 1: copy from the shared cache, never publish to it


def location(
    value: str | None, base: str | os.PathLike[str] | None = None, variable: str | None = VARIABLE
) -> str | None:
    """The location named by ``value`` (a command-line flag), else by the environment's
    ``variable``; a folder is made absolute, relative to ``base`` (else the current directory).
    UsageError when it names nothing (``s3://`` of an unset ``$BUCKET``, say)."""
    value = value or (os.environ.get(variable) if variable else None) or None
    if value is None:
        return None
    scheme, sep, rest = value.partition("://")
    rest = rest.rstrip("/") if sep and scheme not in ("file", "local") else rest
    if sep and not rest.strip("/"):
        raise UsageError(f"{value!r} names no bucket or folder")
    if sep and scheme not in ("file", "local"):
        return f"{scheme}://{rest}"
    folder = rest if sep else value  # file:// and local:// name a folder all the same
    return os.path.abspath(os.path.join(base or os.getcwd(), os.path.expanduser(folder)))


def read_only() -> bool:
    """Whether ``DATAGEN_CACHE_READ_ONLY`` says to copy from the shared cache only."""
    return os.environ.get(READ_ONLY, "") not in ("", "0")


def stamp_key(store: str | None) -> str | None:
    """The shared cache as the no-op stamp records it: a build that may publish is another
    build than one that may only read (it publishes what the other could not)."""
    return None if store is None else f"{store} read-only" if read_only() else store
