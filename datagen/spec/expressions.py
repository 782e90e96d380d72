"""CHECK and DEFAULT expressions, parsed by PostgreSQL's own grammar (pglast, libpg_query).

A spec's ``check``, ``checks`` and ``default`` text is never pasted into the DDL. It is parsed as
``SELECT <text>`` and must be exactly one statement with exactly one plain target and nothing else
(no FROM, WHERE, alias, set operation, ...); the scanner must see no comment and no ``;``. The DDL
is then printed from the tree (:func:`sql_text`), and that printed text must parse back to the
same tree, so what loads is what was validated: text such as ``x > 0)); DROP TABLE t; SELECT ((1``
or ``x > 0 -- )`` cannot reach the dump.

:mod:`.expression_checks` then walks the tree and refuses what a CHECK or DEFAULT must not do.

Example:
    >>> sql_text("price >= 1.5 AND status IN ('a', 'b--;''')")
    "price >= 1.5 AND status IN ('a', 'b--;''')"
    >>> sql_text("'active'::text")
    "CAST('active' AS text)"
    >>> parse_expression("x > 0)); CREATE TABLE pwned (i int); SELECT ((1")
    Traceback (most recent call last):
    ...
    datagen.spec.expressions.ExpressionError: not one expression: ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pglast (0.04 s to import) loads with the first expression parsed
    from pglast import ast

MAX_LENGTH = 4000  # characters; PostgreSQL's grammar and pglast's printer recurse per nesting level


class ExpressionError(ValueError):
    """The text is not exactly one expression; ``hint`` says what to write instead."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _plain_select() -> Any:
    from pglast import parse_sql

    return parse_sql("SELECT 1")[0].stmt


def _parse(text: str) -> ast.Node:
    """The one target of ``SELECT text``; ExpressionError unless that is all there is."""
    from pglast import ast, parse_sql
    from pglast.parser import ParseError

    try:
        stmts = parse_sql("SELECT " + text)
    except ParseError as e:
        at = e.args[1] if len(e.args) > 1 else None
        where = f" at character {at - 7}" if isinstance(at, int) and at > 7 else ""
        raise ExpressionError(
            f"not a valid SQL expression: {e.args[0]}{where}",
            "write one SQL expression, as inside CHECK (...) or after DEFAULT",
        ) from None
    one = "write one expression: no ';', no FROM, WHERE, AS, UNION or other clauses"
    if len(stmts) != 1 or not isinstance(stmts[0].stmt, ast.SelectStmt):
        raise ExpressionError("not one expression: the text holds more than one statement", one)
    stmt: Any = stmts[0].stmt
    plain = _plain_select()
    extra = [
        s for s in stmt.__slots__ if s != "targetList" and getattr(stmt, s) != getattr(plain, s)
    ]
    targets: Any = stmt.targetList or ()
    if extra or len(targets) != 1 or targets[0].name or targets[0].indirection:
        what = ", ".join(extra) or "several values or an alias"
        raise ExpressionError(f"not one expression: the text adds {what}", one)
    return targets[0].val


@functools.lru_cache(maxsize=4096)
def parse_expression(text: str) -> ast.Node:
    """The tree of ``text``, which must be exactly one SQL expression with no comment.

    Raises :class:`ExpressionError`. The result is shared (cached): do not modify it.
    """
    from pglast.parser import ParseError, scan
    from pglast.stream import RawStream

    if not text.strip():
        raise ExpressionError("the expression is empty", "write an SQL expression")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long (at most {MAX_LENGTH})", "shorten it"
        )
    if "\x00" in text:
        raise ExpressionError("the expression contains a NUL character", "remove it")
    try:
        try:
            tokens = scan(text)
        except ParseError:  # an unterminated string or quoted name: the parser explains it
            tokens = []
        for tok in tokens:
            if tok.name in ("SQL_COMMENT", "C_COMMENT"):
                raise ExpressionError(
                    f"the expression contains a comment ({text[tok.start : tok.start + 2]})",
                    "remove the comment; inside a string literal '--' and '/*' are fine",
                )
            if tok.name == "ASCII_59":  # ';'
                raise ExpressionError(
                    "not one expression: ';' ends a statement",
                    "remove the ';' (inside a string literal it is fine)",
                )
        tree = _parse(text)
        printed = RawStream()(tree)
        if _parse(printed) != tree:  # pragma: no cover - a pglast printer bug
            raise ExpressionError(
                "the expression does not print back to itself", "write it more simply"
            )
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply", "simplify it") from None
    return tree


@functools.lru_cache(maxsize=4096)
def sql_text(text: str) -> str:
    """The SQL the dump holds for ``text``: its tree, printed by pglast.

    Raises :class:`ExpressionError` for text that is not exactly one expression.
    """
    from pglast.stream import RawStream

    return RawStream()(parse_expression(text))


def walk(node: Any, prune: Callable[[ast.Node], bool] | None = None) -> Iterator[ast.Node]:
    """Every node under ``node`` (itself included), depth first, left to right, without
    recursion; the children of a node for which ``prune`` is true are skipped."""
    from pglast import ast

    stack = [node]
    while stack:
        n: Any = stack.pop()
        if isinstance(n, tuple):
            stack.extend(reversed(n))
        elif isinstance(n, ast.Node):
            yield n
            if prune is None or not prune(n):
                slots: tuple[str, ...] = n.__slots__  # type: ignore[attr-defined]
                stack.extend(reversed([getattr(n, s) for s in slots]))


def _names(nodes: Any) -> list[str]:
    from pglast import ast

    return [str(n.sval) for n in nodes or () if isinstance(n, ast.String)]


def column_name(node: Any) -> str | None:
    """The column a bare ``ColumnRef`` names (``x``, ``"Weird Col"``), else None."""
    from pglast import ast

    if isinstance(node, ast.ColumnRef) and node.fields and len(node.fields) == 1:
        f = node.fields[0]
        return str(f.sval) if isinstance(f, ast.String) else None
    return None


def referenced_columns(text: str) -> list[str]:
    """The bare column names ``text`` references, in order of appearance (an invalid text: none)."""
    try:
        tree = parse_expression(text)
    except ExpressionError:
        return []
    return [n for node in walk(tree) if (n := column_name(node)) is not None]


def literal_text(text: str) -> str | None:
    """The value of an expression that is one constant (``0``, ``-1.5``, ``'x'``, ``true``), as
    PostgreSQL reads its text; None for anything else (a call, a cast, NULL, an invalid text)."""
    from pglast import ast

    try:
        node: Any = parse_expression(text)
    except ExpressionError:
        return None
    sign = ""
    if isinstance(node, ast.A_Expr) and node.lexpr is None and _names(node.name) == ["-"]:
        sign, node = "-", node.rexpr
    if not isinstance(node, ast.A_Const) or node.isnull:
        return None
    v: Any = node.val
    if isinstance(v, ast.Integer):
        return f"{sign}{v.ival or 0}"
    if isinstance(v, ast.Float):
        return f"{sign}{v.fval}"
    if isinstance(v, ast.Boolean) and not sign:
        return "true" if v.boolval else "false"
    if isinstance(v, ast.String) and not sign:
        return str(v.sval)
    return None


def constant(node: Any) -> float | str | None:
    """A numeric constant as float, a string constant as str, else None (NULL included)."""
    from pglast import ast

    if isinstance(node, ast.A_Const) and not node.isnull:
        v: Any = node.val
        if isinstance(v, ast.Integer):
            return float(v.ival or 0)
        if isinstance(v, ast.Float):
            return float(v.fval or 0)
        if isinstance(v, ast.String):
            return str(v.sval)
    return None
