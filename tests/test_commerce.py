"""Commerce, payment and quantity generators make values a shop's database would hold: valid check
digits (Luhn, mod-97, GS1), real code lists, plausible ranges, and amounts that agree in a row."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import dumps
import pytest

import datagen
from datagen.errors import SpecError
from datagen.generators import semantic_match

N = 10_000
DATA = json.loads(
    (Path(datagen.__file__).parent / "generators" / "data" / "commerce.json").read_text()
)
IBAN_LENGTHS = {"DE": 22, "FR": 27, "GB": 22, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "AT": 20,
                "CH": 21, "PT": 25, "PL": 28, "SE": 24, "DK": 18, "FI": 18, "NO": 15, "IE": 22,
                "LU": 20, "CZ": 24}  # fmt: skip


def table(cols: str, rows: int = N, name: str = "t", extra: str = "") -> dict[str, list[str]]:
    return dumps.table(cols, rows, name=name, extra=extra, seed=11)


def share(values, pred) -> float:
    return sum(1 for v in values if pred(v)) / len(values)


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def brand_of(number: str) -> str | None:
    n = len(number)
    if number.startswith("4") and n == 16:
        return "visa"
    if (51 <= int(number[:2]) <= 55 or 2221 <= int(number[:4]) <= 2720) and n == 16:
        return "mastercard"
    if number[:2] in ("34", "37") and n == 15:
        return "amex"
    if (number.startswith(("6011", "65")) or 644 <= int(number[:3]) <= 649) and n == 16:
        return "discover"
    return None


def test_card_numbers_are_luhn_valid_and_agree_with_last4_brand_and_expiry():
    got = table(
        """
        - {name: card_number, type: varchar(19)}
        - {name: card_last4, type: char(4)}
        - {name: card_brand, type: text}
        - {name: card_expiry, type: char(5)}
        - {name: exp_month, type: smallint}
        - {name: exp_year, type: integer}
        - {name: expiry_date, type: date}
        - {name: cvv, type: char(3)}
        """,
        name="cards",  # a date named like an expiry is a card's in a table of cards
    )
    numbers = got["card_number"]
    assert all(n.isdigit() and luhn_ok(n) for n in numbers)
    assert all(brand_of(n) == b for n, b in zip(numbers, got["card_brand"], strict=True))
    assert all(n[-4:] == last for n, last in zip(numbers, got["card_last4"], strict=True))
    brands = Counter(got["card_brand"])
    assert set(brands) == {"visa", "mastercard", "amex", "discover"}
    assert brands["visa"] > brands["mastercard"] > brands["amex"]
    rows = zip(
        got["card_expiry"], got["exp_month"], got["exp_year"], got["expiry_date"], strict=True
    )
    for text, month, year, day in rows:
        assert re.fullmatch(r"(0[1-9]|1[0-2])/(2[6-9]|3[0-2])", text)
        assert (int(text[:2]), 2000 + int(text[3:])) == (int(month), int(year))
        date = dt.date.fromisoformat(day)
        assert (date.month, date.year) == (int(month), int(year))
        assert (date + dt.timedelta(days=1)).day == 1  # the month's last day
    assert all(re.fullmatch(r"\d{3}", v) for v in got["cvv"])


def iban_ok(iban: str) -> bool:
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def test_ibans_are_mod97_valid_with_their_countrys_length_and_bics_match():
    got = table(
        """
        - {name: iban, type: text}
        - {name: bic, type: text}
        - {name: payee_iban, type: varchar(22)}
        - {name: swift_code, type: char(11)}
        """,
        extra="locale: de_DE",
    )
    for iban in got["iban"] + got["payee_iban"]:
        assert re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", iban), iban
        assert len(iban) == IBAN_LENGTHS[iban[:2]] and iban_ok(iban), iban
    assert all(len(v) <= 22 for v in got["payee_iban"])
    assert Counter(v[:2] for v in got["iban"]).most_common(1)[0][0] == "DE"
    for iban, bic in zip(got["iban"], got["bic"], strict=True):
        assert re.fullmatch(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?", bic)
        assert bic[4:6] == iban[:2]
        if iban[:2] in ("GB", "NL", "IE"):  # the bank code opens the BBAN
            assert bic[:4] == iban[4:8]
    assert all(len(v) == 11 for v in got["swift_code"])


def gs1_ok(code: str) -> bool:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(reversed(code)))
    return total % 10 == 0


def test_barcodes_and_isbns_have_valid_check_digits():
    got = table(
        """
        - {name: ean, type: char(13)}
        - {name: gtin, type: text}
        - {name: upc, type: varchar(12)}
        - {name: isbn, type: text}
        """
    )
    assert all(re.fullmatch(r"\d{13}", v) and gs1_ok(v) for v in got["ean"] + got["gtin"])
    assert all(re.fullmatch(r"\d{12}", v) and gs1_ok(v) for v in got["upc"])
    assert all(re.fullmatch(r"97[89]\d{10}", v) and gs1_ok(v) for v in got["isbn"])
    assert 0.85 < share(got["isbn"], lambda v: v.startswith("978")) < 0.95


def test_currencies_are_iso_4217_and_follow_the_locale():
    got = table("- {name: currency, type: char(3)}\n- {name: currency_code, type: text}")
    assert set(got["currency"]) <= set(DATA["currencies"]) and "USD" in DATA["currencies"]
    assert len(DATA["currencies"]) > 150
    assert Counter(got["currency"]).most_common(1)[0][0] == "USD"
    assert share(got["currency_code"], lambda v: v in ("USD", "EUR", "GBP")) > 0.6
    de = table("- {name: currency, type: char(3)}", extra="locale: de_DE")
    assert Counter(de["currency"]).most_common(1)[0][0] == "EUR"


MONEY = ("subtotal", "tax", "discount", "shipping_cost", "total")


@pytest.mark.parametrize("ty", ["numeric(10,2)", "integer", "numeric(12,4)", "real"])
def test_order_money_adds_up_in_every_row(ty):
    got = table("".join(f'- {{name: {c}, type: "{ty}"}}\n' for c in MONEY), name="orders")
    d = {c: [Decimal(v) for v in got[c]] for c in MONEY}
    for s, tax, disc, ship, total in zip(*d.values(), strict=True):
        assert total == s + tax + ship - disc
        assert 0 <= tax < s and 0 <= disc <= s * Decimal("0.3") + 1 and ship >= 0
    assert 0.5 < share(d["discount"], lambda v: v == 0) < 0.9
    assert 0.1 < share(d["shipping_cost"], lambda v: v == 0) < 0.5


def test_total_follows_the_row_without_the_other_columns():
    alone = table('- {name: grand_total, type: "numeric(10,2)"}', rows=2000)
    both = table(
        '- {name: subtotal, type: "numeric(10,2)"}\n- {name: grand_total, type: "numeric(10,2)"}',
        rows=2000,
    )
    assert alone["grand_total"] == both["grand_total"]  # adding a column changes no other
    assert all(
        Decimal(t) >= Decimal(s) * Decimal("0.7") for s, t in zip(*both.values(), strict=True)
    )


@pytest.mark.parametrize(
    ("price", "cost"),
    [
        ("numeric(10,2)", "numeric(10,2)"),
        ("integer", "integer"),
        ("numeric(8,2)", "integer"),
        ("integer", "numeric(8,2)"),
        ("real", "numeric(6,1)"),
    ],
)
def test_cost_is_below_price_in_every_row(price, cost):
    got = table(f'- {{name: price, type: "{price}"}}\n- {{name: unit_cost, type: "{cost}"}}')
    pairs = list(zip(got["price"], got["unit_cost"], strict=True))
    assert all(Decimal(c) < Decimal(p) for p, c in pairs)
    prices = [Decimal(p) for p in got["price"]]
    assert all(Decimal("0.99") <= p <= 1000 for p in prices)
    assert 15 < sorted(prices)[len(prices) // 2] < 60  # median: an everyday product
    if price == "numeric(10,2)":
        assert share(got["price"], lambda v: v.endswith((".99", ".95", ".00"))) > 0.7


def test_cost_alone_stays_below_the_price_it_would_have():
    alone = table('- {name: cost, type: "numeric(10,2)"}', rows=3000)
    both = table(
        '- {name: price, type: "numeric(10,2)"}\n- {name: cost, type: "numeric(10,2)"}', rows=3000
    )
    assert alone["cost"] == both["cost"]


def test_numbers_named_like_what_they_hold_have_fitting_ranges():
    got = table(
        """
        - {name: quantity, type: integer}
        - {name: stock_quantity, type: integer}
        - {name: rating, type: smallint}
        - {name: avg_rating, type: "numeric(2,1)"}
        - {name: model_year, type: integer}
        - {name: email_count, type: integer}
        - {name: percent, type: "numeric(5,2)"}
        - {name: score, type: integer}
        - {name: weight_kg, type: "numeric(8,3)"}
        - {name: weight_g, type: integer}
        """
    )
    ints = {k: [int(v) for v in vs] for k, vs in got.items() if "." not in "".join(vs[:50])}
    assert (
        all(1 <= v <= 20 for v in ints["quantity"])
        and share(ints["quantity"], lambda v: v <= 5) > 0.85
    )
    assert all(0 <= v <= 500 for v in ints["stock_quantity"])
    assert 0.04 < share(ints["stock_quantity"], lambda v: v == 0) < 0.15
    assert (
        all(1 <= v <= 5 for v in ints["rating"]) and share(ints["rating"], lambda v: v >= 4) > 0.6
    )
    assert all(re.fullmatch(r"[1-5]\.\d", v) and 1 <= float(v) <= 5 for v in got["avg_rating"])
    assert all(1990 <= v <= 2026 for v in ints["model_year"])
    assert (
        all(v >= 0 for v in ints["email_count"])
        and share(ints["email_count"], lambda v: v < 50) > 0.99
    )
    assert all(0 <= Decimal(v) <= 100 for v in got["percent"])
    assert all(0 <= v <= 100 for v in ints["score"]) and 60 < sum(ints["score"]) / N < 80
    kg, grams = [Decimal(v) for v in got["weight_kg"]], ints["weight_g"]
    assert 0.3 < sorted(kg)[N // 2] < 2 and 300 < sorted(grams)[N // 2] < 2000


@pytest.mark.parametrize(
    ("table_name", "allowed"),
    [
        ("orders", {"pending", "paid", "shipped", "delivered", "cancelled", "refunded"}),
        ("payments", {"succeeded", "pending", "failed", "refunded"}),
        ("support_tickets", {"open", "in_progress", "resolved", "closed"}),
        ("users", {"active", "inactive", "suspended", "pending"}),
        ("widgets", {"active", "inactive", "pending", "archived"}),
    ],
)
def test_status_fits_the_table(table_name, allowed):
    got = table("- {name: status, type: varchar(20)}", rows=3000, name=table_name)
    assert set(got["status"]) == allowed


def test_an_enum_status_keeps_its_labels():
    got = table(
        "- {name: status, type: st}", rows=500, name="orders", extra="enums: {st: [new, old]}"
    )
    assert set(got["status"]) == {"new", "old"}


def test_commerce_text_shapes():
    got = table(
        """
        - {name: sku, type: char(9)}
        - {name: name, type: varchar(30)}
        - {name: color, type: text}
        - {name: category, type: text}
        - {name: brand, type: varchar(40)}
        - {name: order_number, type: text}
        - {name: invoice_no, type: varchar(20)}
        - {name: method, type: text}
        - {name: transaction_id, type: text}
        """,
        name="products",
    )
    assert all(re.fullmatch(r"[A-Z]{3}-\d{5}", v) for v in got["sku"])
    assert all(len(v) <= 30 and len(v.split()) >= 3 for v in got["name"])
    assert share(got["color"], lambda v: v in ("Black", "White", "Navy", "Blue", "Green")) > 0.2
    assert set(got["category"]) <= set(DATA["categories"]) and len(set(got["brand"])) > 100
    assert all(re.fullmatch(r"ORD-20(19|2[0-5])-\d{6}", v) for v in got["order_number"])
    assert all(re.fullmatch(r"INV-20\d\d-\d{6}", v) for v in got["invoice_no"])
    assert all(re.fullmatch(r"txn_[0-9A-Za-z]{24}", v) for v in got["transaction_id"])
    # "method" outside a payments table is no payment method
    assert share(got["method"], lambda v: v in ("card", "paypal", "apple_pay")) < 0.05


@pytest.mark.parametrize(
    ("column", "ty", "want"),
    [
        ("sku", "text", "sku"),
        ("productSku", "varchar(20)", "sku"),
        ("sku", "varchar(6)", None),  # too short for a SKU: the type's default
        ("prices", "numeric", "price"),
        ("unit_price", "numeric(10,2)", "price"),
        ("price", "text", None),
        ("amount", "numeric(12,2)", "price"),
        ("total_amount", "numeric(12,2)", "total"),
        ("tax_amount", "numeric(12,2)", "tax"),
        ("discount", "numeric(12,2)", "discount"),
        ("discount_code", "text", None),
        ("shipping", "numeric(8,2)", "shipping_cost"),
        ("shipping_city", "text", "city"),
        ("currency", "char(3)", "currency"),
        ("currency", "char(2)", None),
        ("currencyCode", "varchar(3)", "currency"),
        ("in_stock", "boolean", None),
        ("in_stock", "integer", "stock"),
        ("email_count", "integer", "count"),
        ("account", "integer", None),
        ("account_id", "integer", None),
        ("year", "text", None),
        ("fiscal_year", "smallint", "year"),
        ("card_number", "varchar(19)", "credit_card"),
        ("card_number", "varchar(12)", None),
        ("card_number", "bigint", None),
        ("last4", "char(4)", "card_last4"),
        ("cvv2", "char(3)", "cvv"),
        ("expiry_month", "integer", "card_expiry"),
        ("iban", "varchar(34)", "iban"),
        ("iban", "varchar(10)", None),
        ("swift_code", "varchar(11)", "bic"),
        ("transaction_id", "uuid", None),
        ("txn_id", "text", "transaction_id"),
        ("order_number", "varchar(20)", "order_number"),
        ("order_number", "integer", None),
        ("status", "text", "status"),
        ("status", "char(1)", None),
        ("rating", "numeric(2,1)", "rating"),
        ("ean13", "char(13)", "ean"),
        ("isbn", "varchar(10)", None),
        ("colour", "varchar(30)", "color"),
        ("pct", "real", "percent"),
        ("score", "text", None),
    ],
)
def test_detection(column, ty, want):
    base, _, length = ty.partition("(")
    size = int(length.split(",")[0].rstrip(")")) if length and base in ("char", "varchar") else None
    found = semantic_match(column, base, "t", size)
    assert (found[0] if found else None) == want


@pytest.mark.parametrize(
    ("column", "table_name", "want"),
    [("name", "products", "product_name"), ("title", "catalog_items", "product_name"),
     ("title", "articles", "title"), ("method", "payments", "payment_method"), ("method", "t", None)],
)  # fmt: skip
def test_detection_by_table(column, table_name, want):
    found = semantic_match(column, "text", table_name)
    assert (found[0] if found else None) == want


def test_unique_codes_never_repeat():
    got = table(
        """
        - {name: sku, type: varchar(12), unique: true}
        - {name: order_number, type: text, unique: true}
        - {name: transaction_id, type: varchar(40), unique: true}
        - {name: price, type: "numeric(10,2)", unique: true}
        - {name: isbn, type: char(13), unique: true}
        - {name: ean, type: text, unique: true}
        """,
        rows=50_000,
    )
    assert all(gs1_ok(v) for v in got["isbn"] + got["ean"])
    for name, values in got.items():
        assert len(set(values)) == len(values), name
    assert all(re.fullmatch(r"txn_[0-9A-Za-z]{24}", v) for v in got["transaction_id"])
    assert all(re.fullmatch(r"[A-Z]{3}-\d{5}", v) for v in got["sku"])


def test_same_spec_same_values():
    cols = "- {name: iban, type: text}\n- {name: card_number, type: text}\n- {name: total, type: integer}"
    assert table(cols, rows=3000) == table(cols, rows=3000)


@pytest.mark.parametrize(
    ("cols", "message"),
    [
        ('- {name: price, type: "numeric(4,2)"}', "price values reach 999.99"),
        ('- {name: total, type: "numeric(5,2)"}', "holds up to 999.99"),
        ("- {name: a, type: varchar(5), generator: sku}", "varchar(9)"),
        ("- {name: a, type: varchar(4), generator: card_brand}", "mastercard"),
        ("- {name: a, type: varchar(12), generator: iban}", "varchar(15)"),
        ("- {name: a, type: char(1), generator: status}", "does not fit"),
        ('- {name: year, type: "numeric(3,0)"}', "holds up to 999"),
    ],
)
def test_values_that_cannot_fit_are_problems(cols, message):
    with pytest.raises(SpecError) as info:
        table(cols, rows=5)
    assert message in str(info.value)


def test_unique_ibans_are_distinct_and_valid():
    got = table("- {name: iban, type: varchar(34), unique: true}", 50_000)["iban"]
    assert len(set(got)) == len(got)
    moved = (v[4:] + v[:4] for v in got)
    assert all(int("".join(str(int(c, 36)) for c in m)) % 97 == 1 for m in moved)
