"""Choosing a column's generator (SPEC section 2): explicit, then semantic, then the type's default.

Example:
    >>> semantic_match("billingCity", "varchar")
    ('city', 'billing')
    >>> semantic_match("email", "integer") is None   # never against the type
    True
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import jsonschema

from . import arrays, choice, network, numeric, person, temporal, text  # noqa: F401  (registration)
from .base import REGISTRY, ColumnContext, Generator, UnknownGenerator, get_or_raise

__all__ = [
    "REGISTRY",
    "ColumnContext",
    "Generator",
    "UnknownGenerator",
    "make",
    "resolve",
    "semantic_match",
]

# (name tokens at the end of the column name, generator). First match wins; the words before the
# match name the column's group (``billing_city`` -> group "billing").
SEMANTIC_RULES: list[tuple[tuple[str, ...], str]] = [
    (("email", "address"), "email"),
    (("email",), "email"),
    (("e", "mail"), "email"),
    (("mail",), "email"),
    (("first", "name"), "first_name"),
    (("firstname",), "first_name"),
    (("given", "name"), "first_name"),
    (("fname",), "first_name"),
    (("last", "name"), "last_name"),
    (("lastname",), "last_name"),
    (("family", "name"), "last_name"),
    (("surname",), "last_name"),
    (("lname",), "last_name"),
    (("full", "name"), "full_name"),
    (("fullname",), "full_name"),
    (("phone", "number"), "phone"),
    (("phone",), "phone"),
    (("telephone",), "phone"),
    (("mobile",), "phone"),
    (("cell", "phone"), "phone"),
    (("city",), "city"),
    (("town",), "city"),
    (("created", "at"), "created_at"),
    (("created", "on"), "created_at"),
    (("created",), "created_at"),
    (("inserted", "at"), "created_at"),
    (("updated", "at"), "updated_at"),
    (("updated", "on"), "updated_at"),
    (("modified", "at"), "updated_at"),
    (("updated",), "updated_at"),
    (("birth", "date"), "birth_date"),
    (("date", "of", "birth"), "birth_date"),
    (("birthdate",), "birth_date"),
    (("birthday",), "birth_date"),
    (("dob",), "birth_date"),
    (("ip", "address"), "ipv4"),
    (("ipv4",), "ipv4"),
    (("ip",), "ipv4"),
    (("mac", "address"), "macaddr"),
]

# ``name`` alone means a person's full name in tables of people.
PEOPLE_TABLES = re.compile(
    r"(user|customer|client|employee|person|people|member|patient|author|contact|student|staff|"
    r"account|doctor|physician|driver|owner|buyer|seller|subscriber|player)s?\Z"
)

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


def tokens(name: str) -> list[str]:
    """``billingCity`` / ``billing_city`` / ``Billing-City`` -> ``['billing', 'city']``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [t for t in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if t]


def semantic_match(column: str, base: str, table: str = "") -> tuple[str, str] | None:
    """(generator, group) chosen from the column name, only where the type can hold it."""
    toks = tokens(column)
    for suffix, gen in SEMANTIC_RULES:
        if len(toks) >= len(suffix) and tuple(toks[-len(suffix) :]) == suffix:
            types = REGISTRY[gen].types
            if types is not None and base not in types:
                return None
            return gen, "_".join(toks[: -len(suffix)])
    if toks == ["name"] and base in ("text", "varchar") and PEOPLE_TABLES.search(table.lower()):
        return "full_name", ""
    return None


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def make(ctx: ColumnContext, name: str, params: dict[str, Any]) -> Generator:
    """Instantiate generator ``name`` for ``ctx``; problems are left in ``gen.problems``."""
    cls = get_or_raise(name)
    problems: list[tuple[str, str | None]] = []
    schema = {
        "type": "object",
        "properties": cls.params,
        "required": list(cls.required),
        "additionalProperties": False,
    }
    for err in jsonschema.Draft202012Validator(schema).iter_errors(_jsonable(params)):
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
    found = semantic_match(col.name, t.base, ctx.table.name)
    if found:
        return make(replace(ctx, group=found[1]), found[0], params)
    name = TYPE_DEFAULTS[t.base]
    if ctx.unique and name == "range" and not params:
        hi = numeric.type_bounds(t)[1]
        params = {"min": 1, "max": int(hi) if t.int_range else min(int(hi), 10**12)}
    return make(ctx, name, params)
