"""Where a build's shared cache is (``--cache`` or ``DATAGEN_CACHE``), as every process of it names
the location: the no-op stamp (:mod:`datagen.stamp`, which imports nothing heavy), the build, and
workers on other machines, which need a folder's absolute path.

    >>> location("s3://bucket/prefix/"), location("/srv/shared/"), location("file:///srv/x")
    ('s3://bucket/prefix', '/srv/shared', '/srv/x')
"""

from __future__ import annotations

import os

VARIABLE = "DATAGEN_CACHE"


def location(
    value: str | None, base: str | os.PathLike[str] | None = None, variable: str | None = VARIABLE
) -> str | None:
    """The location named by ``value`` (a command-line flag), else by the environment's
    ``variable``; a folder is made absolute, relative to ``base`` (else the current directory)."""
    value = value or (os.environ.get(variable) if variable else None) or None
    if value is None:
        return None
    for local in ("file://", "local://"):  # a folder all the same (and compared as one)
        value = value.removeprefix(local)
    if "://" in value:
        return value.rstrip("/")
    return os.path.abspath(os.path.join(base or os.getcwd(), os.path.expanduser(value)))
