"""Numbers: ``range`` (with distributions), ``sequence``, and the number and boolean defaults.

Values are made as integers in units of the column's scale (``numeric(10,2)`` counts cents) and
written by :func:`datagen.textops.decimals`, so no float is ever printed and no value can overflow
the declared precision.
"""

from __future__ import annotations

import decimal
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .base import INT_TYPES, NUMBER_TYPES, Generator, register

if TYPE_CHECKING:
    from ..columns import Block

_NUM = {"type": "number"}
DEFAULT_FLOAT_DECIMALS = 2


def number_scale(t: Any) -> int:
    """Digits after the point a generated value of this type carries."""
    if t.base == "numeric" and t.scale is not None and t.precision is not None:
        return t.scale
    if t.base in ("numeric", "real", "double precision"):
        return DEFAULT_FLOAT_DECIMALS
    return 0


def type_bounds(t: Any) -> tuple[decimal.Decimal, decimal.Decimal]:
    """The smallest and largest value the type stores (real, double precision and unbounded
    numeric: the range where every digit we print is exact)."""
    if t.int_range is not None:
        return decimal.Decimal(t.int_range[0]), decimal.Decimal(t.int_range[1])
    if t.base == "numeric" and t.precision is not None:
        top = decimal.Decimal(10) ** (t.precision - (t.scale or 0)) - decimal.Decimal(10) ** -(
            t.scale or 0
        )
        return -top, top
    # real / double / unbounded numeric: keep values where every digit we print is exact.
    return decimal.Decimal(-(10**15)), decimal.Decimal(10**15)


def render_units(units: np.ndarray, scale: int) -> np.ndarray:
    return textops.decimals(units, scale)


def _wrap_add(base: int, offsets: np.ndarray) -> np.ndarray:
    """``base + offsets`` as int64, exact whenever the true result fits int64."""
    return (offsets.astype(np.uint64) + np.uint64(base & rand.MASK64)).view(np.int64)


@register("range")
class Range(Generator, standalone=True):
    """Numbers between ``min`` and ``max`` (inclusive), uniform, normal, zipf or exponential."""

    params = {
        "min": _NUM,
        "max": _NUM,
        "distribution": {
            "enum": ["uniform", "normal", "zipf", "exponential"],
            "default": "uniform",
        },
        "mean": _NUM,
        "stddev": {"type": "number", "exclusiveMinimum": 0},
        "exponent": {"type": "number", "exclusiveMinimum": 0, "default": 1.2},
        "rate": {"type": "number", "exclusiveMinimum": 0},
        "decimals": {"type": "integer", "minimum": 0, "maximum": 12},
    }
    types = NUMBER_TYPES
    default_min = 0
    default_max = 1000

    def setup(self) -> None:
        t = self.type
        self.scale = number_scale(t)
        if "decimals" in self.p:
            if t.base == "numeric" and t.precision is not None:
                self.problem("'decimals' applies to real, double precision and plain numeric")
            elif t.int_range is not None:
                self.problem("'decimals' does not apply to integer types")
            else:
                self.scale = self.p["decimals"]
        lo_t, hi_t = type_bounds(t)
        span = decimal.Decimal(self.default_max - self.default_min)
        lo = decimal.Decimal(str(self.p["min"])) if "min" in self.p else None
        hi = decimal.Decimal(str(self.p["max"])) if "max" in self.p else None
        if lo is None:  # default window [0, 1000], moved below max when max is lower
            lo = decimal.Decimal(self.default_min)
            lo = max(lo_t, lo if hi is None else min(lo, hi - span))
        if hi is None:
            hi = min(hi_t, max(decimal.Decimal(self.default_max), lo + span))
        if lo > hi:
            self.problem(f"min {lo} is greater than max {hi}", "swap them")
            hi = lo
        for name, v in (("min", lo), ("max", hi)):
            if v < lo_t or v > hi_t:
                self.problem(f"{name} {v} does not fit {t.ddl()} ({lo_t}..{hi_t})")
        with decimal.localcontext() as exact:  # numeric(p, s) has up to 1000 digits, not 28
            exact.prec = 2100
            while True:
                q = decimal.Decimal(1).scaleb(-self.scale)
                self.lo = int(lo.quantize(q, rounding=decimal.ROUND_CEILING).scaleb(self.scale))
                self.hi = int(hi.quantize(q, rounding=decimal.ROUND_FLOOR).scaleb(self.scale))
                # draws are 64-bit: a wider span (numeric(40,30)) is drawn with fewer decimals
                if self.hi - self.lo < 1 << 62 or self.scale == 0:
                    break
                self.scale -= 1
        if self.lo > self.hi:
            self.problem(f"no value with {self.scale} decimals lies between {lo} and {hi}")
            self.hi = self.lo
        self.span = self.hi - self.lo + 1
        self.dist = self.param("distribution")

    def offsets(self, block: Block) -> np.ndarray:
        key, idx, n = self.ctx.key(), block.idx, self.span
        if self.dist == "uniform":
            return rand.integers(key, idx, n)
        u = rand.uniform(key, idx)
        if self.dist == "normal":
            mean = self.p.get("mean")
            mu = (n - 1) / 2 if mean is None else float(mean) * 10**self.scale - self.lo
            sd = float(self.p["stddev"]) * 10**self.scale if "stddev" in self.p else n / 6
            z = _normal(u, rand.uniform(key, idx, 1))
            x = np.rint(mu + sd * z)
        elif self.dist == "exponential":
            rate = float(self.p["rate"]) / 10**self.scale if "rate" in self.p else 5.0 / n
            x = np.floor(-np.log1p(-u) / rate)
        else:  # zipf: rank 0 is the most frequent value
            x = zipf_rank(u, n, float(self.param("exponent")))
        return np.clip(x, 0, n - 1).astype(np.uint64)

    def generate(self, block: Block) -> np.ndarray:
        return render_units(_wrap_add(self.lo, self.offsets(block)), self.scale)

    def domain(self) -> int:
        return self.span

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return render_units(_wrap_add(self.lo, k), self.scale)


def _normal(u1: np.ndarray, u2: np.ndarray) -> np.ndarray:
    """Standard normal deviates by Box-Muller, from two independent uniform arrays."""
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * math.pi * u2)


def zipf_rank(u: np.ndarray, n: int, s: float) -> np.ndarray:
    """Ranks in [0, n) with P(rank r) roughly proportional to (r + 1) ** -s (inverse CDF)."""
    if abs(s - 1.0) < 1e-9:
        x = np.power(float(n + 1), u)
    else:
        a = 1.0 - s
        x = np.power(1.0 + u * (float(n + 1) ** a - 1.0), 1.0 / a)
    return np.clip(np.floor(x) - 1, 0, n - 1)


def normal_rank(u1: np.ndarray, u2: np.ndarray, n: int, mean: float, sd: float) -> np.ndarray:
    return np.clip(np.rint(mean + sd * _normal(u1, u2)), 0, n - 1)


@register("sequence")
class Sequence(Generator, standalone=True):
    """``start``, ``start + step``, ... in row order (unique whenever ``step`` is not 0)."""

    params = {"start": {"type": "integer", "default": 1}, "step": {"type": "integer", "default": 1}}
    types = INT_TYPES | {"numeric"}
    injective = True

    def setup(self) -> None:
        self.start = int(self.param("start"))
        self.step = int(self.param("step"))
        if self.step == 0:
            self.problem("step 0 repeats one value", "use a non-zero step, or 'constant'")
        if self.type.base == "numeric" and self.type.precision is None:
            return  # unbounded numeric holds any whole number
        lo_t, hi_t = type_bounds(self.type)
        rows = self.ctx.table.rows
        for what, v in (("start", self.start), (f"row {rows}'s value", self.last_value(rows))):
            if not lo_t <= v <= hi_t:
                self.problem(
                    f"{what} {v} does not fit {self.type.ddl()} ({lo_t}..{hi_t})",
                    "use a wider type, a smaller start or step, or fewer rows",
                )
                break

    def last_value(self, rows: int) -> int:
        """The value of the last of ``rows`` rows (``start`` for an empty table)."""
        return self.start + (max(rows, 1) - 1) * self.step

    def generate(self, block: Block) -> np.ndarray:
        return textops.ints(block.idx.astype(np.int64) * self.step + self.start)


@register("boolean")
class Boolean(Generator, standalone=True):
    """``t`` with probability ``true_rate`` (default 0.5), else ``f``."""

    params = {"true_rate": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5}}
    types = frozenset({"boolean"})
    _TF = np.array([b"f", b"t"])

    def generate(self, block: Block) -> np.ndarray:
        hit = rand.chance(self.ctx.key(), block.idx, float(self.param("true_rate")))
        return self._TF[hit.astype(np.int64)]

    def domain(self) -> int:
        return 2

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self._TF[k.astype(np.int64)]
