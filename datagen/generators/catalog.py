"""Every registered generator as data: what it makes, its params, the types it fills, and the
column names and types that select it (``datagen generators`` prints this).

Example:
    >>> catalog()["email"]["column_names"][:2]
    ['e_mail / eMail', 'email']
"""

from __future__ import annotations

import inspect
from typing import Any

from . import REGISTRY, SEMANTIC_RULES, TYPE_DEFAULTS


def _spellings(words: tuple[str, ...]) -> str:
    """``('first', 'name')`` -> ``first_name / firstName``; one word stays as it is."""
    if len(words) == 1:
        return words[0]
    return f"{'_'.join(words)} / {words[0]}{''.join(w.capitalize() for w in words[1:])}"


def catalog() -> dict[str, dict[str, Any]]:
    """Every registered generator: what it is, its params, the types it fills, what picks it."""
    picked_by: dict[str, list[str]] = {}
    for words, name in SEMANTIC_RULES:
        picked_by.setdefault(name, []).append(_spellings(words))
    picked_by.setdefault("full_name", []).append("name (in a table of people: users, ...)")
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
            "column_names": sorted(picked_by.get(name, [])),
            "default_for": sorted(t for t, d in TYPE_DEFAULTS.items() if d == name),
        }
    return out
