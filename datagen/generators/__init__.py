"""Choosing a column's generator (SPEC section 2): explicit, then semantic, then the type's default.

Example:
    >>> semantic_match("billingCity", "varchar")
    ('city', 'billing')
    >>> semantic_match("email", "integer") is None   # never against the type
    True
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..spec import known_valid
from . import (  # noqa: F401  (registration)
    arrays,
    choice,
    commerce,
    company,
    events,
    fakerprov,
    lifecycle,
    network,
    numeric,
    pattern,
    payment,
    people,
    person,
    place,
    profile,
    prose,
    quantities,
    semantic,
    temporal,
    text,
    web,
)
from .base import REGISTRY, ColumnContext, Generator, UnknownGenerator, get_or_raise

if TYPE_CHECKING:
    import jsonschema

__all__ = [
    "REGISTRY",
    "ColumnContext",
    "Generator",
    "UnknownGenerator",
    "make",
    "resolve",
    "semantic",
    "semantic_match",
]

TYPE_DEFAULTS = {
    # a serial column counts 1, 2, 3 (the plan's counter); these serve one whose own generator
    # could not be made, so validation can go on and report the rest
    "smallserial": "sequence",
    "serial": "sequence",
    "bigserial": "sequence",
    "smallint": "range",
    "integer": "range",
    "bigint": "range",
    "numeric": "range",
    "real": "range",
    "double precision": "range",
    "boolean": "boolean",
    "char": "code",
    "varchar": "words",
    "text": "words",
    "bytea": "bytea",
    "date": "timeseries",
    "timestamp": "timeseries",
    "timestamptz": "timeseries",
    "time": "time",
    "interval": "interval",
    "uuid": "uuid",
    "json": "json",
    "jsonb": "json",
    "inet": "ipv4",
    "cidr": "cidr",
    "macaddr": "macaddr",
    "enum": "enum",
}


def semantic_match(
    column: str, base: str, table: str = "", length: int | None = None
) -> tuple[str, str] | None:
    """(generator, group) chosen from the column name, only where the type can hold it."""
    found = semantic.detect(column, base, table, length)
    return (found.generator, found.group) if found else None


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _params_schema(cls: type[Generator]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": cls.params,
        "required": list(cls.required),
        "additionalProperties": False,
    }


_SCHEMA_DIGESTS: dict[type[Generator], str] = {}


def _params_schema_digest(cls: type[Generator]) -> str:
    if cls not in _SCHEMA_DIGESTS:
        _SCHEMA_DIGESTS[cls] = known_valid.schema_digest(_params_schema(cls))
    return _SCHEMA_DIGESTS[cls]


def _param_errors(cls: type[Generator], params: Any) -> list[jsonschema.ValidationError]:
    """What jsonschema says of ``params`` against ``cls.params``: nothing, without importing it,
    for params it passed before (:mod:`datagen.spec.known_valid`)."""
    if not params and not cls.required:  # {} against an object schema requiring nothing
        return []
    if known_valid.known(_params_schema_digest(cls), params):
        return []
    import jsonschema

    errors = list(jsonschema.Draft202012Validator(_params_schema(cls)).iter_errors(params))
    if not errors:
        known_valid.remember(_params_schema_digest(cls), params)
    return errors


def make(ctx: ColumnContext, name: str, params: dict[str, Any]) -> Generator:
    """Instantiate generator ``name`` for ``ctx``; problems are left in ``gen.problems``."""
    cls = get_or_raise(name)
    problems: list[tuple[str, str | None]] = []
    for err in _param_errors(cls, _jsonable(params)):
        where = ".".join(map(str, err.path))
        if err.validator == "additionalProperties":
            from ..errors import suggest

            for extra in sorted(set(err.instance) - set(cls.params)):
                allowed = ", ".join(cls.params) or "none"
                problems.append(
                    (
                        f"generator {name!r} has no parameter {extra!r}",
                        suggest(extra, cls.params) or f"its parameters: {allowed}",
                    )
                )
            continue
        problems.append((f"params{'.' + where if where else ''}: {err.message}", None))
    if cls.types is not None and ctx.pgtype.base not in cls.types:
        problems.append(
            (
                f"generator {name!r} cannot fill a column of type {ctx.pgtype.ddl()}",
                f"it makes {', '.join(sorted(cls.types))}",
            )
        )
    return cls(ctx, dict(params) if not problems else {}, problems)


def resolve(ctx: ColumnContext) -> Generator:
    """The generator for a column by SPEC section 2's rules (key columns are the plan's job)."""
    col = ctx.column
    params = dict(col.params)
    if ctx.column.type.is_array:
        length = params.pop("length", [0, 4])  # checked by ArrayOf
        element = _element(ctx, params)
        return arrays.ArrayOf(ctx, {"length": length}, element)
    return _element(ctx, params)


def _element(ctx: ColumnContext, params: dict[str, Any]) -> Generator:
    col, t = ctx.column, ctx.pgtype
    if col.generator:
        return make(ctx, col.generator, params)
    found = semantic.detect(col.name, t.base, ctx.table.name, t.length)
    if found:
        return make(replace(ctx, group=found.group), found.generator, params)
    name = TYPE_DEFAULTS[t.base]
    if ctx.unique and name == "range" and not params:
        hi = numeric.type_bounds(t)[1]
        params = {"min": 1, "max": int(hi) if t.int_range else min(int(hi), 10**12)}
    return make(ctx, name, params)
