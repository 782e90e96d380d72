"""Addresses: each part looks like the locale's, and a row's parts belong to one place."""

from __future__ import annotations

import importlib
import json
import re
from collections import Counter
from pathlib import Path

import dumps
import pytest

import datagen
from datagen.errors import SpecError
from datagen.generators import semantic_match

N = 10_000
DATA = Path(datagen.__file__).parent / "generators" / "data"
ADDRESS_COLUMNS = """
- {name: street_address, type: text}
- {name: street, type: text}
- {name: address_line2, type: text}
- {name: city, type: text}
- {name: state, type: text}
- {name: state_code, type: text}
- {name: zip, type: text}
- {name: country, type: text}
- {name: country_code, type: char(2)}
- {name: country3, type: text, generator: country_code, params: {format: alpha3}}
- {name: latitude, type: "numeric(9,6)"}
- {name: longitude, type: double precision}
- {name: address, type: text}
"""


def table(cols: str, rows: int = N, locale: str = "en_US", name: str = "addresses") -> dict:
    return dumps.table(cols, rows, name=name, locale=locale)


def rows_of(got: dict) -> list[dict]:
    return [dict(zip(got, vals, strict=True)) for vals in zip(*got.values(), strict=True)]


def share(pred, values) -> float:
    values = list(values)
    return sum(1 for v in values if pred(v)) / len(values)


@pytest.fixture(scope="module")
def us() -> list[dict]:
    return rows_of(table(ADDRESS_COLUMNS))


def test_us_zip_fits_its_state(us):
    """Every ZIP lies in its row's state's range (Faker's en_US states_postcode)."""
    ranges = importlib.import_module("faker.providers.address.en_US").Provider.states_postcode
    states = importlib.import_module("faker.providers.address.en_US").Provider.states
    for r in us:
        assert re.fullmatch(r"\d{5}", r["zip"])
        lo, hi = ranges[r["state_code"]]
        assert lo <= int(r["zip"]) <= hi, r
        assert r["state"] in states
    # the most populous states come up most often
    top = Counter(r["state_code"] for r in us).most_common(3)
    assert {"CA", "TX", "FL"} & {c for c, _ in top}


def test_us_street_city_and_full_address_agree(us):
    for r in us:
        assert re.fullmatch(r"\d{1,4} \S.*", r["street_address"]), r["street_address"]
        assert r["street_address"].endswith(" " + r["street"])
        assert r["address"] == (f"{r['street_address']}, {r['city']}, {r['state_code']} {r['zip']}")
        assert r["country"] == "United States" and r["country_code"] == "US"
        assert r["country3"] == "USA"
        assert 25.0 <= float(r["latitude"]) <= 49.0 and re.fullmatch(r"-?\d+\.\d{6}", r["latitude"])
        assert -124.4 <= float(r["longitude"]) <= -67.0
    assert len({r["city"] for r in us}) > 500
    line2 = [r["address_line2"] for r in us]
    assert 0.67 < share(lambda v: v == "\\N", line2) < 0.73  # default_null_rate
    assert all(re.fullmatch(r"(Apt\.|Suite) \d{3}", v) for v in line2 if v != "\\N")


LOCALE_SHAPES = {
    # locale: (zip regex, street regex, country, alpha-2)
    "de_DE": (r"\d{5}", r"\S.* \d+", "Deutschland", "DE"),
    "fr_FR": (r"\d{4}0", r"\d+, \S.*", "France", "FR"),
    "en_GB": (r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", r"\d+ \S.*", "United Kingdom", "GB"),
    "ja_JP": (r"\d{3}-\d{4}", r"\S+\d丁目\d+番\d+号", "日本", "JP"),
    "pt_BR": (r"\d{5}-\d{3}", r"\S.*, \d+", "Brasil", "BR"),
    "es_ES": (r"\d{5}", r"\S.* \d+", "España", "ES"),
    "it_IT": (r"\d{5}", r"\S.*, \d+", "Italia", "IT"),
    "zh_CN": (r"\d{6}", r"\S+\d+号", "中国", "CN"),
    "ru_RU": (r"\d{6}", r"\S.*, д\. \d+", "Россия", "RU"),
}


@pytest.mark.parametrize("locale", sorted(LOCALE_SHAPES))
def test_locale_address_shapes(locale):
    zip_re, street_re, country, code = LOCALE_SHAPES[locale]
    got = rows_of(table(ADDRESS_COLUMNS, rows=3000, locale=locale))
    box = json.loads((DATA / "countries.json").read_text("utf-8"))[code]["box"]
    for r in got:
        assert re.fullmatch(zip_re, r["zip"]), r["zip"]
        assert re.fullmatch(street_re, r["street_address"]), r["street_address"]
        assert r["street"] in r["street_address"]
        assert r["country"] == country and r["country_code"] == code
        assert box[0] <= float(r["latitude"]) <= box[1]
        assert box[2] <= float(r["longitude"]) <= box[3]
        assert r["city"] in r["address"] and r["zip"] in r["address"]


def test_postcodes_fit_the_region_in_germany_france_japan_brazil():
    regions = json.loads((DATA / "regions.json").read_text("utf-8"))
    for locale in ("de_DE", "ja_JP", "pt_BR"):
        own = {code: ranges for _, code, _, ranges in regions[locale]["regions"]}
        got = rows_of(table(ADDRESS_COLUMNS, rows=2000, locale=locale))
        for r in got:
            value = int(r["zip"].replace("-", ""))
            assert any(lo <= value <= hi for lo, hi in own[r["state_code"]]), (locale, r)
    fr = rows_of(table(ADDRESS_COLUMNS, rows=2000, locale="fr_FR"))
    deps = dict(importlib.import_module("faker.providers.address.fr_FR").Provider.departments)
    for r in fr:
        assert deps[r["state_code"]] == r["state"]
        prefix = "20" if r["state_code"] in ("2A", "2B") else r["state_code"]
        assert r["zip"].startswith(prefix)


def test_groups_are_separate_places_and_share_within():
    got = rows_of(
        table(
            """
            - {name: billing_city, type: text}
            - {name: billing_state, type: text}
            - {name: billing_zip, type: text}
            - {name: shipping_state, type: text}
            - {name: shipping_zip, type: varchar(5)}
            """,
            rows=3000,
            name="orders",
        )
    )
    ranges = importlib.import_module("faker.providers.address.en_US").Provider.states_postcode
    codes = dict(
        zip(
            importlib.import_module("faker.providers.address.en_US").Provider.states,
            [c for c in ranges if c not in ("DC",)][:50],
            strict=False,
        )
    )
    assert share(lambda r: r["billing_state"] != r["shipping_state"], got) > 0.8
    for r in got:
        for group, zip_col in (("billing", "billing_zip"), ("shipping", "shipping_zip")):
            lo, hi = ranges[codes[r[f"{group}_state"]]]
            assert lo <= int(r[zip_col]) <= hi


def test_columns_do_not_change_each_other():
    """Adding a column leaves the other place columns of the table as they were."""
    one = table("- {name: city, type: text}\n- {name: zip, type: text}", rows=500)
    two = table("- {name: zip, type: text}\n- {name: state, type: text}\n- {name: city, type: text}",
                rows=500)  # fmt: skip
    assert one["city"] == two["city"] and one["zip"] == two["zip"]


def test_determinism_and_seed():
    a = table(ADDRESS_COLUMNS, rows=300)
    assert a == table(ADDRESS_COLUMNS, rows=300)
    assert table(ADDRESS_COLUMNS, rows=600)["address"][:300] == a["address"]


def test_short_columns():
    got = table(
        """
        - {name: state, type: varchar(8)}
        - {name: street_address, type: varchar(12)}
        - {name: country, type: varchar(5)}
        - {name: country_code, type: varchar(3)}
        - {name: lat, type: real}
        """,
        rows=3000,
    )
    assert all(len(v) <= 8 for v in got["state"]) and "CA" in got["state"]
    assert all(len(v) <= 12 and not v.endswith((" ", ",")) for v in got["street_address"])
    assert set(got["country"]) == {"USA"} and set(got["country_code"]) == {"USA"}
    assert all(re.fullmatch(r"\d{2}\.\d{4}", v) for v in got["lat"])


def test_problems():
    with pytest.raises(SpecError, match="postcodes of locale 'ja_JP' have up to 8"):
        table("- {name: zip, type: varchar(7)}", rows=5, locale="ja_JP")
    with pytest.raises(SpecError, match=r"longitude in Japan runs from 129.4 to 145.8"):
        table('- {name: longitude, type: "numeric(8,6)"}', rows=5, locale="ja_JP")
    with pytest.raises(SpecError, match="an alpha3 code has 3 characters"):
        table("- {name: c, type: char(2), generator: country_code, params: {format: alpha3}}", 5)


@pytest.mark.parametrize("locale", ["en_US", "he_IL", "ar_AA", "tr_TR", "zh_TW", "es_CL", "de"])
def test_every_locale_makes_addresses(locale):
    got = table(ADDRESS_COLUMNS, rows=200, locale=locale)
    assert all(v and v != "\\N" for k, vs in got.items() if k != "address_line2" for v in vs)


DETECTION = [
    # (column, type, table, length) -> generator or None
    ("street_address", "text", "addresses", None, "street_address"),
    ("address_line1", "varchar", "addresses", 100, "street_address"),
    ("address_line_1", "text", "t", None, "street_address"),
    ("address1", "text", "t", None, "street_address"),
    ("addressLine2", "text", "t", None, "address_line2"),
    ("address2", "text", "t", None, "address_line2"),
    ("street", "text", "t", None, "street"),
    ("street_name", "text", "t", None, "street"),
    ("address", "text", "users", None, "address"),
    ("billing_address", "text", "orders", None, "address"),
    ("full_address", "varchar", "t", 200, "address"),
    ("ip_address", "text", "t", None, "ipv4"),
    ("ip_address", "inet", "t", None, "ipv4"),
    ("email_address", "text", "t", None, "email"),
    ("mac_address", "macaddr", "t", None, "macaddr"),
    ("address", "inet", "t", None, None),
    ("city", "text", "t", None, "city"),
    ("hometown", "text", "t", None, None),
    ("state", "text", "addresses", None, "state"),
    ("state", "varchar", "customers", 40, "state"),
    ("state", "text", "orders", None, None),
    ("state", "text", "workflows", None, None),
    ("state", "char", "orders", 2, "state_code"),
    ("billing_state", "text", "customers", None, "state"),
    ("billing_state", "text", "orders", None, "state"),
    ("shippingState", "char", "orders", 2, "state_code"),
    ("shippingZip", "varchar", "orders", 10, "postal_code"),
    ("province", "text", "t", None, "state"),
    ("state_code", "char", "t", 2, "state_code"),
    ("state_abbr", "text", "t", None, "state_code"),
    ("zip", "text", "t", None, "postal_code"),
    ("zip_code", "varchar", "t", 10, "postal_code"),
    ("postcode", "text", "t", None, "postal_code"),
    ("zip", "integer", "t", None, None),
    ("country", "text", "t", None, "country"),
    ("country", "char", "t", 2, "country_code"),
    ("country", "char", "t", 3, "country_code"),
    ("country_code", "text", "t", None, "country_code"),
    ("country_id", "bigint", "t", None, None),
    ("latitude", "numeric", "t", None, "latitude"),
    ("lat", "double precision", "t", None, "latitude"),
    ("latitude", "text", "t", None, "latitude"),
    ("latitude", "integer", "t", None, None),
    ("lng", "real", "t", None, "longitude"),
    ("lon", "numeric", "t", None, "longitude"),
    ("long", "double precision", "t", None, "longitude"),
    ("long", "integer", "t", None, None),
    ("long", "text", "t", None, None),
]


@pytest.mark.parametrize(("column", "base", "tbl", "length", "want"), DETECTION)
def test_detection(column, base, tbl, length, want):
    found = semantic_match(column, base, tbl, length)
    assert (found[0] if found else None) == want
