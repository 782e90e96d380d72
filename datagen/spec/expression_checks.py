"""What a CHECK or DEFAULT must not do, read from its parse tree (:mod:`.expressions`).

:func:`expression_problems` refuses subqueries, parameters, aggregates and window functions,
functions outside :data:`ALLOWED_FUNCTIONS` (so nothing that reads or writes files, signals
backends or changes settings runs while the dump loads, as a superuser, once per row), operators
or functions qualified with a schema other than ``pg_catalog``, column references a CHECK's table
lacks, any column reference in a DEFAULT, a keyword such as ``user`` that reads as a function
where the table has a column of that name, and a few type errors cheap to see in the tree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pglast import ast
from pglast.enums.parsenodes import A_Expr_Kind

from ..errors import suggest
from ..pgtypes import ALL_SPELLINGS, PgType
from .expressions import (
    ExpressionError,
    _names,
    column_name,
    constant,
    literal_text,
    parse_expression,
    walk,
)

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
        pairs: list[tuple[Any, Any]] = []
        if node.kind == A_Expr_Kind.AEXPR_OP and op in _COMPARISONS:
            pairs = [(node.lexpr, node.rexpr), (node.rexpr, node.lexpr)]
        elif node.kind in _LIST_KINDS and isinstance(node.rexpr, (list, tuple)):
            pairs = [(node.lexpr, item) for item in node.rexpr]  # BETWEEN a AND b, IN (...)
        for col, other in pairs:
            k, c = kind(col), constant(other)
            bad = (k == "text" and isinstance(c, float)) or (
                k == "number" and isinstance(c, str) and not _is_number(c)
            )
            if bad:
                shown = int(c) if isinstance(c, float) and c.is_integer() else c
                out.append(
                    (
                        f"column {column_name(col)!r} ({k}) is compared with {shown!r}",
                        "compare a text column with a quoted string, a number column with a number",
                    )
                )
    return out


_LIST_KINDS = (
    A_Expr_Kind.AEXPR_IN,
    A_Expr_Kind.AEXPR_BETWEEN,
    A_Expr_Kind.AEXPR_NOT_BETWEEN,
    A_Expr_Kind.AEXPR_BETWEEN_SYM,
    A_Expr_Kind.AEXPR_NOT_BETWEEN_SYM,
)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _keyword_column(node: object, columns: dict[str, PgType] | None) -> str | None:
    """A keyword such as ``user`` or ``current_date`` that reads as a function (SQLValueFunction)
    where the table has a column of that name: the author meant the column."""
    if not columns or not isinstance(node, ast.SQLValueFunction):
        return None
    if node.op is None:
        return None
    word = node.op.name.removeprefix("SVFOP_").lower()
    return word if word in columns else None


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
        keyword = _keyword_column(node, columns)
        if keyword is not None:
            out.append(
                (
                    f"{keyword} here is PostgreSQL's {keyword.upper()} function, not the column "
                    f"{keyword!r}",
                    f'quote the column: "{keyword}"',
                )
            )
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


# what common built-ins return, and the column kinds (see _kind) that accept it by assignment
_RETURNS = {
    "now": "timestamptz",
    "current_timestamp": "timestamptz",
    "clock_timestamp": "timestamptz",
    "statement_timestamp": "timestamptz",
    "transaction_timestamp": "timestamptz",
    "localtimestamp": "timestamp",
    "current_date": "date",
    "current_time": "time",
    "localtime": "time",
    "gen_random_uuid": "uuid",
    "random": "number",
}
_ACCEPTS = {
    "timestamptz": {"timestamptz", "timestamp", "date", "time", "text"},
    "timestamp": {"timestamptz", "timestamp", "date", "time", "text"},
    "date": {"timestamptz", "timestamp", "date", "text"},
    "time": {"time", "text"},
    "uuid": {"uuid", "text"},
    "number": {"number", "text"},
}


def _returns(node: Any) -> str | None:
    """What a DEFAULT that is one known built-in call returns (None: not known)."""
    if isinstance(node, ast.FuncCall):
        names = _names(node.funcname)
        return _RETURNS.get(names[-1]) if names else None
    if isinstance(node, ast.SQLValueFunction) and node.op is not None:
        return _RETURNS.get(node.op.name.removeprefix("SVFOP_").lower())
    return None


def default_problems(text: str, pgtype: PgType, enums: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(message, hint) for each reason ``text`` cannot be the DEFAULT of a ``pgtype`` column: the
    expression's own problems, a constant the type refuses (``DEFAULT 'x'`` on a smallint), or a
    known built-in whose result the type refuses (``DEFAULT now()`` on a smallint)."""
    from ..generators.base import literal_problem  # the same parsers that check user values

    found = expression_problems(text, "DEFAULT", None, enums)
    if not found and not pgtype.is_array:
        returns, kind = _returns(parse_expression(text)), _kind(pgtype)
        if returns is not None and kind is not None and kind not in _ACCEPTS[returns]:
            found.append(
                (
                    f"DEFAULT {text} gives a {returns} value, which a column of type "
                    f"{pgtype.ddl()} cannot hold",
                    "give a default of the column's type",
                )
            )
    value = None if found or pgtype.is_array else literal_text(text)
    why = None if value is None else literal_problem(value, pgtype)
    if why is not None:
        found.append((f"DEFAULT {text}: {why}", "give a value of the column's type"))
    return found
