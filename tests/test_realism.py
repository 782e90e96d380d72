"""An ordinary app schema, written with column names and types only, gets believable data.

tests/fixtures/realism/app.yaml declares 8 tables the way a developer would (no generators).
Each column has a predicate of what real data of that name looks like (Luhn, mod-97, ISO lists,
IANA zones, URL and email shapes, sentences, ranges); each row and each foreign key join has the
lifecycle and coherence rules of the issue. At least 95% of values must pass each (most pass all).
The predicates are written from the outside: they know nothing of which generator made a value.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools
import json
import re
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from dumps import columns, dump

import datagen

SPEC = Path(__file__).parent / "fixtures" / "realism" / "app.yaml"
NULL = None
PASS_SHARE = 0.95

# ---- reference data, from outside datagen -------------------------------------------------------

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
}  # fmt: skip
# the first digit of a ZIP code by state (USPS zones)
ZIP_ZONE = {
    0: "CT MA ME NH NJ RI VT", 1: "DE NY PA", 2: "DC MD NC SC VA WV", 3: "AL FL GA MS TN",
    4: "IN KY MI OH", 5: "IA MN MT ND SD WI", 6: "IL KS MO NE", 7: "AR LA OK TX",
    8: "AZ CO ID NM NV UT WY", 9: "AK CA HI OR WA",
}  # fmt: skip
ZIP_FIRST = {s: z for z, states in ZIP_ZONE.items() for s in states.split()}
CURRENCIES = set(
    "AED ARS AUD BDT BGN BHD BRL CAD CHF CLP CNY COP CZK DKK EGP EUR GBP HKD HUF IDR ILS INR "
    "ISK JPY KES KRW KWD MAD MXN MYR NGN NOK NZD PEN PHP PKR PLN QAR RON RSD RUB SAR SEK SGD "
    "THB TRY TWD UAH USD VND ZAR".split()
)
ZONES = zoneinfo.available_timezones()
REFERENCE = dt.date(2025, 12, 31)
URL_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\Z")


def _countries() -> set[str]:
    from faker.providers.address import Provider

    return {
        code
        for code, *_ in Provider.alpha_2_country_codes
        and [(c,) for c in Provider.alpha_2_country_codes]
    }


COUNTRIES = _countries()

# ---- predicates ---------------------------------------------------------------------------------


def capitalised(v: str) -> bool:
    return bool(v) and v[0].isupper() and v == v.strip() and "  " not in v


def is_url(v: str) -> bool:
    parts = urlsplit(v)
    return parts.scheme in ("http", "https") and bool(URL_HOST.match(parts.hostname or ""))


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card(v: str) -> bool:
    digits = re.sub(r"[ -]", "", v)
    return digits.isdigit() and 13 <= len(digits) <= 19 and luhn(digits)


def iban(v: str) -> bool:
    v = v.replace(" ", "")
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", v):
        return False
    moved = v[4:] + v[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def ean13(v: str) -> bool:
    if not re.fullmatch(r"\d{13}", v):
        return False
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(v[:12]))
    return (10 - total % 10) % 10 == int(v[12])


def sentence(v: str) -> bool:
    return capitalised(v) and v[-1] in ".!?" and len(v.split()) >= 3


def in_range(lo: float, hi: float) -> Callable[[str], bool]:
    return lambda v: lo <= float(v) <= hi


def matches(pattern: str) -> Callable[[str], bool]:
    rx = re.compile(pattern)
    return lambda v: rx.fullmatch(v) is not None


def one_of_few(limit: int) -> Callable[[list[str]], bool]:
    """A vocabulary: a handful of distinct lowercase values."""
    return lambda vs: len(set(vs)) <= limit and all(re.fullmatch(r"[a-z][a-z_ -]*", v) for v in vs)


def ip(v: str) -> bool:
    try:
        ipaddress.ip_address(v)
    except ValueError:
        return False
    return True


def json_object(v: str) -> bool:
    try:
        doc = json.loads(v)
    except ValueError:
        return False
    return isinstance(doc, dict) and len(doc) >= 1


def tags(v: str) -> bool:
    inner = v.strip("{}")
    items = [t.strip('"') for t in inner.split(",")] if inner else []
    return all(re.fullmatch(r"[a-z][a-z0-9-]{1,24}", t) for t in items)


EMAIL = matches(r"[a-z0-9][a-z0-9._+-]*@example\.(com|org|net)")
PREDICATES: dict[tuple[str, str], Callable[[str], bool]] = {
    ("companies", "name"): capitalised,
    ("companies", "legal_name"): capitalised,
    ("companies", "industry"): capitalised,
    ("companies", "website"): is_url,
    ("companies", "domain"): lambda v: URL_HOST.match(v) is not None,
    ("companies", "logo_url"): is_url,
    ("companies", "vat_number"): matches(r"[A-Z]{2}[0-9A-Z]{8,12}|\d{2}-\d{7}"),
    ("companies", "employee_count"): in_range(1, 1_000_000),
    ("companies", "founded_year"): in_range(1800, 2025),
    ("companies", "revenue"): in_range(0, 1e13),
    ("users", "email"): EMAIL,
    ("users", "username"): matches(r"[a-z0-9][a-z0-9._]{2,39}"),
    ("users", "password_hash"): matches(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}"),
    ("users", "first_name"): capitalised,
    ("users", "last_name"): capitalised,
    ("users", "display_name"): capitalised,
    ("users", "gender"): lambda v: v.lower() in {"female", "male", "non-binary", "other"},
    ("users", "date_of_birth"): lambda v: "1920-01-01" <= v <= "2007-12-31",
    ("users", "age"): in_range(18, 105),
    ("users", "phone"): lambda v: (
        re.fullmatch(r"[0-9+() .x-]+", v) is not None and 7 <= len(re.sub(r"\D", "", v)) <= 15
    ),
    ("users", "job_title"): capitalised,
    ("users", "avatar_url"): is_url,
    ("users", "locale"): matches(r"[a-z]{2}([_-][A-Z]{2})?"),
    ("users", "timezone"): lambda v: v in ZONES,
    ("addresses", "street_address"): matches(r"\d+ [A-Z][\w'. -]+"),
    ("addresses", "city"): capitalised,
    ("addresses", "state"): lambda v: v in US_STATES.values(),
    ("addresses", "state_code"): lambda v: v in US_STATES,
    ("addresses", "postal_code"): matches(r"\d{5}(-\d{4})?"),
    ("addresses", "country"): lambda v: v == "United States",
    ("addresses", "country_code"): lambda v: v == "US",
    ("addresses", "latitude"): in_range(18, 72),
    ("addresses", "longitude"): in_range(-180, -65),
    ("products", "sku"): matches(r"[A-Z0-9][A-Z0-9-]{3,31}"),
    ("products", "name"): lambda v: capitalised(v) and len(v.split()) >= 2,
    ("products", "description"): sentence,
    ("products", "category"): capitalised,
    ("products", "brand"): capitalised,
    ("products", "color"): matches(r"[A-Za-z][A-Za-z ]+"),
    ("products", "price"): in_range(0.01, 100_000),
    ("products", "currency"): lambda v: v in CURRENCIES,
    ("products", "stock"): in_range(0, 100_000),
    ("products", "weight_kg"): in_range(0.001, 1000),
    ("products", "ean"): ean13,
    ("products", "rating"): in_range(1, 5),
    ("products", "tags"): tags,
    ("orders", "order_number"): matches(r"[A-Z0-9][A-Z0-9-]{4,31}"),
    ("orders", "currency_code"): lambda v: v in CURRENCIES,
    ("orders", "subtotal"): in_range(0.01, 1e9),
    ("orders", "quantity"): in_range(1, 100),
    ("payments", "card_number"): card,
    ("payments", "card_last4"): matches(r"\d{4}"),
    ("payments", "card_expiry"): matches(r"(0[1-9]|1[0-2])/\d\d"),
    ("payments", "cvv"): matches(r"\d{3}"),
    ("payments", "iban"): iban,
    ("payments", "bic"): matches(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?"),
    ("payments", "transaction_id"): matches(r"[A-Za-z0-9_-]{12,64}"),
    ("payments", "amount"): in_range(0.01, 1e9),
    ("events", "session_id"): matches(r"[0-9a-f-]{16,64}"),
    ("events", "url"): is_url,
    ("events", "referrer"): is_url,
    ("events", "user_agent"): lambda v: v.startswith("Mozilla/5.0 (") and len(v) > 40,
    ("events", "ip_address"): ip,
    ("events", "duration_ms"): in_range(1, 3_600_000),
    ("events", "properties"): json_object,
    ("profiles", "bio"): sentence,
    ("profiles", "website"): is_url,
    ("profiles", "home_city"): capitalised,
    ("profiles", "home_country_code"): lambda v: v in COUNTRIES,
    ("profiles", "birthday"): lambda v: "1920-01-01" <= v <= "2007-12-31",
    ("profiles", "slug"): matches(r"[a-z0-9]+(-[a-z0-9]+)*"),
}
# columns whose values form a small vocabulary
VOCABULARIES = {
    ("users", "status"): 8,
    ("orders", "status"): 10,
    ("payments", "status"): 8,
    ("payments", "payment_method"): 12,
    ("events", "event_type"): 40,
}


@pytest.fixture(scope="module")
def data() -> dict[str, dict[str, list[str | None]]]:
    ds = datagen.load_spec(SPEC)
    raw = dump(ds)
    out = {}
    for t in ds.tables:
        cols = columns(raw, t.qualname)
        out[t.name] = {
            k: [None if v == b"\\N" else v.decode() for v in vs] for k, vs in cols.items()
        }
    return out


def share(values: list, ok: Callable[[str], bool]) -> tuple[float, list]:
    present = [v for v in values if v is not None]
    bad = [v for v in present if not ok(v)]
    return 1 - len(bad) / max(len(present), 1), bad[:5]


@pytest.mark.parametrize(("table", "column"), sorted(PREDICATES))
def test_column_is_believable(data, table, column):
    got, bad = share(data[table][column], PREDICATES[(table, column)])
    assert got >= PASS_SHARE, f"{table}.{column}: {got:.1%} pass; e.g. {bad}"


@pytest.mark.parametrize(("table", "column"), sorted(VOCABULARIES))
def test_vocabulary_columns(data, table, column):
    values = [v for v in data[table][column] if v is not None]
    assert one_of_few(VOCABULARIES[(table, column)])(values), sorted(set(values))[:20]
    assert len(set(values)) >= 3


def test_every_column_is_checked():
    """No column of the schema escapes a predicate (keys and lifecycle columns are checked by
    the row and join tests below)."""
    ds = datagen.load_spec(SPEC)
    rules = {"id", "created_at", "updated_at", "placed_at", "paid_at", "shipped_at"}
    rules |= {"delivered_at", "last_login_at", "deleted_at", "address_line2", "cost", "tax"}
    rules |= {"discount", "shipping_cost", "total", "user_id", "company_id", "order_id"}
    missing = [
        f"{t.name}.{c.name}"
        for t in ds.tables
        for c in t.columns
        if (t.name, c.name) not in PREDICATES
        and (t.name, c.name) not in VOCABULARIES
        and c.name not in rules
    ]
    assert not missing


def rows(data, table: str, *cols: str) -> list[tuple]:
    return list(zip(*(data[table][c] for c in cols), strict=True))


def at_least(share_ok: float, what: str) -> None:
    assert share_ok >= PASS_SHARE, f"{what}: {share_ok:.1%}"


def test_row_lifecycle(data):
    order = ["created_at", "placed_at", "paid_at", "shipped_at", "delivered_at", "updated_at"]
    ok = sum(all(a <= b for a, b in itertools.pairwise(r)) for r in rows(data, "orders", *order))
    assert ok == len(data["orders"]["id"])
    users = rows(data, "users", "created_at", "updated_at", "last_login_at", "deleted_at")
    assert all(c <= u and c <= seen for c, u, seen, _ in users)
    deleted = [d for *_, d in users if d is not None]
    assert len(deleted) < 0.2 * len(users) and all(d >= c for c, _, _, d in users if d is not None)


def by_id(data, table: str, column: str) -> dict[str, str | None]:
    return dict(zip(data[table]["id"], data[table][column], strict=True))


@pytest.mark.parametrize(
    ("child", "fk", "parent"),
    [
        ("users", "company_id", "companies"),
        ("addresses", "user_id", "users"),
        ("products", "company_id", "companies"),
        ("orders", "user_id", "users"),
        ("payments", "order_id", "orders"),
        ("events", "user_id", "users"),
    ],
)
def test_children_are_created_after_their_parents(data, child, fk, parent):
    born = by_id(data, parent, "created_at")
    pairs = rows(data, child, fk, "created_at")
    assert all(c >= born[p] for p, c in pairs if p is not None)


def test_profile_changes_after_its_user_signed_up(data):
    born = by_id(data, "users", "created_at")
    at_least(
        sum(u >= born[p] for p, u in rows(data, "profiles", "user_id", "updated_at"))
        / len(data["profiles"]["id"]),
        "profiles.updated_at after users.created_at",
    )


def test_money_adds_up(data):
    cols = ("subtotal", "tax", "discount", "shipping_cost", "total")
    for s, tax, disc, ship, total in rows(data, "orders", *cols):
        s, tax, disc, ship, total = map(Decimal, (s, tax, disc, ship, total))
        assert total == s + tax + ship - disc
        assert 0 <= tax <= s * Decimal("0.3") and 0 <= disc <= s


def test_cost_below_price(data):
    assert all(Decimal(c) < Decimal(p) for p, c in rows(data, "products", "price", "cost"))


def test_people_agree_within_a_row(data):
    people = rows(
        data, "users", "first_name", "last_name", "display_name", "email", "date_of_birth", "age"
    )
    named = sum(
        first.split()[0].lower()[:3] in email.lower()
        or last.split()[0].lower()[:3] in email.lower()
        for first, last, _, email, _, _ in people
    )
    at_least(named / len(people), "email made from the row's names")
    assert all(first in display for first, _, display, *_ in people)
    for *_, dob, age in people:
        born = dt.date.fromisoformat(dob)
        years = (
            REFERENCE.year - born.year - ((REFERENCE.month, REFERENCE.day) < (born.month, born.day))
        )
        assert int(age) == years


def test_emails_carry_digits_only_where_needed(data):
    digits = sum(any(ch.isdigit() for ch in e.split("@")[0]) for e in data["users"]["email"])
    assert digits < 0.5 * len(data["users"]["email"])


def test_addresses_agree_within_a_row(data):
    for state, code, zipcode, country, cc in rows(
        data, "addresses", "state", "state_code", "postal_code", "country", "country_code"
    ):
        assert US_STATES[code] == state
        assert int(zipcode[0]) == ZIP_FIRST[code]
        assert (country, cc) == ("United States", "US")


def test_the_busiest_parent_holds_a_few_percent(data):
    from collections import Counter

    counts = Counter(data["orders"]["user_id"])
    assert counts.most_common(1)[0][1] / len(data["orders"]["user_id"]) < 0.05


@pytest.mark.parametrize("fmt", ["copy", "sql"])
def test_the_app_loads_with_every_constraint(pg, tmp_path, fmt):
    from datagen.api import generate_to_path

    out = tmp_path / f"app.{fmt}.sql"
    generate_to_path(datagen.load_spec(SPEC), str(out), fmt)
    db = pg.load_sql(out)
    assert pg.scalar(db, "select count(*) from orders") == "8000"
    assert pg.scalar(db, "select count(*) from pg_constraint where not convalidated") == "0"
