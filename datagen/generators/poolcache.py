"""Lists that Faker builds by calling it (street names, postcodes, phone shapes...), kept on disk
so that a run needing them does not call Faker again: about 0.3 s of start-up per locale.

Such a list depends only on the locale, the pinned Faker version and a fixed seed, so it is
stored under the Faker version and read back by any later run, of any spec:
``$DATAGEN_POOL_CACHE`` if set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/datagen/pools`` (``~/.cache/datagen/pools``), under the Faker version and
datagen's version and code that builds the lists. Each file names what it holds and
carries the digest of its values; a file that is unreadable, damaged or of another Faker is made
again and replaced (atomically), and a place that cannot be written only means no cache. The
output bytes are the same with the cache, without it, or with a cold one (tests/test_pool_cache.py).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xxhash

from ..errors import WriterError
from ..fileio import atomic_write

FORMAT = 1  # of the files: a change in what they hold makes older files misses


@functools.cache
def _faker_version() -> str:
    from ..versions import version

    return version("faker")


@functools.cache
def _code_version() -> str:
    """datagen's version and a digest of the code that builds the lists: a list made by other
    code is another list (a change to how phone shapes are cut, say)."""
    from .. import __version__

    here = Path(__file__).parent
    h = xxhash.xxh3_64()
    for name in ("poolcache.py", "words.py", "locales.py", "placedata.py", "translit.py"):
        h.update((here / name).read_bytes())
    return f"{__version__}-{h.hexdigest()}"


def directory() -> Path | None:
    """Where pools are kept for this Faker and this code, or None when the cache is off (or no
    absolute place for it is known: no home directory, say)."""
    env = os.environ.get("DATAGEN_POOL_CACHE")
    if env == "off":
        return None
    try:
        if env:
            base = Path(env)
        else:
            xdg = os.environ.get("XDG_CACHE_HOME")
            base = (Path(xdg) if xdg else Path.home() / ".cache") / "datagen" / "pools"
    except (RuntimeError, KeyError):  # no HOME and no passwd entry (a container's uid)
        return None
    if not base.is_absolute():  # HOME="" would put it in whatever folder the run is in
        return None
    return base / f"faker-{_faker_version()}" / f"datagen-{_code_version()}"


def _digest(values: list[str]) -> str:
    return xxhash.xxh3_128_hexdigest("\n".join(values).encode("utf-8", "surrogatepass"))


def _read(path: Path, kind: str, locale: str) -> list[str] | None:
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or (doc.get("format"), doc.get("kind"), doc.get("locale")) != (
        FORMAT,
        kind,
        locale,
    ):
        return None
    values = doc.get("values")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return None
    return values if doc.get("digest") == _digest(values) else None


def _write(path: Path, kind: str, locale: str, values: list[str]) -> None:
    doc = {"format": FORMAT, "kind": kind, "locale": locale, "values": values}
    doc["digest"] = _digest(values)
    data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    with contextlib.suppress(WriterError):  # read-only home, full disk: no cache, that is all
        atomic_write(path, [data], durable=False)


def strings(kind: str, locale: str, build: Callable[[], list[str]]) -> list[str]:
    """The list ``build()`` makes for ``kind`` in ``locale``, from the cache when it holds it
    (``kind`` names the list and everything it depends on besides the locale and Faker)."""
    where = directory()
    if where is None:
        return build()
    path = where / f"{locale}.{kind}.json"
    cached = _read(path, kind, locale)
    if cached is not None:
        return cached
    values = build()
    _write(path, kind, locale, values)
    return values


def document(kind: str, locale: str, build: Callable[[], Any]) -> Any:
    """The JSON value ``build()`` makes, kept as :func:`strings` keeps a list (as its one
    string: floats round-trip exactly)."""
    return json.loads(strings(kind, locale, lambda: [json.dumps(build())])[0])
