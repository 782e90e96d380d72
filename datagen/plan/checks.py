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

import decimal
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..generators.numeric import number_scale
from ..spec.expressions import ExpressionError, column_name, constant, parse_expression
from ..spec.model import Column, Table

if TYPE_CHECKING:  # pglast loads with the first CHECK parsed
    from pglast import ast

NUMERIC_BASES = frozenset({"smallint", "integer", "bigint", "numeric", "real", "double precision"})

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _op(node: ast.A_Expr) -> str | None:
    from pglast import ast

    names = [n.sval for n in node.name or () if isinstance(n, ast.String)]
    return names[0] if len(names) == 1 else None


def _number(node: Any) -> float | None:
    c = constant(node)
    return c if isinstance(c, float) else None


def _in_value(node: Any) -> str | None:
    """An IN list item as SPEC reads it: a number's text, or a string (optionally cast)."""
    from pglast import ast

    if isinstance(node, ast.TypeCast):
        node = node.arg
        return (
            node.val.sval
            if isinstance(node, ast.A_Const) and isinstance(node.val, ast.String)
            else None
        )
    if isinstance(node, ast.A_Const) and not node.isnull:
        v = node.val
        if isinstance(v, ast.Integer):
            return str(v.ival)
        if isinstance(v, ast.Float):
            return str(v.fval)
        if isinstance(v, ast.String):
            return v.sval
    return None


@dataclass(frozen=True)
class Pair:
    """A CHECK ordering two columns of a row: ``low < high`` (``strict``) or ``low <= high``."""

    low: str
    high: str
    strict: bool
    path: str
    expression: str


def check_pair(expr: str) -> tuple[str, str, bool] | None:
    """(low, high, strict) for ``a < b``, ``a <= b``, ``a > b`` or ``a >= b``, else None.

    Example:
        >>> check_pair("shipped_at >= placed_at")
        ('placed_at', 'shipped_at', False)
    """
    from pglast import ast
    from pglast.enums.parsenodes import A_Expr_Kind

    try:
        tree = parse_expression(expr)
    except ExpressionError:
        return None
    if not isinstance(tree, ast.A_Expr) or tree.kind != A_Expr_Kind.AEXPR_OP:
        return None
    op = _op(tree)
    left, right = column_name(tree.lexpr), column_name(tree.rexpr)
    if op not in _FLIP or left is None or right is None or left == right:
        return None
    return (left, right, op == "<") if op.startswith("<") else (right, left, op == ">")


def check_bounds(expr: str) -> tuple[str, dict[str, Any]] | None:
    """(column, params to merge) for an enforceable CHECK, or None."""
    from pglast import ast
    from pglast.enums.parsenodes import A_Expr_Kind

    try:
        tree = parse_expression(expr)
    except ExpressionError:
        return None
    if not isinstance(tree, ast.A_Expr):
        return None
    op = _op(tree)
    if tree.kind == A_Expr_Kind.AEXPR_OP and op in _FLIP:
        col, num = column_name(tree.lexpr), _number(tree.rexpr)
        if col is None:  # the constant on the left: 1 <= x is x >= 1
            col, num, op = column_name(tree.rexpr), _number(tree.lexpr), _FLIP[op]
        if col is None or num is None:
            return None
        return col, {("min" if op.startswith(">") else "max"): (num, op)}
    col = column_name(tree.lexpr)
    if col is None:
        return None
    if tree.kind == A_Expr_Kind.AEXPR_BETWEEN and isinstance(tree.rexpr, tuple):
        lo, hi = (_number(n) for n in tree.rexpr)
        if lo is None or hi is None:
            return None
        return col, {"min": (lo, ">="), "max": (hi, "<=")}
    if tree.kind == A_Expr_Kind.AEXPR_IN and op == "=" and isinstance(tree.rexpr, tuple):
        values = [_in_value(n) for n in tree.rexpr]
        if any(v is None for v in values):
            return None
        return col, {"values": values}
    return None


@dataclass(frozen=True)
class FoldedChecks:
    """Columns whose CHECKs reshaped their generator, and the CHECKs left to the database."""

    overrides: dict[str, Column]
    unenforced: tuple[tuple[str, str], ...]  # (spec path, expression)
    pairs: tuple[Pair, ...] = ()  # for the plan to order (plan/pairs.py)
    #: (spec path, message, hint): a CHECK no value of the column's explicit params satisfies
    conflicts: tuple[tuple[str, str, str], ...] = ()
    #: the numeric bounds the CHECKs of each column set (strict bounds moved by one step)
    bounds: dict[str, dict[str, float]] = field(default_factory=dict)


def fold_checks(t: Table) -> FoldedChecks:
    """Fold the table's enforceable CHECKs into its columns' generator params."""
    overrides: dict[str, Column] = {}
    unenforced: list[tuple[str, str]] = []
    pairs: list[Pair] = []
    conflicts: list[tuple[str, str, str]] = []
    bounds_of: dict[str, dict[str, float]] = {}
    fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
    for chk in t.checks:
        pair = check_pair(chk.expression)
        if pair and all(t.has_column(c) for c in pair[:2]):
            pairs.append(Pair(*pair, chk.path, chk.expression))
            continue
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
            if current and not kept and "values" in col.params:
                conflicts.append(_conflict(chk.path, chk.expression, "values", col.params))
            params["values"] = kept or allowed
            overrides[col.name] = replace(col, generator="enum", params=params)
        elif "values" not in bounds and numeric_col and gen_name in (None, "range"):
            step = decimal.Decimal(1).scaleb(-number_scale(col.type))
            for name, (num, op) in bounds.items():
                edge = _edge(num, op, step)
                other = "max" if name == "min" else "min"
                given = col.params.get(other)
                if isinstance(given, (int, float)) and (
                    given < edge if name == "min" else given > edge
                ):
                    conflicts.append(_conflict(chk.path, chk.expression, other, col.params))
                old = params.get(name)
                if old is None or (name == "min" and edge > old) or (name == "max" and edge < old):
                    params[name] = edge
            overrides[col.name] = replace(col, generator="range", params=params)
            bounds_of[col.name] = {k: params[k] for k in ("min", "max") if k in params}
        else:
            unenforced.append((chk.path, chk.expression))
    return FoldedChecks(overrides, tuple(unenforced), tuple(pairs), tuple(conflicts), bounds_of)


def _edge(num: float, op: str, step: decimal.Decimal) -> float | int:
    """The value nearest ``num`` on the allowed side of ``op`` that a column of this ``step``
    (one unit of its scale) can hold: ``x > 0.5`` in an integer column starts at 1."""
    units = decimal.Decimal(str(num)) / step
    rounding = decimal.ROUND_FLOOR if op.startswith("<") else decimal.ROUND_CEILING
    whole = units.to_integral_value(rounding)
    if op in (">", "<") and whole == units:  # strict: one step past the constant itself
        whole += 1 if op == ">" else -1
    edge = whole * step
    return int(edge) if step == 1 else float(edge)


def _conflict(path: str, expr: str, param: str, params: dict[str, Any]) -> tuple[str, str, str]:
    return (
        path,
        f"CHECK ({expr}) contradicts the column's params: no value with {param} "
        f"{params[param]!r} satisfies it",
        f"change params.{param}, or the CHECK",
    )
