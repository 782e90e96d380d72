"""Companies: believable per column, and a row's columns describe one company."""

from __future__ import annotations

import math
import re

import pytest
from test_places import rows_of, share, table

from datagen.generators import semantic_match
from datagen.generators.company import INDUSTRIES, LEGAL

COMPANY_COLUMNS = """
- {name: name, type: text}
- {name: legal_name, type: text}
- {name: industry, type: text}
- {name: website, type: text}
- {name: domain, type: text}
- {name: logo_url, type: text}
- {name: vat_number, type: text}
- {name: employee_count, type: integer}
- {name: founded_year, type: smallint}
- {name: revenue, type: "numeric(15,2)"}
"""


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def de_ok(v: str) -> bool:
    product = 10
    for c in v[2:10]:
        s = (int(c) + product) % 10 or 10
        product = 2 * s % 11
    return (11 - product) % 10 == int(v[10])


def fr_ok(v: str) -> bool:
    siren = v[4:]
    return luhn_ok(siren) and int(v[2:4]) == (12 + 3 * (int(siren) % 97)) % 97


def gb_ok(v: str) -> bool:
    total = sum(int(c) * w for c, w in zip(v[2:9], range(8, 1, -1), strict=True))
    return (total + int(v[9:11])) % 97 == 0


VAT = {
    "en_US": lambda v: re.fullmatch(r"\d{2}-\d{7}", v) and v[:2] not in ("00", "07", "89"),
    "de_DE": lambda v: re.fullmatch(r"DE[1-9]\d{8}", v) and de_ok(v),
    "fr_FR": lambda v: re.fullmatch(r"FR\d{2}[1-9]\d{8}", v) and fr_ok(v),
    "en_GB": lambda v: re.fullmatch(r"GB[1-9]\d{8}", v) and gb_ok(v),
    "it_IT": lambda v: re.fullmatch(r"IT[1-9]\d{10}", v) and luhn_ok(v[2:]),
    "ja_JP": lambda v: re.fullmatch(r"JP\d{9}", v),
}


@pytest.mark.parametrize("locale", sorted(VAT))
def test_company_rows_agree(locale):
    got = rows_of(table(COMPANY_COLUMNS, rows=10_000 if locale == "en_US" else 2000,
                        locale=locale, name="companies"))  # fmt: skip
    country = {"en_US": "US", "de_DE": "DE", "fr_FR": "FR", "en_GB": "GB", "it_IT": "IT",
               "ja_JP": "JP"}[locale]  # fmt: skip
    fmt, forms = LEGAL[country]
    legal = {fmt.format(n="{n}", f=f) for f in forms}
    for r in got:
        assert r["legal_name"] in {x.replace("{n}", r["name"]) for x in legal}, r
        assert VAT[locale](r["vat_number"]), r["vat_number"]
        slug = r["domain"].removesuffix(".example.com")
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), r["domain"]
        assert r["website"] == f"https://{r['domain']}"
        assert r["logo_url"] == f"https://cdn.example.com/logos/{slug}.png"
        if country != "JP":  # Latin names: the slug spells the name
            assert slug == "-".join(re.findall(r"[a-z0-9]+", _fold(r["name"])))
        assert r["industry"].encode() in INDUSTRIES
        employees, revenue = int(r["employee_count"]), float(r["revenue"])
        assert 1 <= employees <= 50_000 and 1900 <= int(r["founded_year"]) <= 2024
        assert 50_000 * employees - 1 <= revenue <= 300_000 * employees + 1
    distinct = len({r["name"] for r in got}) / len(got)
    assert distinct > (0.4 if country == "JP" else 0.8)


def _fold(text: str) -> str:
    import unicodedata

    text = text.replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def test_sizes_are_mostly_small_and_years_recent():
    got = table(COMPANY_COLUMNS, rows=10_000, name="companies")
    employees = sorted(int(v) for v in got["employee_count"])
    assert 30 <= employees[5000] <= 200 and employees[-1] > 20_000
    assert share(lambda v: v <= 10, employees) > 0.2
    years = [int(v) for v in got["founded_year"]]
    assert share(lambda y: y >= 1990, years) > 0.5 and min(years) < 1920
    logs = [math.log10(float(v)) for v in got["revenue"]]
    assert max(logs) - min(logs) > 4  # from single founders to large companies


def test_types_cap_the_numbers_and_short_columns():
    got = table(
        """
        - {name: employees, type: smallint}
        - {name: annual_revenue, type: integer}
        - {name: company_name, type: varchar(12)}
        - {name: website, type: varchar(34)}
        """,
        rows=3000,
        name="companies",
    )
    assert max(int(v) for v in got["employees"]) <= 32767
    assert max(int(v) for v in got["annual_revenue"]) <= 2**31 - 1
    assert all(len(v) <= 12 and v == v.strip() for v in got["company_name"])
    assert all(len(v) <= 34 and re.fullmatch(r"https://[a-z0-9-]*[a-z0-9]\.example\.com", v)
               for v in got["website"])  # fmt: skip


def test_determinism():
    a = table(COMPANY_COLUMNS, rows=300, name="companies")
    assert a == table(COMPANY_COLUMNS, rows=300, name="companies")


DETECTION = [
    ("company_name", "text", "t", None, "company_name"),
    ("company", "varchar", "users", 100, "company_name"),
    ("employer", "text", "people", None, "company_name"),
    ("name", "text", "companies", None, "company_name"),
    ("name", "text", "vendors", None, "company_name"),
    ("name", "text", "products", None, "product_name"),
    ("company_id", "bigint", "users", None, None),
    ("company_id", "text", "users", None, None),
    ("company", "bigint", "users", None, None),
    ("legal_name", "text", "companies", None, "legal_name"),
    ("industry", "text", "t", None, "industry"),
    ("sector", "varchar", "t", 50, "industry"),
    ("website", "text", "t", None, "website"),
    ("homepage", "text", "t", None, "website"),
    ("domain", "text", "t", None, "domain"),
    ("logo_url", "text", "t", None, "logo_url"),
    ("vat_number", "varchar", "t", 20, "vat_number"),
    ("tax_id", "text", "t", None, "vat_number"),
    ("vat", "numeric", "t", None, "tax"),  # a VAT amount, not a VAT number
    ("employee_count", "integer", "t", None, "employee_count"),
    ("employees", "integer", "companies", None, "employee_count"),
    ("headcount", "bigint", "t", None, "employee_count"),
    ("employee_count", "text", "t", None, None),
    ("founded_year", "integer", "t", None, "founded_year"),
    ("founded", "smallint", "companies", None, "founded_year"),
    ("founded", "date", "companies", None, None),
    ("revenue", "numeric", "companies", None, "revenue"),
    ("annual_revenue", "numeric", "t", None, "revenue"),
    ("revenue", "numeric", "orders", None, None),
]


@pytest.mark.parametrize(("column", "base", "tbl", "length", "want"), DETECTION)
def test_detection(column, base, tbl, length, want):
    found = semantic_match(column, base, tbl, length)
    assert (found[0] if found else None) == want
