"""Values the user lists: ``enum``, ``weighted_enum``, ``constant``; and ``template``."""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .base import Generator, constant_bytes, literal_problem, register
from .text import length_limit

if TYPE_CHECKING:
    from ..columns import Block


class _Pick(Generator):
    values_list: list[Any]

    def check_values(self, values: list[Any]) -> None:
        for v in values:
            why = literal_problem(v, self.type)
            if why:
                self.problem(f"value {v!r}: {why}")
        texts = [str(v) for v in values]
        if len(set(texts)) != len(texts):
            self.problem("a value is listed twice", "list each value once")
        self.pool = constant_bytes(values, self.type) if values else np.zeros(1, "S1")

    def domain(self) -> int:
        return len(self.pool)

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self.pool[k.astype(np.int64)]


@register("enum")
class Enum(_Pick, standalone=True):
    """One of ``values``, each equally likely (for an enum-typed column: its labels)."""

    params = {"values": {"type": "array", "minItems": 1}}

    def setup(self) -> None:
        values = self.p.get("values")
        if values is None:
            if self.type.base != "enum":
                self.problem("'enum' needs params.values", "list the values")
                values = []
            else:
                values = list(self.type.enum_values)
        self.check_values(values)

    def generate(self, block: Block) -> np.ndarray:
        k = rand.integers(self.ctx.key(), block.idx, len(self.pool))
        return self.pool[k.astype(np.int64)]


@register("weighted_enum")
class WeightedEnum(_Pick, standalone=True):
    """One of ``values: {value: weight}``, picked in proportion to the weights (alias method)."""

    params = {
        "values": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {"type": "number", "minimum": 0},
        }
    }
    required = ("values",)

    def setup(self) -> None:
        values = self.p.get("values", {})
        self.check_values(list(values))
        weights = np.array(list(values.values()) or [1], dtype=np.float64)
        if weights.sum() <= 0:
            self.problem("the weights add up to 0", "give at least one value a positive weight")
            weights = np.ones_like(weights)
        self.table = rand.alias_table(weights)

    def generate(self, block: Block) -> np.ndarray:
        return self.pool[rand.weighted(self.ctx.key(), block.idx, self.table)]


@register("constant")
class Constant(Generator, standalone=True):
    """The same ``value`` in every row."""

    params = {"value": {"type": ["string", "number", "boolean"]}}
    required = ("value",)

    def setup(self) -> None:
        why = literal_problem(self.p.get("value"), self.type)
        if why:
            self.problem(f"value: {why}")
        self.value = constant_bytes([self.p.get("value")], self.type)

    def generate(self, block: Block) -> np.ndarray:
        return np.broadcast_to(self.value, (len(block.idx),)).copy()

    def domain(self) -> int:
        return 1

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self.generate(block)


@register("template")
class Template(Generator, standalone=True):
    """Text from a pattern: ``"{first_name}.{last_name}@example.com"``.

    A field names another column of the row (its value, empty when NULL) or a generator (a value
    of that generator for this row). ``{{`` and ``}}`` are literal braces.
    """

    params = {"template": {"type": "string"}}
    required = ("template",)
    types = frozenset({"text", "varchar", "char", "json", "jsonb"})
    #: 2: values are cut to the column's length (char(n), varchar(n)); 3: a cut value loses
    #: its trailing blanks
    version = 3

    def setup(self) -> None:
        from . import REGISTRY, make

        self.parts: list[tuple[str, Any]] = []
        self.limit = length_limit(self.type)
        text = self.p.get("template", "")
        if "\x00" in text:
            self.problem("template contains a NUL character", "remove it")
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as e:
            self.problem(f"template: {e}", "write literal braces as {{ and }}")
            parsed = []
        columns = {c.name for c in self.ctx.table.columns}
        for literal, field, spec, conv in parsed:
            if literal:
                self.parts.append(("lit", literal.encode("utf-8")))
            if field is None:
                continue
            if spec or conv:
                self.problem(f"template field {{{field}}}: format specs are not supported")
            if field == self.ctx.column.name:
                self.problem(f"template field {{{field}}} refers to its own column")
            elif field in columns:
                self.parts.append(("col", field))
            elif field in REGISTRY:
                sub = make(self.ctx, field, {})
                self.problems += sub.problems
                self.parts.append(("gen", sub))
            else:
                from ..errors import suggest

                hint = suggest(field, [*columns, *REGISTRY])
                self.problem(
                    f"template field {{{field}}} is neither a column nor a generator", hint
                )
        fixed = sum(len(v.decode("utf-8")) for kind, v in self.parts if kind == "lit")
        if self.limit is not None and fixed > self.limit:
            self.problem(
                f"the template's literal text alone is {fixed} characters; "
                f"{self.type.ddl()} holds {self.limit}",
                "shorten the template or widen the column",
            )

    def depends_on(self) -> list[str]:
        return [v for kind, v in self.parts if kind == "col"]

    def is_standalone(self) -> bool:
        """No field names a column, and each generator a field names is standalone (it draws
        from this column's streams: the template's context is the sub-generator's)."""
        subs = [v for kind, v in self.parts if kind == "gen"]
        return super().is_standalone() and all(v.is_standalone() for v in subs)

    def fingerprint(self) -> dict[str, Any]:
        """The template's own, and those of the generators its fields name: their bytes are in
        this column's values (a field naming a column is in the table's key already)."""
        subs = [v.fingerprint() for kind, v in self.parts if kind == "gen"]
        return {**super().fingerprint(), **({"fields": subs} if subs else {})}

    def generate(self, block: Block) -> np.ndarray:
        n = len(block.idx)
        out = np.zeros(n, dtype="S1")
        for kind, v in self.parts:
            if kind == "lit":
                piece: Any = v
            elif kind == "col":
                col = block.column(v)
                piece = col.text if col.null is None else np.where(col.null, b"", col.text)
            else:
                piece = v.generate(block)
            out = np.strings.add(out, piece)
        if self.limit is None:
            return out
        cut = textops.truncate_chars(out, self.limit)
        if cut is out:
            return out
        return np.where(cut != out, np.strings.rstrip(cut, b" "), cut)  # no blank left at a cut
