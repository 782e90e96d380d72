"""Event payloads and measurements: ``duration``, ``properties`` (JSON with varied keys), and a
row's file: ``file_name``, ``mime_type`` and ``file_size`` agree (one latent file type per group).
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import numpy as np

from .. import rand, textops
from .base import TEXT_TYPES, Generator, register
from .numeric import number_scale, type_bounds
from .prose import data
from .semantic import rule
from .text import length_limit
from .web import web

if TYPE_CHECKING:
    from ..columns import Block

#: number types a measurement can fill (a serial counts rows: never a duration)
MEASURE_TYPES = frozenset({"smallint", "integer", "bigint", "numeric", "real", "double precision"})
FILE_TABLES = r"file|attachment|upload|document|asset|media|blob"


def lognormal(key: int, idx: np.ndarray, median: float, sigma: float, draw: int = 0) -> np.ndarray:
    """Log-normal floats around ``median`` (Box-Muller from two uniform draws)."""
    u1, u2 = rand.uniform(key, idx, draw), rand.uniform(key, idx, draw + 1)
    z = np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * math.pi * u2)
    return median * np.exp(sigma * z)


def render_number(gen: Generator, x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``x`` clipped to [lo, hi] and to the column type's range, as the type's text."""
    scale = number_scale(gen.type)
    tlo, thi = type_bounds(gen.type)
    x = np.clip(x, max(lo, float(tlo)), min(hi, float(thi)))
    units = np.floor(x * 10**scale).astype(np.int64)  # floor: never above the clipped maximum
    return textops.decimals(units, scale)


# unit words -> (median, sigma, min, max) of a duration in that unit
_UNITS = {
    "ms": (600.0, 1.0, 50.0, 30000.0),
    "s": (90.0, 1.3, 1.0, 3600.0),
    "min": (12.0, 1.0, 1.0, 600.0),
    "h": (2.0, 0.8, 1.0, 48.0),
}
_UNIT_WORDS = {
    "ms": "ms", "millis": "ms", "milliseconds": "ms", "msec": "ms", "latency": "ms",
    "seconds": "s", "secs": "s", "sec": "s", "s": "s",
    "minutes": "min", "mins": "min", "min": "min",
    "hours": "h", "hrs": "h", "h": "h",
}  # fmt: skip


@register("duration")
class Duration(Generator, standalone=True):
    """How long something took, log-normal in the unit its name says: ``*_ms`` 50 to 30,000
    milliseconds, ``*_seconds`` (and a plain ``duration``) 1 to 3,600 seconds, ``*_minutes``
    1 to 600, ``*_hours`` 1 to 48; ``latency`` and ``response_time`` in milliseconds."""

    names = (
        "duration",
        "duration_ms",
        "duration_seconds",
        "duration_secs",
        "duration_sec",
        "duration_minutes",
        "duration_mins",
        "duration_hours",
        "elapsed",
        "elapsed_ms",
        "elapsed_seconds",
        "elapsed_time",
        "latency",
        "latency_ms",
        "response_time",
        "response_time_ms",
        "load_time",
        "load_time_ms",
        "time_ms",
        "time_taken",
        "processing_time",
        "processing_time_ms",
        "execution_time_ms",
        "runtime_seconds",
    )
    types = MEASURE_TYPES

    def setup(self) -> None:
        from .semantic import tokens

        words = tokens(self.ctx.column.name)
        unit = "s"
        if words[-1] in _UNIT_WORDS:
            unit = _UNIT_WORDS[words[-1]]
        elif words[-1] == "time" and words[-2:-1] in (["response"], ["load"], ["processing"]):
            unit = "ms"
        self.unit = unit

    def generate(self, block: Block) -> np.ndarray:
        median, sigma, lo, hi = _UNITS[self.unit]
        x = lognormal(self.ctx.key(), block.idx, median, sigma)
        return render_number(self, x, lo, hi)


# ---- JSON properties ------------------------------------------------------------------------


@functools.cache
def _property_values() -> list[tuple[bytes, np.ndarray]]:
    """(``"key": `` prefix, JSON value texts) per property key."""
    tags = [f'"{t}"' for t in data("prose.json")["tags"]]
    kinds = {
        "int": [str(n) for n in range(1, 5000, 7)],
        "small": [str(n) for n in range(1, 11)],
        "money": [f"{n / 100:.2f}" for n in range(199, 50000, 250)],
        "tag": tags,
    }
    out = []
    for k, v in web()["properties"].items():
        values = kinds[v] if isinstance(v, str) else v
        out.append((f'"{k}": '.encode(), np.array([x.encode() for x in values])))
    return out


@register("properties")
class Properties(Generator, standalone=True):
    """A JSON object of 1 to 4 event properties whose keys vary by row, from an analytics
    vocabulary: ``{"page": "/pricing", "button": "upgrade", "plan": "pro"}``."""

    names = (
        "properties",
        "props",
        "event_properties",
        "metadata",
        "meta",
        "attributes",
        "attrs",
        "payload",
        "event_data",
        rule("extra", types={"json", "jsonb"}),
        rule("context", types={"json", "jsonb"}),
        rule("data", types={"json", "jsonb"}),
        rule("params", types={"json", "jsonb"}),
    )
    types = frozenset({"json", "jsonb", "text", "varchar"})
    MAX_KEYS = 4

    def setup(self) -> None:
        limit = length_limit(self.type)
        if limit is not None:
            lengths = sorted(
                (len(p) + max(map(len, v)) for p, v in _property_values()), reverse=True
            )
            longest = 2 + sum(lengths[: self.MAX_KEYS]) + 2 * (self.MAX_KEYS - 1)
            if limit < longest:
                self.problem(
                    f"generator 'properties' makes objects of up to {longest} characters; "
                    f"{self.type.ddl()} holds {limit}",
                    f"declare the column as json, jsonb, text or varchar({longest})",
                )

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        props = _property_values()
        n = len(props)
        # each key is in with a chance of ~2.2 keys a row; at most 4; none drawn: one at random
        first = rand.integers(key, idx, n, 0).astype(np.int64)
        count = np.zeros(len(idx), dtype=np.int64)
        out: np.ndarray = np.full(len(idx), b"{", dtype="S1")
        for j, (prefix, values) in enumerate(props):
            take = rand.chance(key, idx, 2.2 / n, 2 * j + 1) | (first == j)
            rows = np.flatnonzero(take & (count < self.MAX_KEYS))  # ~15% of rows: work on those
            sub = idx[rows]
            value = values[rand.integers(key, sub, len(values), 2 * j + 2).astype(np.int64)]
            piece = np.strings.add(np.where(count[rows] > 0, b", " + prefix, prefix), value)
            joined = np.strings.add(out[rows], piece)
            need = int(textops.lengths(joined).max()) if len(rows) else 0
            if need > out.dtype.itemsize:  # widen rarely: to double the width at least
                out = out.astype(f"S{max(need, 2 * out.dtype.itemsize)}")
            out[rows] = joined
            count[rows] += 1
        return np.strings.add(out, b"}")


# ---- a row's file -----------------------------------------------------------------------------


@functools.cache
def _files() -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """(extensions, mime types, typical sizes, alias table of their weights)."""
    rows = web()["files"]
    return (
        np.array([r[0].encode() for r in rows]),
        np.array([r[1].encode() for r in rows]),
        np.array([float(r[2]) for r in rows]),
        rand.alias_table(np.array([r[3] for r in rows], dtype=float)),
    )


def file_kind(gen: Generator, block: Block) -> np.ndarray:
    """The row's latent file type (an index into :func:`_files`), shared by the group."""
    ctx = gen.ctx

    def draw() -> np.ndarray:
        return rand.weighted(ctx.table_key("file", ctx.group), block.idx, _files()[3])

    return block.memo(("file", ctx.group), draw)


@register("file_name")
class FileName(Generator):
    """A file name whose extension fits the row's ``mime_type``: ``invoice-2024-0413.pdf``."""

    names = (
        "file_name",
        "filename",
        "attachment_name",
        "original_name",
        "document_name",
        rule("name", tables=FILE_TABLES, note="in a table of files"),
    )
    types = TEXT_TYPES

    def setup(self) -> None:
        self.stems = np.array([s.encode() for s in web()["file_stems"]])
        limit = length_limit(self.type)
        longest = max(map(len, self.stems)) + len("-2024-0000.") + 4
        if limit is not None and limit < longest:
            self.problem(
                f"generator 'file_name' makes names of up to {longest} characters; "
                f"{self.type.ddl()} holds {limit}",
                f"declare the column as text or varchar({longest})",
            )

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        stem = self.stems[rand.integers(key, idx, len(self.stems), 0).astype(np.int64)]
        year = textops.ints(2018 + rand.integers(key, idx, 8, 1).astype(np.int64))
        num = np.zeros((len(idx), 4), dtype=np.uint8)
        textops.fixed_digits(num, 0, rand.integers(key, idx, 10000, 2).astype(np.int64), 4)
        out = np.strings.add(np.strings.add(np.strings.add(stem, b"-"), year), b"-")
        out = np.strings.add(np.strings.add(out, textops.from_matrix(num)), b".")
        return np.strings.add(out, _files()[0][file_kind(self, block)])


@register("mime_type")
class MimeType(Generator):
    """The MIME type of the row's file: ``application/pdf``, ``image/jpeg``..."""

    names = ("mime_type", "mimetype", "content_type", "media_type")
    types = TEXT_TYPES

    def setup(self) -> None:
        limit = length_limit(self.type)
        longest = max(map(len, _files()[1]))
        if limit is not None and limit < longest:
            self.problem(
                f"generator 'mime_type' makes values of up to {longest} characters; "
                f"{self.type.ddl()} holds {limit}",
                f"declare the column as text or varchar({longest})",
            )

    def generate(self, block: Block) -> np.ndarray:
        return _files()[1][file_kind(self, block)]


@register("file_size")
class FileSize(Generator):
    """A size in bytes, log-normal around what the row's file type usually weighs (a photo
    about 1 MB, a text file a few kB)."""

    names = (
        "file_size",
        "filesize",
        "size_bytes",
        "file_size_bytes",
        "byte_size",
        "content_length",
        rule("size", tables=FILE_TABLES, note="in a table of files"),
    )
    types = MEASURE_TYPES

    def generate(self, block: Block) -> np.ndarray:
        typical = _files()[2][file_kind(self, block)]
        x = lognormal(self.ctx.key(), block.idx, 1.0, 1.0) * typical
        return render_number(self, np.floor(x), 1.0, 5e10)
