"""The generator protocol and the registry generators declare themselves into.

A generator turns row indices into the PostgreSQL text of one column's values, as an 'S' array
(UTF-8 bytes). It never sees a chunk's position in the table, only row indices, so any row can be
computed on its own: a child table computes its parent's keys, and chunks run in any order.

Uniqueness is by construction: a generator that can enumerate distinct values says how many
(:meth:`Generator.domain`) and maps a position ``k`` in ``[0, domain)`` to a value injectively
(:meth:`Generator.at`); the plan (:mod:`datagen.plan.sources`) feeds it a keyed permutation of
the row index.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .. import rand
from ..errors import GeneratorError, suggest
from ..pgtypes import PgType
from ..spec.model import Column, Dataset, Table
from .literals import type_problem
from .semantic import Rule

if TYPE_CHECKING:
    from ..columns import Block

REGISTRY: dict[str, type[Generator]] = {}

INT_TYPES = frozenset({"smallint", "integer", "bigint", "smallserial", "serial", "bigserial"})
NUMBER_TYPES = INT_TYPES | {"numeric", "real", "double precision"}
TEXT_TYPES = frozenset({"text", "varchar", "char"})


def register(name: str) -> Callable[[type[Generator]], type[Generator]]:
    """Class decorator: make a generator available as ``generator: name``."""

    def deco(cls: type[Generator]) -> type[Generator]:
        cls.name = name
        REGISTRY[name] = cls
        return cls

    return deco


class UnknownGenerator(GeneratorError):
    """A generator name that no generator is registered under."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.message = f"unknown generator {name!r}"
        self.hint = suggest(name, REGISTRY) or "run 'datagen generators' for the list"
        super().__init__(f"{self.message} ({self.hint})")

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return type(self), (self.name,)


def get_or_raise(name: str) -> type[Generator]:
    """The generator class called ``name``; :class:`UnknownGenerator` (with a 'did you mean')
    otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownGenerator(name) from None


@dataclass(frozen=True)
class ColumnContext:
    """Everything a generator may know about its column."""

    dataset: Dataset
    table: Table
    column: Column
    pgtype: PgType  # the element type for array columns
    unique: bool = False
    #: columns sharing a group share latent draws (a row's person, place or timeline): the
    #: column-name prefix before the semantic word: "" for ``email``, "billing" for ``billing_city``
    group: str = ""

    def key(self, *purpose: object) -> int:
        """The random stream of this column (and purpose)."""
        ds, t = self.dataset, self.table
        return rand.stream_key(ds.seed, ds.locale, t.schema, t.name, self.column.name, *purpose)

    def table_key(self, *purpose: object) -> int:
        """A stream shared by the columns of this table (latent person, place, time...)."""
        ds, t = self.dataset, self.table
        return rand.stream_key(ds.seed, ds.locale, t.schema, t.name, *purpose)


class Generator:
    """Base class: subclasses set ``name`` with @register and implement :meth:`generate`.

    A generator is immutable once :meth:`setup` returns (assigning an attribute raises), so one
    compiled plan serves any number of threads; per-call state lives in the :class:`Block`.
    Raise ``version`` whenever the bytes a generator makes for the same inputs change: it is part
    of every cache key that the generator's values reach.
    """

    name: ClassVar[str] = ""
    #: raised whenever the output for the same inputs changes (cache keys include it)
    version: ClassVar[int] = 1
    #: JSON Schema ``properties`` of ``params``; unknown params are errors.
    params: ClassVar[dict[str, Any]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    #: base types the generator can fill (None: any).
    types: ClassVar[frozenset[str] | None] = None
    #: generate() never repeats a value across rows (sequences): unique with no permutation.
    injective: ClassVar[bool] = False
    #: column names that select this generator (:mod:`datagen.generators.semantic`): snake_case
    #: words matched at the end of a column's name, or :func:`~.semantic.rule` with conditions
    names: ClassVar[tuple[str | Rule, ...]] = ()
    #: the share of NULLs in a nullable column the generator was detected for, when the spec
    #: gives no ``null_rate`` (``deleted_at``: most rows are not deleted)
    default_null_rate: ClassVar[float] = 0.0
    #: Whether a column's bytes are a function of its own column alone, so they can be cached
    #: and regenerated on their own: of :meth:`fingerprint` (name, version, resolved params,
    #: type, group, uniqueness), of the column's own random streams (:meth:`ColumnContext.key`:
    #: seed, locale, schema, table name, column name), of the row indices (``block.idx``), and
    #: of the table's row count only where :meth:`depends_on_row_count` says so. Never of
    #: another column: no ``block.column``, no :meth:`depends_on`, no ``block.memo`` with a key
    #: another column could fill first, no latent a group shares (``ctx.table_key``: a row's
    #: person, place, company, card, bank, client, file, birth, job or timeline), no
    #: ``block.anchor()``, ``block.person_positions()`` or ``block.derived()`` (but for rows of
    #: the column's own, an array's elements: see ``ArrayOf``), and a setup that reads of
    #: ``ctx.table`` only its name and, for problems alone, its row count, never its other
    #: columns (a ``template`` reads their names, and is standalone only when no field names
    #: one: then the generators its fields name are in its fingerprint).
    #: Declared in the class statement, ``class Range(Generator, standalone=True)``, and
    #: inherited: a subclass that breaks the contract says ``standalone=False``. Ask
    #: :meth:`is_standalone`, which looks at the params too.
    standalone: ClassVar[bool] = False

    def __init_subclass__(cls, standalone: bool | None = None, **kwargs: Any) -> None:
        """``class Range(Generator, standalone=True)`` sets :attr:`standalone` (left out: the
        base class's)."""
        super().__init_subclass__(**kwargs)
        if standalone is not None:
            cls.standalone = standalone

    def __init__(
        self,
        ctx: ColumnContext,
        params: dict[str, Any],
        problems: list[tuple[str, str | None]] | None = None,
    ) -> None:
        self.ctx = ctx
        self.p = params
        self.type = ctx.pgtype
        self.problems: list[tuple[str, str | None]] = list(problems or [])
        self.setup()
        for value in vars(self).values():  # arrays built in setup are shared between threads too
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
        self._frozen = True

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError(
                f"generator {self.name!r} is immutable after setup (tried to set {name!r})"
            )
        object.__setattr__(self, name, value)

    def param(self, name: str) -> Any:
        """Param ``name`` as given, or its ``default`` from :attr:`params` (the one place a
        default is written, so the fingerprint fills in the same value the generator uses)."""
        return self.p.get(name, type(self).params[name]["default"])

    def fingerprint(self) -> dict[str, Any]:
        """Everything this generator's bytes depend on besides the column's stream key: its
        name and version, resolved params (declared defaults filled in, so spelling a default
        out changes no key), type, group and uniqueness."""
        defaults = {k: s["default"] for k, s in type(self).params.items() if "default" in s}
        return {
            "generator": self.name,
            "version": self.version,
            "params": {**defaults, **self.p},
            "type": self.type.ddl(),
            "group": self.ctx.group,
            "unique": self.ctx.unique,
        }

    def setup(self) -> None:
        """Check and digest params; append (message, hint) to ``self.problems``."""

    def problem(self, message: str, hint: str | None = None) -> None:
        self.problems.append((message, hint))

    def depends_on(self) -> list[str]:
        """Other columns of the same table this generator reads."""
        return []

    def is_standalone(self) -> bool:
        """Whether this generator, with these params, keeps the :attr:`standalone` contract:
        the one question to ask (wrappers ask their parts too)."""
        return type(self).standalone and not self.depends_on()

    def generate(self, block: Block) -> np.ndarray:
        raise NotImplementedError

    def depends_on_row_count(self) -> bool:
        """Whether a row's value depends on the table's row count (then no chunk is reusable
        when ``rows`` changes)."""
        return False

    def value_bounds(self) -> tuple[float, float] | None:
        """The smallest and largest number this generator makes, if it makes numbers and knows:
        a column whose CHECK bounds contain them keeps its generator (``price > 0``)."""
        return None

    def domain(self) -> int | None:
        """How many distinct values :meth:`at` can make, or None if it cannot enumerate."""
        return None

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        """The ``k``-th distinct value, per row (``k`` is a uint64 array below the domain)."""
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------
# Literal checks shared by generators taking user values (constant, enum, weighted_enum, range).

_INT_RE = re.compile(r"^[+-]?[0-9]+\Z")


def literal_problem(value: Any, t: PgType) -> str | None:
    """Why ``value`` cannot be stored in a column of type ``t`` (None if it can)."""
    if isinstance(value, bool) and t.base != "boolean":
        return f"{value!r} is a YAML boolean; quote it if you mean the text"
    if isinstance(value, (dt.date, dt.time)):  # YAML's unquoted 2024-01-01 and friends
        value = str(value)
    if not isinstance(value, (str, int, float)):
        return f"{value!r} is not a scalar value"
    text = str(value)
    if "\x00" in text:
        return "the value contains a NUL character, which PostgreSQL text cannot hold"
    base = t.base
    if t.int_range is not None:
        if not _INT_RE.match(text):
            return f"{text!r} is not an integer"
        lo, hi = t.int_range
        if not lo <= int(text) <= hi:
            return f"{text} is outside the range of {t.ddl()} ({lo}..{hi})"
    elif base in ("numeric", "real", "double precision"):
        try:
            d = decimal.Decimal(text)
        except decimal.InvalidOperation:
            return f"{text!r} is not a number"
        if not d.is_finite():
            return f"{text!r} is not a finite number"
        if base == "numeric" and t.precision is not None:
            digits = len(str(int(abs(d))).lstrip("0"))
            if digits > t.precision - (t.scale or 0):
                return f"{text} does not fit {t.ddl()}"
        elif base in _FLOAT_MAX and d != 0 and not _FLOAT_MIN[base] <= abs(d) <= _FLOAT_MAX[base]:
            return f"{text} is out of range for type {t.ddl()}"
    elif base in ("char", "varchar") and t.length is not None:
        if len(text.rstrip(" ") if base == "char" else text) > t.length:
            return f"{text!r} is longer than {t.length} characters"
    elif base == "enum":
        if text not in t.enum_values:
            hint = suggest(text, t.enum_values) or f"labels: {', '.join(t.enum_values)}"
            return f"{text!r} is not a label of enum {t.enum!r} ({hint})"
    else:
        return type_problem(text, base)
    return None


_FLOAT_MAX = {"real": decimal.Decimal("3.4e38"), "double precision": decimal.Decimal("1.79e308")}
_FLOAT_MIN = {"real": decimal.Decimal("1.2e-38"), "double precision": decimal.Decimal("2.3e-308")}


def constant_bytes(values: list[Any], t: PgType) -> np.ndarray:
    """User values as an 'S' array of their PostgreSQL text."""
    out = []
    for v in values:
        text = str(v)
        if t.base == "boolean":
            text = text.strip()
            text = "t" if text.lower() in ("t", "true", "yes", "on", "1") else "f"
        out.append(text.encode("utf-8"))
    return np.array(out, dtype=f"S{max([1, *map(len, out)])}")
