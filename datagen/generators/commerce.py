"""Commerce: SKUs, product names, currencies, colours, categories, brands, barcodes with valid
check digits, order numbers and per-table statuses.

Word lists live in ``data/commerce.json`` (read once); colours and brands come from Faker's data for
the dataset's locale. Codes are never cut to fit a column: a column too short for them is not
detected, and an explicit generator on it is a validation problem.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import numpy as np

from .. import rand, textops
from .base import TEXT_TYPES, Generator, register
from .commerce_base import (
    LETTERS,
    Vocabulary,
    data,
    digit_text,
    gs1_check,
    random_digits,
    text_rules,
    too_short,
)
from .locales import last_names
from .semantic import rule, tokens
from .text import UniqueText, length_limit
from .words import _provider

if TYPE_CHECKING:
    from ..columns import Block

#: ``name``/``title`` in these tables is a product's
PRODUCT_TABLES = r"product|item|article|sku|catalog|good"


@register("sku")
class Sku(Generator, standalone=True):
    """A stock keeping unit, three capitals and five digits: ``KXM-40417``."""

    names = (*text_rules("sku", 9), *text_rules("sku_code", 9))
    types = TEXT_TYPES
    version = 1
    DIGITS = 10**5

    def setup(self) -> None:
        too_short(self, 9, "KXM-40417")

    def _text(self, letters: np.ndarray, number: np.ndarray) -> np.ndarray:
        m = np.full((len(number), 9), ord("-"), dtype=np.uint8)
        for pos in (2, 1, 0):
            m[:, pos] = LETTERS[letters % 26]
            letters = letters // 26
        textops.fixed_digits(m, 4, number, 5)
        return textops.from_matrix(m)

    def generate(self, block: Block) -> np.ndarray:
        v = rand.integers(self.ctx.key(), block.idx, self.domain()).astype(np.int64)
        return self._text(v // self.DIGITS, v % self.DIGITS)

    def domain(self) -> int:
        return 26**3 * self.DIGITS

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        v = k.astype(np.int64)
        return self._text(v // self.DIGITS, v % self.DIGITS)


@functools.cache
def product_names() -> list[str]:
    """Every ``adjective material product`` name (about 33,000)."""
    d = data()
    return [f"{a} {m} {p}" for a in d["adjectives"] for m in d["materials"] for p in d["products"]]


@register("product_name")
class ProductName(UniqueText, standalone=True):
    """A product's name, adjective + material + product: ``Ergonomic Steel Chair``."""

    names = (
        "product_name",
        "product_title",
        rule("name", tables=PRODUCT_TABLES, types=TEXT_TYPES, note="in a table of products"),
        rule(
            "title",
            tables=r"product|item|sku|catalog|good",
            types=TEXT_TYPES,
            note="in a table of products",
        ),
    )
    types = TEXT_TYPES
    separator = b" "

    def setup(self) -> None:
        limit = length_limit(self.type)
        fit = [n for n in product_names() if limit is None or len(n) <= limit]
        if not fit:
            self.problem(
                f"the shortest product name has {min(map(len, product_names()))} characters; "
                f"{self.type.ddl()} holds {limit}",
                "declare the column as varchar(40) or text",
            )
            fit = product_names()[:1]
        self.pool = np.array([n.encode() for n in fit])

    def generate(self, block: Block) -> np.ndarray:
        return self.pool[rand.integers(self.ctx.key(), block.idx, len(self.pool)).astype(np.int64)]


@register("currency")
class Currency(Vocabulary):
    """An ISO 4217 currency code, mostly USD, EUR, GBP, and the locale's own currency."""

    names = tuple(
        r for w in ("currency", "currency_code", "currency_iso") for r in text_rules(w, 3)
    )

    def vocabulary(self) -> dict[str, float]:
        d = data()
        weights = dict(d["currency_weights"])
        own = d["country_currency"].get(self.ctx.dataset.locale.rpartition("_")[2])
        if own:
            weights[own] += 60.0  # a dataset in de_DE charges mostly in euros
        return weights


@functools.cache
def color_names(locale: str) -> dict[str, float]:
    """Faker's colour names for the locale, the basic colours weighted up."""
    provider = _provider("color", locale)
    basic = {c.lower() for c in getattr(provider, "safe_colors", ())}
    out: dict[str, float] = {}
    for name in provider.all_colors:
        spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)  # AliceBlue -> Alice Blue
        out[spaced] = 20.0 if name.lower() in basic else 1.0
    return out


@register("color")
class Color(Vocabulary):
    """A colour name from Faker's list for the locale (``Navy``, ``Dark Olive Green``)."""

    names = (*text_rules("color", 8), *text_rules("colour", 8))

    def vocabulary(self) -> dict[str, float]:
        return color_names(self.ctx.dataset.locale)


@register("category")
class Category(Vocabulary):
    """A product category (``Home & Kitchen``, ``Electronics``), the big ones more often."""

    names = (
        *text_rules("category", 12),
        *text_rules("category_name", 12),
        *text_rules("name", 12, tables=r"categor", note="in a table of categories"),
    )

    def vocabulary(self) -> dict[str, float]:
        return data()["categories"]


@register("brand")
class Brand(Vocabulary):
    """A brand name made from the locale's family names (``Hartmann``, ``Cole Outfitters``)."""

    names = (*text_rules("brand", 12), *text_rules("brand_name", 12))

    def vocabulary(self) -> dict[str, float]:
        names = last_names(self.ctx.dataset.locale).words[:400]
        suffixes = data()["brand_suffixes"]
        return {n.decode("utf-8") + suffixes[i % len(suffixes)]: 1.0 for i, n in enumerate(names)}


class _Barcode(Generator, standalone=True):
    """Base: ``prefix`` digits then random digits, closed by a GS1 check digit."""

    types = TEXT_TYPES
    width = 13

    def setup(self) -> None:
        too_short(self, self.width, "0" * self.width)

    def prefixes(self) -> np.ndarray:
        raise NotImplementedError

    def _text(self, body: np.ndarray) -> np.ndarray:
        return digit_text(np.concatenate([body, gs1_check(body)[:, None]], axis=1))

    def generate(self, block: Block) -> np.ndarray:
        key, idx, pre = self.ctx.key(), block.idx, self.prefixes()
        body = random_digits(key, idx, self.width - 1, 1)
        body[:, : pre.shape[1]] = pre[rand.integers(key, idx, len(pre)).astype(np.int64)]
        return self._text(body)

    def _free(self) -> tuple[np.ndarray, int]:
        """The distinct prefixes and how many digits follow them before the check digit."""
        pre = np.unique(self.prefixes(), axis=0)
        return pre, self.width - 1 - pre.shape[1]

    def domain(self) -> int:
        pre, free = self._free()
        return len(pre) * 10**free

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        pre, free = self._free()
        v = k.astype(np.int64)
        body = np.empty((len(v), self.width - 1), dtype=np.uint8)
        body[:, : pre.shape[1]] = pre[v // 10**free]
        textops.fixed_digits(body, pre.shape[1], v % 10**free, free)
        body[:, pre.shape[1] :] -= np.uint8(48)  # fixed_digits writes ASCII digits
        return self._text(body)


def _digit_rows(codes: list[str]) -> np.ndarray:
    return np.array([[int(c) for c in code] for code in codes], dtype=np.uint8)


@register("ean")
class Ean(_Barcode):
    """An EAN-13 barcode with a valid check digit and a real GS1 country prefix."""

    names = tuple(
        r for w in ("ean", "ean13", "gtin", "gtin13", "barcode") for r in text_rules(w, 13)
    )
    # GS1 prefixes: US/CA, FR, DE, JP, UK, CH, IT, ES, NL, CN
    PREFIXES = ("001", "003", "007", "030", "340", "400", "426", "450", "500", "506", "760",
                "800", "840", "871", "690", "693")  # fmt: skip

    def prefixes(self) -> np.ndarray:
        return _digit_rows(list(self.PREFIXES))


@register("upc")
class Upc(_Barcode):
    """A 12-digit UPC-A code with a valid check digit."""

    names = tuple(r for w in ("upc", "upc_code", "upca") for r in text_rules(w, 12))
    width = 12

    def prefixes(self) -> np.ndarray:
        return _digit_rows(["0", "1", "6", "7", "8"])  # regular UPC number systems


@register("isbn")
class Isbn(_Barcode):
    """An ISBN-13 (978 or 979 prefix) with a valid check digit, digits only."""

    names = (*text_rules("isbn", 13), *text_rules("isbn13", 13))

    def prefixes(self) -> np.ndarray:
        return _digit_rows(["978"] * 9 + ["979"])


@register("order_number")
class OrderNumber(Generator, standalone=True):
    """An order reference with a year and six digits: ``ORD-2024-000123`` (``INV-...`` for an
    invoice number)."""

    names = tuple(
        r
        for w in (
            "order_number",
            "order_no",
            "order_ref",
            "order_reference",
            "invoice_number",
            "invoice_no",
        )
        for r in text_rules(w, 15)
    )
    types = TEXT_TYPES
    FIRST_YEAR, YEARS, PER_YEAR = 2019, 7, 10**6

    def setup(self) -> None:
        too_short(self, 15, "ORD-2024-000123")
        prefix = b"INV-" if "invoice" in tokens(self.ctx.column.name) else b"ORD-"
        self.prefix = np.frombuffer(prefix, dtype=np.uint8)

    def _text(self, v: np.ndarray) -> np.ndarray:
        m = np.full((len(v), 15), ord("-"), dtype=np.uint8)
        m[:, :4] = self.prefix
        textops.fixed_digits(m, 4, self.FIRST_YEAR + v // self.PER_YEAR, 4)
        textops.fixed_digits(m, 9, v % self.PER_YEAR, 6)
        return textops.from_matrix(m)

    def generate(self, block: Block) -> np.ndarray:
        v = rand.integers(self.ctx.key(), block.idx, self.domain()).astype(np.int64)
        return self._text(v)

    def domain(self) -> int:
        return self.YEARS * self.PER_YEAR

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self._text(k.astype(np.int64))


#: (table-name regex, {status: weight}), the first match wins; then the generic set
STATUSES: list[tuple[str, dict[str, float]]] = [
    (r"order|purchase|shipment", {"pending": 6, "paid": 8, "shipped": 12, "delivered": 60,
                                  "cancelled": 9, "refunded": 5}),
    (r"payment|transaction|charge|refund|payout", {"succeeded": 85, "pending": 5, "failed": 7,
                                                   "refunded": 3}),
    (r"ticket|task|issue|incident|bug|todo", {"open": 25, "in_progress": 20, "resolved": 30,
                                              "closed": 25}),
    (r"user|account|customer|member|client|subscriber", {"active": 82, "inactive": 9,
                                                          "suspended": 3, "pending": 6}),
]  # fmt: skip
GENERIC_STATUS = {"active": 70.0, "inactive": 15.0, "pending": 10.0, "archived": 5.0}


@register("status")
class Status(Vocabulary):
    """A status word that fits the table: orders are ``delivered`` or ``shipped``, payments
    ``succeeded`` or ``failed``, tickets ``open`` or ``resolved``, users ``active``."""

    names = tuple(
        r
        for tables, _ in STATUSES
        for r in text_rules("status", 9, tables=tables, note=f"in a table named like {tables}")
    ) + text_rules("status", 9)

    def vocabulary(self) -> dict[str, float]:
        table = "_".join(tokens(self.ctx.table.name))
        for tables, values in STATUSES:
            if re.search(tables, table):
                return values
        return GENERIC_STATUS
