"""The compiled spec: plain dataclasses every later stage reads (never the raw YAML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..pgtypes import PgType

FK_ACTIONS = ("cascade", "restrict", "set null", "set default", "no action")


@dataclass
class Column:
    """One column of a table, with its type parsed and its defaults applied."""

    name: str
    type: PgType
    nullable: bool = True
    null_rate: float = 0.0
    generator: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    default: str | None = None
    check: str | None = None
    path: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Key:
    """A primary key or unique constraint over one or more columns."""

    columns: tuple[str, ...]
    name: str | None = None
    path: str = ""


@dataclass
class ForeignKey:
    """A foreign key (single or composite), and how child rows pick their parent."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    ref_schema: str | None = None
    name: str | None = None
    on_delete: str | None = None
    on_update: str | None = None
    deferrable: bool = False
    distribution: str = "uniform"
    params: dict[str, Any] = field(default_factory=dict)
    path: str = ""


@dataclass
class Index:
    columns: tuple[str, ...]
    unique: bool = False
    name: str | None = None
    using: str | None = None
    path: str = ""


@dataclass
class Check:
    expression: str
    name: str | None = None
    column: str | None = None  # set for a column-level ``check:``
    path: str = ""


@dataclass
class Table:
    name: str
    schema: str
    rows: int
    columns: list[Column]
    primary_key: Key | None = None
    uniques: list[Key] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    path: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def qualname(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def has_column(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    def not_null(self, column: Column) -> bool:
        """NOT NULL in the DDL: declared ``nullable: false``, or part of the primary key."""
        in_pk = self.primary_key is not None and column.name in self.primary_key.columns
        return in_pk or not column.nullable

    def key_constraints(self) -> list[Key]:
        """The primary key, then the unique constraints."""
        return ([self.primary_key] if self.primary_key else []) + self.uniques


@dataclass
class Dataset:
    name: str
    seed: int
    locale: str
    outputs: list[str]
    enums: dict[str, list[str]]
    tables: list[Table]
    file: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    def find_tables(self, name: str, schema: str | None = None) -> list[Table]:
        """Tables called ``name`` (``schema.name`` is accepted too)."""
        found = [
            t for t in self.tables if t.name == name and (schema is None or t.schema == schema)
        ]
        if not found and schema is None and "." in name:
            sch, _, rest = name.partition(".")
            found = [t for t in self.tables if t.name == rest and t.schema == sch]
        return found

    def table(self, qualname: str) -> Table:
        for t in self.tables:
            if t.qualname == qualname:
                return t
        raise KeyError(qualname)
