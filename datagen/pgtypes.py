"""The PostgreSQL type model: parse a column's ``type`` string into a :class:`PgType`.

One lookup table (:data:`PG_TYPES`) says, per base type, its DDL spelling, how INSERT writes its
literals and which family of default generator it gets; the parser only handles the spelling
variants (aliases, ``(n)``, ``(p,s)``, ``[]``).

Example:
    >>> t = parse_type("numeric(10,2)")
    >>> (t.base, t.precision, t.scale, t.ddl())
    ('numeric', 10, 2, 'numeric(10,2)')
    >>> parse_type("character varying(20)[]").ddl()
    'character varying(20)[]'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .idents import quote_ident


@dataclass(frozen=True)
class TypeInfo:
    """Per base type: DDL name, whether INSERT literals need quotes, integer bounds."""

    ddl: str
    quoted: bool = True
    int_range: tuple[int, int] | None = None
    serial_of: str | None = None


INT2 = (-(2**15), 2**15 - 1)
INT4 = (-(2**31), 2**31 - 1)
INT8 = (-(2**63), 2**63 - 1)

PG_TYPES: dict[str, TypeInfo] = {
    "smallint": TypeInfo("smallint", quoted=False, int_range=INT2),
    "integer": TypeInfo("integer", quoted=False, int_range=INT4),
    "bigint": TypeInfo("bigint", quoted=False, int_range=INT8),
    "smallserial": TypeInfo("smallint", quoted=False, int_range=(1, INT2[1]), serial_of="smallint"),
    "serial": TypeInfo("integer", quoted=False, int_range=(1, INT4[1]), serial_of="integer"),
    "bigserial": TypeInfo("bigint", quoted=False, int_range=(1, INT8[1]), serial_of="bigint"),
    "numeric": TypeInfo("numeric", quoted=False),
    "real": TypeInfo("real", quoted=False),
    "double precision": TypeInfo("double precision", quoted=False),
    "boolean": TypeInfo("boolean"),
    "char": TypeInfo("character"),
    "varchar": TypeInfo("character varying"),
    "text": TypeInfo("text"),
    "bytea": TypeInfo("bytea"),
    "date": TypeInfo("date"),
    "time": TypeInfo("time without time zone"),
    "timestamp": TypeInfo("timestamp without time zone"),
    "timestamptz": TypeInfo("timestamp with time zone"),
    "interval": TypeInfo("interval"),
    "uuid": TypeInfo("uuid"),
    "json": TypeInfo("json"),
    "jsonb": TypeInfo("jsonb"),
    "inet": TypeInfo("inet"),
    "cidr": TypeInfo("cidr"),
    "macaddr": TypeInfo("macaddr"),
}

ALIASES = {
    "int2": "smallint",
    "int": "integer",
    "int4": "integer",
    "int8": "bigint",
    "serial2": "smallserial",
    "serial4": "serial",
    "serial8": "bigserial",
    "decimal": "numeric",
    "float4": "real",
    "float8": "double precision",
    "float": "double precision",
    "bool": "boolean",
    "character": "char",
    "character varying": "varchar",
    "time without time zone": "time",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
}

ALL_SPELLINGS = sorted(set(PG_TYPES) | set(ALIASES))

_TYPE_RE = re.compile(r"^(?P<name>[a-z][a-z0-9 ]*?)\s*(?:\(\s*(?P<args>[0-9 ,]*)\))?\Z")


class TypeParseError(ValueError):
    """A type string that is not one of the supported PostgreSQL types."""


@dataclass(frozen=True)
class PgType:
    """A parsed column type."""

    base: str  # a key of PG_TYPES, or "enum"
    length: int | None = None  # char(n), varchar(n)
    precision: int | None = None  # numeric(p, s)
    scale: int | None = None
    enum: str | None = None  # the enum type's name
    enum_values: tuple[str, ...] = ()
    element: PgType | None = field(default=None)  # set for arrays

    @property
    def is_array(self) -> bool:
        return self.element is not None

    @property
    def info(self) -> TypeInfo:
        return PG_TYPES[self.base] if self.base in PG_TYPES else TypeInfo("enum")

    @property
    def is_serial(self) -> bool:
        return not self.is_array and self.info.serial_of is not None

    @property
    def int_range(self) -> tuple[int, int] | None:
        return None if self.is_array else self.info.int_range

    @property
    def quoted(self) -> bool:
        """Whether an INSERT literal of this type is written in quotes."""
        return self.is_array or self.info.quoted

    def ddl(self) -> str:
        """The type as pg_dump spells it in CREATE TABLE (serials become their integer type)."""
        if self.element is not None:
            return self.element.ddl() + "[]"
        if self.enum is not None:
            # dumps run with search_path = '', so the dataset's own types are schema-qualified
            return "public." + quote_ident(self.enum)
        info = self.info
        name = info.serial_of or info.ddl
        if self.base in ("char", "varchar") and self.length is not None:
            return f"{name}({self.length})"
        if self.base == "numeric" and self.precision is not None:
            return f"numeric({self.precision},{self.scale or 0})"
        return name

    def same_as(self, other: PgType) -> bool:
        """Equal as stored values (a serial column and a bigint FK to it are the same type)."""
        return self.ddl() == other.ddl()


def parse_type(text: str, enums: dict[str, list[str]] | None = None) -> PgType:
    """Parse a PostgreSQL type spelling; ``enums`` are the dataset's own enum types."""
    enums = enums or {}
    if str(text) in enums:  # the dataset's own type, spelled exactly (spaces are part of a name)
        return PgType(base="enum", enum=str(text), enum_values=tuple(enums[str(text)]))
    if str(text).endswith("[]") and str(text)[:-2] in enums:
        element = parse_type(str(text)[:-2], enums)
        return PgType(base=element.base, element=element)
    raw = " ".join(str(text).split())
    if raw.endswith("[]"):
        element = parse_type(raw[:-2], enums)
        if element.is_array:
            raise TypeParseError(f"multi-dimensional array type {text!r} is not supported")
        if element.is_serial:
            raise TypeParseError(f"{text!r}: serial types cannot be array elements")
        return PgType(base=element.base, element=element)
    if raw in enums:
        return PgType(base="enum", enum=raw, enum_values=tuple(enums[raw]))
    m = _TYPE_RE.match(raw.lower())
    if not m:
        raise TypeParseError(f"unknown type {text!r}")
    name = ALIASES.get(m["name"], m["name"])
    if name not in PG_TYPES:
        raise TypeParseError(f"unknown type {text!r}")
    args = [a.strip() for a in m["args"].split(",")] if m["args"] is not None else []
    if any(not a.isdigit() for a in args):
        raise TypeParseError(f"type {text!r}: arguments must be whole numbers")
    nums = [int(a) for a in args]
    if name in ("char", "varchar"):
        if len(nums) > 1:
            raise TypeParseError(f"type {text!r} takes one length")
        length = nums[0] if nums else (1 if name == "char" else None)
        if length is not None and not 1 <= length <= 10485760:
            raise TypeParseError(f"type {text!r}: length must be between 1 and 10485760")
        return PgType(base=name, length=length)
    if name == "numeric":
        if len(nums) > 2:
            raise TypeParseError(f"type {text!r} takes a precision and a scale")
        if not nums:
            return PgType(base=name)
        precision, scale = nums[0], nums[1] if len(nums) == 2 else 0
        if not 1 <= precision <= 1000 or scale > precision:
            raise TypeParseError(
                f"type {text!r}: precision must be 1..1000 and scale at most the precision"
            )
        return PgType(base=name, precision=precision, scale=scale)
    if nums:
        raise TypeParseError(f"type {text!r} takes no arguments")
    return PgType(base=name)
