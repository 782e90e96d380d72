"""CHECK constraints of the forms SPEC section 2 promises to honour, folded into generator params.

``col > 0``, ``col BETWEEN a AND b`` and ``col IN (...)`` on a column that a range or enum
generator fills reshape that generator's params, so every row satisfies the CHECK by construction.
Any other CHECK is kept in the DDL and reported as not enforced.

Example:
    >>> check_bounds("price >= 1.5")
    ('price', {'min': (1.5, '>=')})
    >>> check_bounds("status IN ('a', 'b')")
    ('status', {'values': ['a', 'b']})
    >>> check_bounds("lower(name) <> ''") is None
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from ..generators.numeric import number_scale
from ..spec.model import Column, Table

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_CMP = re.compile(rf"^\(?\s*({_IDENT})\s*(>=|<=|>|<)\s*({_NUMBER})\s*\)?\Z")
_BETWEEN = re.compile(
    rf"^\(?\s*({_IDENT})\s+between\s+({_NUMBER})\s+and\s+({_NUMBER})\s*\)?\Z", re.I
)
_IN = re.compile(rf"^\(?\s*({_IDENT})\s+in\s*\((.*)\)\s*\)?\Z", re.I | re.S)

NUMERIC_BASES = frozenset({"smallint", "integer", "bigint", "numeric", "real", "double precision"})


def _ident(text: str) -> str:
    return text[1:-1].replace('""', '"') if text.startswith('"') else text.lower()


def check_bounds(expr: str) -> tuple[str, dict[str, Any]] | None:
    """(column, params to merge) for an enforceable CHECK, or None."""
    expr = expr.strip()
    m = _CMP.match(expr)
    if m:
        col, op, num = _ident(m[1]), m[2], float(m[3])
        return col, {("min" if op.startswith(">") else "max"): (num, op)}
    m = _BETWEEN.match(expr)
    if m:
        return _ident(m[1]), {"min": (float(m[2]), ">="), "max": (float(m[3]), "<=")}
    m = _IN.match(expr)
    if m:
        items = [i.strip() for i in m[2].split(",")]
        values = []
        for item in items:
            if re.fullmatch(_NUMBER, item):
                values.append(item)
            elif re.fullmatch(r"'(?:[^']|'')*'(?:::\w+(?:\s+\w+)?)?", item):
                values.append(item[1 : item.rindex("'")].replace("''", "'"))
            else:
                return None
        return _ident(m[1]), {"values": values}
    return None


@dataclass(frozen=True)
class FoldedChecks:
    """Columns whose CHECKs reshaped their generator, and the CHECKs left to the database."""

    overrides: dict[str, Column]
    unenforced: tuple[tuple[str, str], ...]  # (spec path, expression)


def fold_checks(t: Table) -> FoldedChecks:
    """Fold the table's enforceable CHECKs into its columns' generator params."""
    overrides: dict[str, Column] = {}
    unenforced: list[tuple[str, str]] = []
    fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
    for chk in t.checks:
        found = check_bounds(chk.expression)
        col = t.column(found[0]) if found and t.has_column(found[0]) else None
        if found is None or col is None:
            unenforced.append((chk.path, chk.expression))
            continue
        _, bounds = found
        if col.type.is_serial and "values" not in bounds:
            lo = bounds.get("min")
            if lo is not None and lo[0] < 1 and "max" not in bounds:
                continue  # a serial counts from 1: 'id > 0' holds already
        gen_name = col.generator
        if col.type.is_array or col.type.is_serial or col.name in fk_cols:
            unenforced.append((chk.path, chk.expression))
            continue
        numeric_col = col.type.base in NUMERIC_BASES
        col = overrides.get(col.name, col)
        params = dict(col.params)
        if "values" in bounds and gen_name in (None, "enum") and not numeric_col:
            allowed = bounds["values"]
            current = params.get("values") or list(col.type.enum_values)
            kept = [v for v in current if str(v) in allowed] if current else allowed
            params["values"] = kept or allowed
            overrides[col.name] = replace(col, generator="enum", params=params)
        elif "values" not in bounds and numeric_col and gen_name in (None, "range"):
            step = 10.0 ** -number_scale(col.type)
            for name, (num, op) in bounds.items():
                edge = num + step if op == ">" else num - step if op == "<" else num
                old = params.get(name)
                if old is None or (name == "min" and edge > old) or (name == "max" and edge < old):
                    params[name] = edge
            overrides[col.name] = replace(col, generator="range", params=params)
        else:
            unenforced.append((chk.path, chk.expression))
    return FoldedChecks(overrides, tuple(unenforced))
