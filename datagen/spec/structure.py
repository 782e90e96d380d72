"""The first pass of validation: the spec's structure, checked against its JSON Schema.

Every jsonschema error becomes a :class:`~datagen.errors.Problem` with file, line, JSON path and a
hint: unknown keys get "did you mean", YAML's booleans and unquoted ``numeric(10,2)`` are
explained, and a name holding a control character is named with its code point.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import Problem, suggest
from . import known_valid
from .load import SpecDocument, json_path

if TYPE_CHECKING:
    import jsonschema


@functools.cache
def _schema_digest() -> str:
    return known_valid.schema_digest(schema())


@functools.cache
def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the spec format, as shipped in the package."""
    text = resources.files("datagen.spec").joinpath("spec.schema.json").read_text("utf-8")
    return json.loads(text)


def _schema_at(path: list[Any]) -> dict[str, Any]:
    """The (resolved) sub-schema describing the object at ``path``, for key suggestions."""
    root = schema()
    node: dict[str, Any] = root

    def resolve(n: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in n:
            n = root["$defs"][n["$ref"].split("/")[-1]]
        return n

    node = resolve(node)
    for part in path:
        if isinstance(part, int):
            node = resolve(node.get("items", {}))
        else:
            node = resolve(node.get("properties", {}).get(part, {}))
        for alt in node.get("oneOf", []):
            alt = resolve(alt)
            if alt.get("type") == "object":
                node = alt
    return node


@functools.cache
def _control_re() -> re.Pattern[str]:
    """The schema's control-character class: C0, DEL, C1, U+2028 and U+2029."""
    return re.compile(schema()["$defs"]["controlCharacter"]["pattern"])


_NAME_WHAT = {
    "name": "name",
    "schema": "schema name",
    "table": "table name",
    "column": "column name",
    "type": "type",
    "generator": "generator name",
    "references": "reference",
    "locale": "locale",
}


def _best_match(errors: list[jsonschema.ValidationError]) -> jsonschema.ValidationError | None:
    import jsonschema

    return jsonschema.exceptions.best_match(errors)


def _explain_one_of(err: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For a value matching no alternative, the error of the alternative it was meant to be.

    The alternative of the value's own shape (a mapping for a mapping) explains best: prefer
    errors other than a plain type mismatch, a control character first, then jsonschema's own
    ranking.
    """
    while err.validator == "oneOf" and err.context:
        shaped = [e for e in err.context if e.validator != "type"] or err.context
        control = [e for e in shaped if e.validator == "not"]  # a control character says most
        best = _best_match(control or shaped)
        if best is None:  # pragma: no cover - best_match returns None only for no errors
            break
        err = best
    return err


def structure_problems(doc: SpecDocument) -> list[Problem]:
    if known_valid.known(_schema_digest(), doc.data):  # passed before: no jsonschema import
        return []
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for err in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.path))):
        err = _explain_one_of(err)
        parts = list(err.absolute_path)
        path = json_path(parts)
        hint = None
        message = err.message
        if err.validator == "additionalProperties":
            allowed = list(_schema_at(parts).get("properties", {}))
            extra = sorted(set(err.instance) - set(allowed))
            for key in extra:
                hint = suggest(key, allowed) or f"allowed keys: {', '.join(allowed)}"
                if re.match(r"^\s*\d+\s*\)", str(key)):
                    hint = 'inside {...} a type with a comma must be quoted: type: "numeric(10,2)"'
                problems.append(doc.problem(json_path([*parts, key]), f"unknown key {key!r}", hint))
            continue
        if (isinstance(err.instance, bool) and err.validator in ("type", "oneOf")) or (
            isinstance(err.instance, list) and any(isinstance(v, bool) for v in err.instance)
        ):
            hint = "YAML reads yes/no/on/off/true/false as booleans: quote the word"
        elif err.validator == "required":
            hint = "add it"
        elif err.validator == "enum":
            hint = suggest(err.instance, map(str, err.validator_value))
            message = f"{err.instance!r} is not one of {', '.join(map(repr, err.validator_value))}"
        elif err.validator == "not" and isinstance(err.instance, str):
            char = next(ch for ch in err.instance if _control_re().search(ch))
            what = _NAME_WHAT.get(str(parts[-1]) if parts else "", "name")
            if parts == ["enums"]:  # propertyNames: the offending key is the instance
                what = "enum type name"
                path = json_path([*parts, err.instance])
            message = f"{what} {err.instance!r} contains the control character U+{ord(char):04X}"
            hint = "remove line breaks, tabs and other control characters: a name stays on one line"
        elif err.validator == "pattern" and parts[-1:] == ["references"]:
            hint = "write table.column or schema.table.column"
        elif err.validator == "pattern" and parts == ["name"]:
            hint = "use lower-case letters, digits, '_' and '-'"
        elif err.validator == "const" and parts == ["version"]:
            hint = "this datagen reads spec version 1"
        problems.append(doc.problem(path, message, hint))
    if not problems:
        known_valid.remember(_schema_digest(), doc.data)
    # a name with a control character is that one problem, not also a pattern mismatch
    control = {p.path for p in problems if "control character" in p.message}
    return [p for p in problems if p.path not in control or "control character" in p.message]
