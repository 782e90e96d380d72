"""Documents already found valid against a JSON Schema, remembered on disk, so a run of a spec
that passed before checks it without importing jsonschema (about 0.1 s of every start-up).

An entry is the xxh3-128 of the schema, the document (with the Python type of every value that
JSON would not tell apart: a YAML date is not its ISO string) and jsonschema's version; it is
written only after jsonschema found no error. A document not remembered is checked by jsonschema
as always: the errors a user sees never come from here. The entries live beside the Faker pools
(:func:`datagen.generators.poolcache.directory`, off with ``DATAGEN_POOL_CACHE=off``) in one
file of at most :data:`LIMIT` entries (the newest kept), written atomically when the process ends;
a file that cannot be read or written means checking with jsonschema.

Example:
    >>> import datetime
    >>> s = schema_digest({"type": "string"})
    >>> key(s, "x") != key(s, ["x"]), key(s, "2024-01-01") != key(s, datetime.date(2024, 1, 1))
    (True, True)
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
from pathlib import Path
from typing import Any

import xxhash

from ..errors import WriterError
from ..fileio import atomic_write

LIMIT = 4096
FILE = "valid-documents.json"


def _typed(value: Any) -> Any:
    """JSON would make a date and its ISO string, or a tuple and a list, the same text."""
    if isinstance(value, dict):
        return {"{}": sorted(([_typed(k), _typed(v)] for k, v in value.items()), key=repr)}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return [type(value).__name__, value]
    return [type(value).__qualname__, repr(value)]


def _digest(value: Any) -> str:
    text = json.dumps(_typed(value), sort_keys=True)
    return xxhash.xxh3_128_hexdigest(text.encode("utf-8", "surrogatepass"))


def schema_digest(schema: dict[str, Any]) -> str:
    """What names ``schema`` in a key (callers keep it: a schema is large, documents small)."""
    return _digest([schema, _jsonschema_version()])


def key(schema: str, document: Any) -> str:
    """The entry of ``document`` against the schema whose :func:`schema_digest` is ``schema``."""
    return _digest([schema, document])


@functools.cache
def _jsonschema_version() -> str:
    from ..versions import version

    return version("jsonschema")


def _path() -> Path | None:
    from ..generators.poolcache import directory

    where = directory()
    return where / FILE if where is not None else None


@functools.cache
def _entries() -> dict[str, None]:
    """The remembered keys, oldest first (read once per process)."""
    path = _path()
    if path is None:
        return {}
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, list) or not all(isinstance(k, str) for k in doc):
        return {}
    return dict.fromkeys(doc)


def _key_or_none(schema: str, document: Any) -> str | None:
    try:
        return key(schema, document)
    except ValueError:  # an integer of more digits than Python will write: never remembered
        return None


def known(schema: str, document: Any) -> bool:
    """Whether ``document`` was found valid before against the schema whose digest is
    ``schema`` (:func:`schema_digest`, which names the jsonschema version too)."""
    k = _key_or_none(schema, document)
    return k is not None and k in _entries()


_unsaved: list[str] = []


def remember(schema: str, document: Any) -> None:
    """Record that jsonschema found ``document`` valid against the schema ``schema`` names
    (written once, when the process ends: a spec of many columns has many params)."""
    entries, k = _entries(), _key_or_none(schema, document)
    if k is None or k in entries:
        return
    entries[k] = None
    if not _unsaved:
        atexit.register(save)
    _unsaved.append(k)


def save() -> None:
    """Write what this process remembered, added to what the file holds now (another run may
    have added entries meanwhile), keeping the newest :data:`LIMIT`."""
    path = _path()
    if path is None or not _unsaved:
        return
    _entries.cache_clear()
    entries = _entries()
    entries.update(dict.fromkeys(_unsaved))
    _unsaved.clear()
    while len(entries) > LIMIT:
        del entries[next(iter(entries))]
    data = json.dumps(list(entries)).encode("utf-8")
    with contextlib.suppress(WriterError):  # a read-only home, a full disk: checked next time
        atomic_write(path, [data], durable=False)
