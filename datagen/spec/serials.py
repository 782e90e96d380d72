"""Where a serial column's sequence must stand after the data is loaded.

pg_dump's ``SEQUENCE SET`` makes the application's next ``INSERT`` take the value after the
largest one the column holds. A serial column without a generator counts 1..rows; one with its
own generator holds values this module bounds from the generator's params (``sequence``: its
last value, ``range``: its ``max``, ``constant`` / ``enum``: the largest listed value); a foreign
key column holds values of the column it references. :func:`serial_max` returns None where no
bound can be told, which the plan reports as an error.

Example:
    >>> from datagen.pgtypes import parse_type
    >>> from datagen.spec.model import Column, Dataset, Table
    >>> c = Column("id", parse_type("serial"), generator="sequence",
    ...            params={"start": 100, "step": 5})
    >>> t = Table("t", "public", 10, [c])
    >>> serial_max(Dataset("d", 0, "en_US", [], {}, [t]), t, c)
    145
    >>> setval_args(10, 145), setval_args(0, None)
    ((145, 'true'), (1, 'false'))
"""

from __future__ import annotations

import decimal
import math
from typing import Any

from .model import Column, Dataset, Table


def _int(value: Any) -> int | None:
    try:
        d = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        return None
    return math.floor(d) if d.is_finite() else None


def _from_generator(col: Column, rows: int) -> int | None:
    p = col.params
    if col.generator == "sequence":
        start, step = int(p.get("start", 1)), int(p.get("step", 1))
        return start + (max(rows, 1) - 1) * max(step, 0)
    if col.generator == "range":
        if "max" in p:
            return _int(p["max"])
        return None  # the default window depends on min and the type: set max explicitly
    if col.generator == "constant":
        return _int(p.get("value"))
    if col.generator in ("enum", "weighted_enum"):
        values = [_int(v) for v in p.get("values", [])]
        return None if not values or None in values else max(v for v in values if v is not None)
    return None


def column_max(
    ds: Dataset, t: Table, col: Column, seen: frozenset[str] = frozenset()
) -> int | None:
    """An upper bound of the integers column ``col`` of ``t`` holds, or None if unknown."""
    here = f"{t.qualname}.{col.name}"
    if here in seen:
        return None
    for fk in t.foreign_keys:
        if col.name in fk.columns:
            parents = ds.find_tables(fk.ref_table, fk.ref_schema)
            ref = fk.ref_columns[fk.columns.index(col.name)]
            if len(parents) != 1 or not parents[0].has_column(ref):
                return None
            parent = parents[0]
            return column_max(ds, parent, parent.column(ref), seen | {here})
    if col.generator:
        return _from_generator(col, t.rows)
    counts = col.type.is_serial or (
        t.primary_key is not None
        and t.primary_key.columns == (col.name,)
        and col.type.int_range is not None
    )
    return t.rows if counts else None


def serial_max(ds: Dataset, t: Table, col: Column) -> int | None:
    """The largest value serial column ``col`` can hold after loading (None: unknown)."""
    if t.rows == 0:
        return 0
    return column_max(ds, t, col)


def setval_args(rows: int, top: int | None) -> tuple[int, str]:
    """``setval``'s value and is_called: the next ``nextval`` returns ``top + 1``, or 1 when the
    table is empty or holds nothing above 0 (a serial sequence starts at 1)."""
    top = rows if top is None else top  # unknown (the plan refuses such specs): the row count
    if rows == 0 or top < 1:
        return 1, "false"
    return top, "true"
