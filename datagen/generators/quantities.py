"""Numbers named like what they hold: prices and costs, order money that adds up, quantities,
stock, weights, ratings, years, counts, percentages and scores.

Amounts are made as integers (cents, then the column's scale) and written by
:func:`datagen.textops.decimals`: no float is printed and the sums are exact. Columns that must
agree share a latent draw per row and group (:meth:`Block.memo` on a table stream): a row's
``cost`` is below its ``price`` whether or not the price column exists, and ``total`` is
``subtotal + tax + shipping_cost - discount`` of that row.
"""

from __future__ import annotations

import decimal
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .base import INT_TYPES, NUMBER_TYPES, Generator, register
from .numeric import number_scale, type_bounds
from .semantic import tokens

if TYPE_CHECKING:
    from ..columns import Block

COUNT_TYPES = INT_TYPES | {"numeric"}


def _normal(key: int, idx: np.ndarray, draw: int) -> np.ndarray:
    """Standard normal deviates (Box-Muller on draws ``draw`` and ``draw + 1``)."""
    u1, u2 = rand.uniform(key, idx, draw), rand.uniform(key, idx, draw + 1)
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * math.pi * u2)


def cents_to_units(cents: np.ndarray, scale: int, how: str = "round") -> np.ndarray:
    """Amounts in cents as integers in units of ``10**-scale`` (rounded ``how``: round, floor,
    ceil) for a column with ``scale`` decimals."""
    cents = np.asarray(cents, dtype=np.int64)
    if scale >= 2:
        return cents * 10 ** (scale - 2)
    f = 10 ** (2 - scale)
    if how == "floor":
        return cents // f
    if how == "ceil":
        return -(-cents // f)
    return (cents + f // 2) // f


def top_units(t: Any, scale: int) -> int:
    """The largest value the type holds, in units of ``10**-scale``."""
    return int(type_bounds(t)[1].scaleb(scale).to_integral_value(decimal.ROUND_FLOOR))


class Number(Generator):
    """Base: a number in the column's scale, never beyond its type.

    A unique column enumerates the values from ``smallest`` to ``largest`` instead (a unique
    ``price`` takes distinct prices; it no longer follows the row's latent draws).
    """

    types = NUMBER_TYPES
    #: the largest value made (in the generator's own unit; 0: the type's), checked against the
    #: type in setup
    largest: float = 0.0
    smallest: float = 0.0
    #: a type that cannot hold ``largest`` is a problem (values other columns must agree with
    #: cannot be capped); else values are capped at the type's largest
    strict = True

    def setup(self) -> None:
        self.scale = number_scale(self.type)
        self.top = top_units(self.type, self.scale)
        hi = type_bounds(self.type)[1]
        if self.strict and self.largest and decimal.Decimal(str(self.largest)) > hi:
            self.problem(
                f"{self.name} values reach {self.largest}; {self.type.ddl()} holds up to {hi}",
                "declare a wider type (numeric(10,2), integer)",
            )

    def render(self, units: np.ndarray) -> np.ndarray:
        return textops.decimals(np.minimum(units, self.top), self.scale)

    def value_bounds(self) -> tuple[float, float] | None:
        top = self.top / 10**self.scale
        return float(self.smallest), min(float(self.largest), top) if self.largest else top

    def _span(self) -> tuple[int, int]:
        one = 10**self.scale
        lo = math.ceil(self.smallest * one)
        return lo, max(
            lo, min(math.floor(self.largest * one) if self.largest else self.top, self.top)
        )

    def domain(self) -> int:
        lo, hi = self._span()
        return min(hi - lo + 1, 1 << 62)

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self.render(self._span()[0] + k.astype(np.int64))


def price_cents(ctx: Any, block: Block) -> np.ndarray:
    """The row's latent product price in cents: lognormal around 25, from 0.99 to 999.99,
    ending mostly in .99, .95 or .00."""
    key = ctx.table_key("commerce.price", ctx.group)

    def draw() -> np.ndarray:
        idx = block.idx
        whole = np.exp(np.log(25.0) + 1.1 * _normal(key, idx, 0))
        whole = np.clip(np.floor(whole), 0, 999).astype(np.int64)
        ending = np.array([99, 95, 0, 49])[rand.weighted(key, idx, _ENDINGS, 2)]
        free = rand.integers(key, idx, 100, 3).astype(np.int64)
        cents = np.where(rand.chance(key, idx, 0.14, 4), free, ending)
        return whole * 100 + np.where(whole == 0, 99, cents)

    return block.memo(("commerce.price", ctx.group), draw)


_ENDINGS = rand.alias_table(np.array([58.0, 14.0, 21.0, 7.0]))


@register("price")
class Price(Number):
    """A product price from 0.99 to 999.99, most below 150, ending mostly in .99, .95 or .00."""

    names = ("price", "unit_price", "list_price", "msrp", "amount", "retail_price", "sale_price")
    largest, smallest = 999.99, 0.99

    def generate(self, block: Block) -> np.ndarray:
        # rounded up where the column has fewer decimals, so cost (rounded down) stays below
        return self.render(cents_to_units(price_cents(self.ctx, block), self.scale, "ceil"))


@register("cost")
class Cost(Number):
    """What the product costs the seller: 35% to 80% of the row's price, so always below it."""

    names = ("cost", "unit_cost", "cost_price", "wholesale_price")
    largest = 799.99

    def generate(self, block: Block) -> np.ndarray:
        p = price_cents(self.ctx, block)
        share = 35 + rand.integers(
            self.ctx.table_key("commerce.cost", self.ctx.group), block.idx, 46
        )
        cents = p * share.astype(np.int64) // 100
        return self.render(cents_to_units(cents, self.scale, "floor"))


#: sales tax and VAT rates in basis points; a locale's own rate is the usual one
TAX_RATES = np.array([0, 500, 600, 725, 800, 875, 1000, 1900, 2000, 2100, 2500])
TAX_WEIGHTS = np.array([10.0, 8, 10, 12, 12, 8, 6, 8, 12, 8, 2])
VAT = {"DE": 1900, "FR": 2000, "GB": 2000, "IT": 2100, "ES": 2100, "NL": 2100, "AT": 2000,
       "SE": 2500, "DK": 2500, "JP": 1000, "AU": 1000, "IN": 1800, "CH": 800}  # fmt: skip
SHIPPING = np.array([0, 0, 0, 499, 599, 799, 999, 1250, 1499, 1999])


def money(ctx: Any, block: Block) -> dict[str, np.ndarray]:
    """The row's order amounts in cents: subtotal, tax, discount, shipping_cost."""
    key = ctx.table_key("commerce.money", ctx.group)

    def draw() -> dict[str, np.ndarray]:
        idx = block.idx
        s = np.exp(np.log(60.0) + 1.0 * _normal(key, idx, 0)) * 100
        s = np.clip(np.rint(s), 500, 299_999).astype(np.int64)
        rates, weights = TAX_RATES, TAX_WEIGHTS.copy()
        own = VAT.get(ctx.dataset.locale.rpartition("_")[2])
        if own is not None:
            rates, weights = np.append(rates, own), np.append(weights, weights.sum() * 4)
        bp = rates[rand.weighted(key, idx, rand.alias_table(weights), 2)]
        tax = (s * bp + 5000) // 10000
        pct = np.array([5, 10, 15, 20, 25, 30])[rand.integers(key, idx, 6, 3).astype(np.int64)]
        discount = np.where(rand.chance(key, idx, 0.25, 4), s * pct // 100, 0)
        ship = SHIPPING[rand.integers(key, idx, len(SHIPPING), 5).astype(np.int64)]
        return {"subtotal": s, "tax": tax, "discount": discount, "shipping_cost": ship}

    return block.memo(("commerce.money", ctx.group), draw)


class _Money(Number):
    part = ""

    def generate(self, block: Block) -> np.ndarray:
        return self.render(cents_to_units(money(self.ctx, block)[self.part], self.scale))


@register("subtotal")
class Subtotal(_Money):
    """An order's amount before tax, shipping and discount: 5.00 to 2999.99, around 60."""

    names = ("subtotal", "sub_total", "subtotal_amount", "net_amount")
    part, largest, smallest = "subtotal", 2999.99, 5.0


@register("tax")
class Tax(_Money):
    """The row's subtotal times a realistic tax rate (the locale's VAT most often)."""

    names = ("tax", "tax_amount", "vat", "vat_amount", "sales_tax")
    part, largest = "tax", 750.0


@register("discount")
class Discount(_Money):
    """Mostly 0; else 5% to 30% of the row's subtotal."""

    names = ("discount", "discount_amount", "discount_total")
    part, largest = "discount", 900.0


@register("shipping_cost")
class ShippingCost(_Money):
    """Shipping charged on the order: free in a third of rows, else 4.99 to 19.99."""

    names = ("shipping_cost", "shipping", "shipping_fee", "shipping_amount", "freight")
    part, largest = "shipping_cost", 19.99


@register("total")
class Total(_Money):
    """``subtotal + tax + shipping_cost - discount`` of the row, each rounded to the column's
    scale first, so the identity holds exactly when the columns share a scale."""

    names = ("total", "total_amount", "grand_total", "amount_total", "order_total", "total_price")
    largest, smallest = 3769.98, 3.5  # a 5.00 subtotal less a 30% discount

    def generate(self, block: Block) -> np.ndarray:
        m, s = money(self.ctx, block), self.scale
        units = sum(cents_to_units(m[k], s) for k in ("subtotal", "tax", "shipping_cost"))
        return self.render(units - cents_to_units(m["discount"], s))


class _Count(Number):
    types = COUNT_TYPES
    strict = False

    def counts(self, block: Block) -> np.ndarray:
        raise NotImplementedError

    def generate(self, block: Block) -> np.ndarray:
        return self.render(self.counts(block) * 10**self.scale)


@register("quantity")
class Quantity(_Count, standalone=True):
    """How many were ordered: 1 in almost half the rows, mostly 1 to 5, rarely up to 20."""

    names = ("quantity", "qty", "units", "quantity_ordered")
    largest, smallest = 20, 1
    _TABLE = rand.alias_table(np.array([45, 22, 12, 7, 5] + [1.5] * 5 + [0.15] * 10))

    def counts(self, block: Block) -> np.ndarray:
        return 1 + rand.weighted(self.ctx.key(), block.idx, self._TABLE)


@register("stock")
class Stock(_Count, standalone=True):
    """Units in stock: 0 in about 8% of rows, else 1 to 500, most below 150."""

    names = ("stock", "stock_quantity", "stock_level", "inventory", "quantity_on_hand",
             "qty_on_hand", "on_hand", "in_stock", "units_in_stock")  # fmt: skip
    largest = 500

    def counts(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        n = 1 + np.floor(-np.log1p(-rand.uniform(key, idx, 1)) * 80).astype(np.int64)
        return np.where(rand.chance(key, idx, 0.08, 0), 0, np.minimum(n, 500))


#: grams per unit, by a word of the column's name; kilograms otherwise
LB, OZ = 453.59237, 28.349523
WEIGHT_UNITS = {"g": 1.0, "gr": 1.0, "gram": 1.0, "grams": 1.0, "lb": LB, "lbs": LB,
                "pounds": LB, "oz": OZ, "ounces": OZ}  # fmt: skip


@register("weight")
class Weight(Number, standalone=True):
    """A product's weight around 800 g (5 g to 50 kg), in kilograms, or in grams, pounds or
    ounces when the column's name says so (``weight_g``, ``weight_lb``)."""

    names = ("weight", "weight_kg", "weight_g", "weight_grams", "weight_lb", "weight_lbs",
             "weight_oz", "net_weight", "gross_weight")  # fmt: skip
    strict = False

    def setup(self) -> None:
        words = tokens(self.ctx.column.name)
        self.grams = next((WEIGHT_UNITS[w] for w in words if w in WEIGHT_UNITS), 1000.0)
        self.largest = round(50_000 / self.grams, 2)
        super().setup()

    def value_bounds(self) -> tuple[float, float] | None:
        low = super().value_bounds()
        return (10.0**-self.scale, low[1]) if low else None  # never 0: one unit at least

    def generate(self, block: Block) -> np.ndarray:
        g = np.exp(np.log(800.0) + 1.2 * _normal(self.ctx.key(), block.idx, 0))
        g = np.clip(g, 5.0, 50_000.0)
        return self.render(np.maximum(np.rint(g / self.grams * 10**self.scale), 1).astype(np.int64))


@register("rating")
class Rating(Number, standalone=True):
    """A 1 to 5 star rating, mostly 4 or 5: whole stars in integer columns, one decimal
    (``4.3``) in real, double precision and numeric(p,1) columns."""

    names = ("rating", "stars", "star_rating", "review_rating")
    largest, smallest = 5, 1
    _STARS = rand.alias_table(np.array([4.0, 6, 14, 34, 42]))

    def setup(self) -> None:
        super().setup()
        if self.type.base in ("real", "double precision") or self.type.precision is None:
            self.scale = min(self.scale, 1)  # 4.3 stars, not 4.27
            self.top = top_units(self.type, self.scale)

    def generate(self, block: Block) -> np.ndarray:
        key, idx, one = self.ctx.key(), block.idx, 10**self.scale
        if self.scale == 0:
            return self.render(1 + rand.weighted(key, idx, self._STARS))
        x = 5.0 - 4.0 * rand.uniform(key, idx) ** 2.2  # skewed towards 5
        return self.render(np.clip(np.rint(x * one), one, 5 * one).astype(np.int64))


@register("year")
class Year(_Count, standalone=True):
    """A recent year, 1990 to 2026, most in the last decade (``birth_year``: 1945 to 2007)."""

    strict = True
    names = ("year", "model_year", "fiscal_year", "release_year", "publication_year")
    largest, smallest = 2026, 1990

    def value_bounds(self) -> tuple[float, float] | None:
        return (1945.0, 2007.0) if self.ctx.group == "birth" else super().value_bounds()

    def counts(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        if self.ctx.group == "birth":
            return 1945 + rand.integers(key, idx, 63).astype(np.int64)
        back = np.floor(-np.log1p(-rand.uniform(key, idx)) * 9).astype(np.int64)
        return np.maximum(2026 - back, 1990)


@register("count")
class Count(_Count, standalone=True):
    """A count: non-negative, mostly below 20, with a long tail (geometric, mean about 8)."""

    #: ``years``/``months`` of an integer column count them (``warranty_years``): not a year
    names = ("count", "num_items", "item_count", "years", "months", "weeks")

    def counts(self, block: Block) -> np.ndarray:
        u = rand.uniform(self.ctx.key(), block.idx)
        return np.floor(-np.log1p(-u) * 8).astype(np.int64)


@register("percent")
class Percent(Number, standalone=True):
    """A percentage from 0 to 100 in the column's scale (capped by a narrower numeric)."""

    names = ("percent", "percentage", "pct")
    largest, strict = 100, False

    def generate(self, block: Block) -> np.ndarray:
        one = 10**self.scale
        return self.render(rand.integers(self.ctx.key(), block.idx, 100 * one + 1).astype(np.int64))


@register("score")
class Score(Number, standalone=True):
    """A score from 0 to 100, around 70 (normal, standard deviation 15)."""

    names = ("score",)
    largest, strict = 100, False

    def generate(self, block: Block) -> np.ndarray:
        one = 10**self.scale
        x = 70.0 + 15.0 * _normal(self.ctx.key(), block.idx, 0)
        return self.render(np.clip(np.rint(x * one), 0, 100 * one).astype(np.int64))
