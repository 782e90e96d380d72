"""CHECK and DEFAULT expressions, parsed by PostgreSQL's own grammar (pglast, libpg_query).

A spec's ``check``, ``checks`` and ``default`` text is never pasted into the DDL. It is parsed as
``SELECT <text>`` and must be exactly one statement with exactly one plain target and nothing else
(no FROM, WHERE, alias, set operation, ...); the scanner must see no comment and no ``;``. The DDL
is then printed from the tree (:func:`sql_text`), and that printed text must parse back to the
same tree, so what loads is what was validated: text such as ``x > 0)); DROP TABLE t; SELECT ((1``
or ``x > 0 -- )`` cannot reach the dump.

:func:`expression_problems` then walks the tree and refuses what a CHECK or DEFAULT must not do:
subqueries, parameters, aggregates and window functions, functions outside
:data:`ALLOWED_FUNCTIONS` (so nothing that reads or writes files, signals backends or changes
settings runs while the dump loads, as a superuser, once per row), operators or functions
qualified with a schema other than ``pg_catalog``, column references a CHECK's table lacks,
any column reference in a DEFAULT, and a few type errors cheap to see in the tree
(:func:`_type_problems`).

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
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pglast import ast, parse_sql
from pglast.enums.parsenodes import A_Expr_Kind
from pglast.parser import ParseError, scan
from pglast.stream import RawStream

from ..errors import suggest
from ..pgtypes import ALL_SPELLINGS, PgType

MAX_LENGTH = 4000  # characters; PostgreSQL's grammar and pglast's printer recurse per nesting level

# Functions a CHECK or DEFAULT may call: pg_catalog functions without side effects. Anything else
# (pg_read_file, lo_export, set_config, pg_terminate_backend, dblink, ...) is refused by validate.
ALLOWED_FUNCTIONS = frozenset(
    """
    abs age array_length array_lower array_ndims array_position array_upper bit_length btrim
    cardinality cbrt ceil ceiling char_length character_length clock_timestamp concat concat_ws
    date_part date_trunc div exp extract family floor gen_random_uuid host initcap isfinite
    json_array_length json_typeof jsonb_array_length jsonb_typeof justify_days justify_hours
    justify_interval left length ln log lower lpad ltrim make_date make_interval make_time
    make_timestamp make_timestamptz masklen md5 mod now num_nonnulls num_nulls octet_length
    overlay position power random regexp_like regexp_replace replace reverse right round rpad
    rtrim sign split_part sqrt starts_with statement_timestamp strpos substr substring timezone
    to_char to_date to_number to_timestamp transaction_timestamp translate trunc upper
    """.split()
)

# Node types an expression may contain; any other (SubLink, ParamRef, ...) is refused.
_ALLOWED_NODES = (
    ast.A_Expr, ast.BoolExpr, ast.A_Const, ast.ColumnRef, ast.FuncCall, ast.TypeCast,
    ast.TypeName, ast.String, ast.Integer, ast.Float, ast.Boolean, ast.BitString, ast.NullTest,
    ast.BooleanTest, ast.CoalesceExpr, ast.MinMaxExpr, ast.CaseExpr, ast.CaseWhen,
    ast.A_ArrayExpr, ast.SQLValueFunction, ast.CollateClause, ast.A_Indirection, ast.A_Indices,
    ast.RowExpr,
)  # fmt: skip

TEXT_BASES = frozenset({"text", "varchar", "char"})
NUMBER_BASES = frozenset(
    {"smallint", "integer", "bigint", "numeric", "real", "double precision"}
    | {"smallserial", "serial", "bigserial"}
)
_TEXT_FUNCTIONS = frozenset(
    "btrim char_length character_length initcap left length lower lpad ltrim right rpad rtrim "
    "split_part starts_with strpos substr upper".split()
)
# one-word type names PostgreSQL finds in pg_catalog (dumps load with search_path = '')
_TYPE_NAMES = frozenset(
    [n for n in ALL_SPELLINGS if " " not in n]
    + "bpchar timetz name oid bit varbit money int4range int8range numrange daterange tsrange "
    "tstzrange tsvector tsquery regclass".split()
)
_COMPARISONS = frozenset({"<", "<=", ">", ">=", "=", "<>", "!="})


class ExpressionError(ValueError):
    """The text is not exactly one expression; ``hint`` says what to write instead."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _plain_select() -> Any:
    return parse_sql("SELECT 1")[0].stmt


def _parse(text: str) -> ast.Node:
    """The one target of ``SELECT text``; ExpressionError unless that is all there is."""
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
    return RawStream()(parse_expression(text))


def walk(node: Any, prune: Callable[[ast.Node], bool] | None = None) -> Iterator[ast.Node]:
    """Every node under ``node`` (itself included), depth first, left to right, without
    recursion; the children of a node for which ``prune`` is true are skipped."""
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
    return [str(n.sval) for n in nodes or () if isinstance(n, ast.String)]


def column_name(node: Any) -> str | None:
    """The column a bare ``ColumnRef`` names (``x``, ``"Weird Col"``), else None."""
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


def constant(node: Any) -> float | str | None:
    """A numeric constant as float, a string constant as str, else None (NULL included)."""
    if isinstance(node, ast.A_Const) and not node.isnull:
        v: Any = node.val
        if isinstance(v, ast.Integer):
            return float(v.ival or 0)
        if isinstance(v, ast.Float):
            return float(v.fval or 0)
        if isinstance(v, ast.String):
            return str(v.sval)
    return None


def _node_problem(
    node: ast.Node, what: str, enums: frozenset[tuple[str, str]]
) -> tuple[str, str] | None:
    if not isinstance(node, _ALLOWED_NODES):
        if isinstance(node, ast.SubLink):
            return f"a {what} cannot contain a subquery", "compare with constants or columns"
        name = type(node).__name__
        return f"{name} is not allowed in a {what}", "use operators, constants and columns"
    if isinstance(node, ast.FuncCall):
        names = _names(node.funcname)
        fname = names[-1] if names else "?"
        if len(names) > 1 and names[0] != "pg_catalog":
            return (
                f"function {'.'.join(names)}() is outside pg_catalog",
                "a dump defines no functions: use a built-in function",
            )
        if node.agg_star or node.agg_distinct or node.over or node.agg_filter or node.agg_order:
            return f"{fname}(): aggregates and window functions are not allowed", "remove it"
        if fname not in ALLOWED_FUNCTIONS:
            return (
                f"function {fname}() is not allowed in a {what}",
                "datagen allows pure built-ins such as now(), lower(), length(), abs(), "
                "gen_random_uuid() (docs/spec.md lists them)",
            )
    op = _names(node.name) if isinstance(node, ast.A_Expr) else []
    if len(op) > 1 and op[0] != "pg_catalog":
        return "OPERATOR() outside pg_catalog is not allowed", "use a built-in operator"
    if isinstance(node, ast.TypeName):
        names = _names(node.names)
        ok = (len(names) == 1 and names[0] in _TYPE_NAMES) or (
            len(names) == 2 and (names[0] == "pg_catalog" or (names[0], names[1]) in enums)
        )
        if not ok:
            shown = ".".join(names)
            hint = (
                f"write public.{names[0]}: dumps load with an empty search_path"
                if ("public", names[0]) in enums
                else "cast to a built-in type or to public.ENUM of the dataset"
            )
            return f"unknown type {shown!r} in a cast", hint
    if isinstance(node, ast.ColumnRef) and column_name(node) is None:
        return (
            "only a bare column name may be referenced (no table prefix, no *)",
            "write the column's name alone",
        )
    return None


def _kind(t: PgType | None) -> str | None:
    if t is None or t.is_array:
        return None
    if t.base in TEXT_BASES:
        return "text"
    if t.base in NUMBER_BASES:
        return "number"
    return t.base


def _type_problems(node: ast.Node, columns: dict[str, PgType]) -> list[tuple[str, str]]:
    """Obvious type errors: a text function, LIKE or regex on a column that is not text; a
    comparison of a text column with a number, or of a number column with a non-number string."""

    def kind(n: Any) -> str | None:
        name = column_name(n)
        return _kind(columns.get(name)) if name is not None else None

    out: list[tuple[str, str]] = []
    if isinstance(node, ast.FuncCall):
        fname = _names(node.funcname)[-1]
        if fname in _TEXT_FUNCTIONS and node.args:
            k = kind(node.args[0])
            if k not in (None, "text"):
                out.append(
                    (
                        f"{fname}() takes text, but column {column_name(node.args[0])!r} is {k}",
                        f"cast it: {fname}(col::text), or use a check that fits a {k}",
                    )
                )
    elif isinstance(node, ast.A_Expr):
        op = _names(node.name)[-1] if node.name else ""
        likes = (A_Expr_Kind.AEXPR_LIKE, A_Expr_Kind.AEXPR_ILIKE)
        text_op = node.kind in (*likes, A_Expr_Kind.AEXPR_SIMILAR) or (
            node.kind == A_Expr_Kind.AEXPR_OP and op in ("~", "~*", "!~", "!~*")
        )
        k = kind(node.lexpr)
        if text_op and k not in (None, "text"):
            out.append(
                (
                    f"pattern matching needs text, but column {column_name(node.lexpr)!r} is {k}",
                    "cast it to text or compare it with a value of its type",
                )
            )
        if node.kind == A_Expr_Kind.AEXPR_OP and op in _COMPARISONS:
            for col, other in ((node.lexpr, node.rexpr), (node.rexpr, node.lexpr)):
                k, c = kind(col), constant(other)
                bad = (k == "text" and isinstance(c, float)) or (
                    k == "number" and isinstance(c, str) and not _is_number(c)
                )
                if bad:
                    out.append(
                        (
                            f"column {column_name(col)!r} ({k}) is compared with {c!r}",
                            "compare a text column with a quoted string, a number column "
                            "with a number",
                        )
                    )
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def expression_problems(
    text: str, what: str, columns: dict[str, PgType] | None, enums: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(message, hint) for each reason ``text`` cannot be a ``what`` ("CHECK" or "DEFAULT").

    ``columns`` are the table's columns a CHECK may name; None for a DEFAULT, which may name none.
    ``enums`` are the dataset's enum types, which a cast may name as ``public.NAME``.
    """
    enum_types = frozenset(("public", e) for e in enums)
    try:
        tree = parse_expression(text)
    except ExpressionError as e:
        return [(e.message, e.hint)]
    out: list[tuple[str, str]] = []
    refused: set[int] = set()  # ids of refused nodes: what is inside them is not looked at

    for node in walk(tree, lambda n: id(n) in refused):
        found = _node_problem(node, what, enum_types)
        if found is not None:
            out.append(found)
            refused.add(id(node))
            continue
        name = column_name(node)
        if name is not None and columns is None:
            out.append(
                (
                    f"a DEFAULT cannot reference a column ({name!r})",
                    "use a constant or a function such as now(); PostgreSQL forbids columns here",
                )
            )
        elif name is not None and columns is not None and name not in columns:
            out.append(
                (
                    f"the CHECK names column {name!r}, which the table does not have",
                    suggest(name, columns) or f"columns: {', '.join(columns)}",
                )
            )
        elif columns is not None:
            out += _type_problems(node, columns)
    return list(dict.fromkeys(out))
