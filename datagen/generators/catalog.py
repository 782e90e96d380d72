"""Every registered generator as data: what it makes, its params, the types it fills, and the
column names and types that select it (``datagen generators`` prints this).

Example:
    >>> catalog()["email"]["column_names"][:2]
    ['e_mail / eMail', 'email']
"""

from __future__ import annotations

import inspect
from typing import Any

from . import REGISTRY, TYPE_DEFAULTS
from .semantic import Rule, declared_rules


def _spellings(r: Rule) -> str:
    """``first_name`` -> ``first_name / firstName`` (and its conditions); one word stays as is."""
    words = r.words
    plain = (
        words[0]
        if len(words) == 1
        else (f"{'_'.join(words)} / {words[0]}{''.join(w.capitalize() for w in words[1:])}")
    )
    return plain + r.describe()[len(r.spelled) :]


def catalog() -> dict[str, dict[str, Any]]:
    """Every registered generator: what it is, its params, the types it fills, what picks it."""
    out = {}
    for name, cls in sorted(REGISTRY.items()):
        doc = (inspect.getdoc(cls) or "").split("\n\n")[0]
        out[name] = {
            "description": " ".join(doc.split()).replace("``", "`"),
            "params": {
                p: {"required": p in cls.required, "schema": schema}
                for p, schema in cls.params.items()
            },
            "types": sorted(cls.types) if cls.types is not None else None,
            "column_names": sorted(_spellings(r) for r in declared_rules(cls)),
            "default_for": sorted(t for t, d in TYPE_DEFAULTS.items() if d == name),
        }
    return out


def param_text(schema: dict) -> str:
    """A JSON-schema property in a few words: ``number 0..1``, ``uniform|normal``..."""
    if "enum" in schema:
        kind = "|".join(map(str, schema["enum"]))
    else:
        t = schema.get("type", "any")
        kind = "|".join(t) if isinstance(t, list) else t
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if lo is not None and hi is not None:
        return f"{kind} {lo}..{hi}"
    if lo is not None:
        return f"{kind} >= {lo}"
    if schema.get("exclusiveMinimum") is not None:
        return f"{kind} > {schema['exclusiveMinimum']}"
    return kind
