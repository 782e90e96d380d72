"""Companies whose columns agree within a row: name, legal name, website, size and revenue.

The columns of one group share a latent *company* drawn from a table-level stream: a name from
a pool made once per locale (the locale's last names with a trade word: ``Schmidt Logistik``,
``Moreno & Díaz``, ``佐藤建設``), a legal form of the locale's country, a size (employees) and a
revenue per employee. So ``legal_name`` starts with ``company_name``, ``website`` and ``domain``
spell it, and revenue grows with the headcount.

Websites use subdomains of the reserved ``example.com`` (RFC 2606): believable, never a real
company's site.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .. import rand, textops
from .base import INT_TYPES, NUMBER_TYPES, TEXT_TYPES, Generator, register
from .locales import last_names
from .numeric import number_scale, type_bounds
from .placedata import concat, fit_words, places, slug
from .semantic import rule
from .text import UniqueText, length_limit
from .words import DEFAULT_LOCALE, POOL_SEED, _provider

if TYPE_CHECKING:
    from ..columns import Block

#: ``name`` alone is a company name in tables of organisations
COMPANY_TABLES = (
    r"(compan(y|ies)|organi[sz]ations?|orgs?|business(es)?|vendors?|suppliers?|merchants?|"
    r"employers?|firms?|manufacturers?|tenants?|partners?)\Z"
)
#: trade words after a last name, per language (none: the name alone)
TRADES = {
    "en": "Group Partners Holdings Labs Systems Solutions Logistics Industries Technologies "
    "Consulting Media Foods Works Analytics Networks Ventures Capital Health Energy Software "
    "Design Studios Manufacturing Services Supply Builders Motors Bakery Legal",
    "de": "Bau Logistik Technik Consulting Immobilien Maschinenbau Elektro Software Handel Medien "
    "Gruppe Systeme Energie Metallbau Druck Reisen",
    "fr": "Conseil Immobilier Logistique Industries Technologies Distribution Services Bâtiment "
    "Transports Informatique Médias",
    "es": "Consultores Logística Construcciones Tecnología Servicios Distribuciones Inversiones "
    "Asesores Transportes",
    "it": "Costruzioni Consulting Logistica Tecnologie Servizi Impianti Trasporti Informatica",
    "pt": "Consultoria Logística Tecnologia Serviços Engenharia Comércio Transportes",
    "nl": "Groep Bouw Logistiek Techniek Advies Installatietechniek Software",
    "ja": "建設 商事 工業 電機 物産 産業 食品 情報 運輸 印刷 不動産 製作所",
    "zh": "科技 网络 信息 传媒 电子 软件 实业 贸易",
}
#: legal forms per country: (how name and form combine, forms most common first)
LEGAL = {
    "US": ("{n} {f}", ["Inc.", "LLC", "Corp.", "Co."]),
    "GB": ("{n} {f}", ["Ltd", "PLC", "LLP"]),
    "IE": ("{n} {f}", ["Ltd", "DAC", "PLC"]),
    "DE": ("{n} {f}", ["GmbH", "GmbH & Co. KG", "AG", "KG", "UG (haftungsbeschränkt)"]),
    "AT": ("{n} {f}", ["GmbH", "AG", "KG"]),
    "CH": ("{n} {f}", ["AG", "GmbH", "SA", "Sàrl"]),
    "FR": ("{n} {f}", ["SARL", "SAS", "SA", "SASU"]),
    "BE": ("{n} {f}", ["SRL", "BV", "NV", "SA"]),
    "ES": ("{n} {f}", ["S.L.", "S.A."]),
    "IT": ("{n} {f}", ["S.r.l.", "S.p.A.", "S.n.c."]),
    "PT": ("{n} {f}", ["Lda.", "S.A."]),
    "BR": ("{n} {f}", ["Ltda.", "S.A.", "EIRELI"]),
    "NL": ("{n} {f}", ["B.V.", "N.V."]),
    "PL": ("{n} {f}", ["sp. z o.o.", "S.A."]),
    "SE": ("{n} {f}", ["AB"]),
    "NO": ("{n} {f}", ["AS", "ASA"]),
    "DK": ("{n} {f}", ["ApS", "A/S"]),
    "FI": ("{n} {f}", ["Oy", "Oyj"]),
    "CZ": ("{n} {f}", ["s.r.o.", "a.s."]),
    "JP": ("{f}{n}", ["株式会社", "合同会社", "有限会社"]),
    "CN": ("{n}{f}", ["有限公司", "股份有限公司"]),
    "TW": ("{n}{f}", ["股份有限公司", "有限公司"]),
    "RU": ("{f} «{n}»", ["ООО", "АО", "ПАО"]),
    "KR": ("{f} {n}", ["(주)", "주식회사"]),
}
DEFAULT_LEGAL = ("{n} {f}", ["Ltd."])
INDUSTRIES = np.array([w.encode() for w in (
    "Software", "Information Technology", "Financial Services", "Banking", "Insurance",
    "Healthcare", "Pharmaceuticals", "Biotechnology", "Medical Devices", "Retail", "E-commerce",
    "Wholesale", "Manufacturing", "Automotive", "Aerospace", "Construction", "Real Estate",
    "Energy", "Utilities", "Oil & Gas", "Renewable Energy", "Telecommunications", "Media",
    "Entertainment", "Publishing", "Education", "Hospitality", "Travel", "Food & Beverage",
    "Agriculture", "Logistics", "Transportation", "Consulting", "Legal Services", "Marketing",
    "Human Resources", "Chemicals", "Mining", "Textiles", "Nonprofit", "Government",
    "Cybersecurity", "Gaming",
)])  # fmt: skip
MAX_EMPLOYEES = 50_000


@dataclass(frozen=True)
class Companies:
    names: np.ndarray
    slugs: np.ndarray
    legal_format: str
    forms: np.ndarray
    form_table: tuple[np.ndarray, np.ndarray]
    country: str


@functools.cache
def companies(locale: str) -> Companies:
    """A pool of distinct company names of ``locale``, with their web slugs (built once)."""
    lang = locale.split("_")[0]
    country = places(locale).country
    trades = TRADES.get(lang, "").split()
    key, idx = rand.stream_key(POOL_SEED, locale, "companies"), np.arange(40_000)
    if lang == "zh":
        heads = list(dict.fromkeys(_provider("company", locale).company_prefixes))
        heads_s = [heads[int(i) % len(heads)] for i in rand.integers(key, idx, len(heads), 0)]
    else:
        pool = last_names(locale)
        heads_s = [pool.words[i].decode() for i in pool.pick(key, idx, 0)]
        if lang == "ja":  # few family names: half the companies take a place name (丹勢建設)
            towns = places(locale).streets.words
            picks = rand.integers(key, idx, len(towns), 4).tolist()
            heads_s = [towns[p].decode() if i % 2 else h for i, (h, p) in
                       enumerate(zip(heads_s, picks, strict=True))]  # fmt: skip
    seconds = [last_names(locale).words[i].decode() for i in last_names(locale).pick(key, idx, 1)]
    form = rand.integers(key, idx, 20, 2)
    trade = rand.integers(key, idx, max(len(trades), 1), 3)
    joiner = "" if lang in ("ja", "zh") else " "
    made = []
    for h, s, f, t in zip(heads_s, seconds, form.tolist(), trade.tolist(), strict=True):
        if trades and (f < 12 or joiner == ""):
            made.append(f"{h}{joiner}{trades[t]}")
        elif f < 15 and joiner:
            made.append(f"{h} & {s}")
        elif f < 17 and joiner:
            made.append(f"{h}-{s}")
        else:
            made.append(h)
    names = list(dict.fromkeys(made))
    slugs = [slug(n) for n in names]
    if locale != DEFAULT_LOCALE and sum(len(s) >= 3 for s in slugs) < len(slugs) * 0.9:
        latin = companies(DEFAULT_LOCALE).slugs  # a script with no ASCII spelling: a brand name
        slugs = [latin[i % len(latin)].decode() for i in range(len(names))]
    legal, forms = LEGAL.get(country, DEFAULT_LEGAL)
    return Companies(
        names=np.array([n.encode() for n in names]),
        slugs=np.array([s.encode() for s in slugs]),
        legal_format=legal,
        forms=np.array([f.encode() for f in forms]),
        form_table=rand.alias_table(np.array([2.0**-i for i in range(len(forms))])),
        country=country,
    )


def latent(gen: Generator, block: Block, what: str) -> np.ndarray:
    """One part of the row's latent company (memoised per block, shared by the row's columns)."""
    ctx = gen.ctx
    data = companies(ctx.dataset.locale)
    key = ctx.table_key("company", ctx.group)

    def draw() -> np.ndarray:
        idx = block.idx
        if what == "name":
            return rand.integers(key, idx, len(data.names), 0).astype(np.int64)
        if what == "form":
            return rand.weighted(key, idx, data.form_table, 1)
        if what == "employees":  # u**1.3: most companies are small, a few very large
            u = rand.uniform(key, idx, 2) ** 1.3
            return np.clip(np.exp(u * np.log(MAX_EMPLOYEES)).astype(np.int64), 1, MAX_EMPLOYEES)
        if what == "per_head":  # revenue per employee, log-uniform 50k..300k
            return np.exp(np.log(50_000) + rand.uniform(key, idx, 3) * np.log(6.0))
        if what == "founded":  # skewed to recent years: most companies are young
            return 2024 - (rand.uniform(key, idx, 4) ** 2.2 * 125).astype(np.int64)
        return rand.bits(key, idx, {"industry": 5, "vat": 6}[what])

    return block.memo(("company", ctx.group, what), draw)


class _CompanyText(UniqueText):
    types = TEXT_TYPES
    separator = b" "

    def data(self) -> Companies:
        return companies(self.ctx.dataset.locale)

    def company_slug(self, block: Block) -> np.ndarray:
        return self.data().slugs[latent(self, block, "name")]


@register("company_name")
class CompanyName(_CompanyText):
    """A company name of the locale (``Schmidt Logistik``, ``Moreno & Díaz``, ``佐藤建設``)."""

    names = ("company_name", "company", "employer", "employer_name", "organization",
             "organisation", "organization_name", "organisation_name", "business_name",
             "org_name", rule("name", tables=COMPANY_TABLES,
                              note="in a table of companies"))  # fmt: skip

    def generate(self, block: Block) -> np.ndarray:
        return fit_words(self.data().names[latent(self, block, "name")], length_limit(self.type))


@register("legal_name")
class LegalName(_CompanyText):
    """The row's company name with a legal form of the locale's country (``Acme Labs Inc.``,
    ``Schmidt Bau GmbH``, ``株式会社佐藤建設``)."""

    names = ("legal_name", "registered_name", "legal_entity_name", "company_legal_name")

    def generate(self, block: Block) -> np.ndarray:
        data = self.data()
        name = data.names[latent(self, block, "name")]
        form = data.forms[latent(self, block, "form")]
        head, _, tail = data.legal_format.partition("{n}")
        pieces: list[np.ndarray | bytes] = []
        for p in (head, None, tail):
            if p is None:
                pieces.append(name)
            elif "{f}" in p:
                pre, _, post = p.partition("{f}")
                pieces += [pre.encode(), form, post.encode()]
            elif p:
                pieces.append(p.encode())
        return fit_words(concat(*pieces), length_limit(self.type))


@register("industry")
class Industry(Generator):
    """An industry from a list of about 40 (``Software``, ``Logistics``, ``Healthcare``)."""

    names = ("industry", "sector", "vertical", "industry_name")
    types = TEXT_TYPES

    def generate(self, block: Block) -> np.ndarray:
        pick = latent(self, block, "industry") % np.uint64(len(INDUSTRIES))
        return fit_words(INDUSTRIES[pick.astype(np.int64)], length_limit(self.type))


class _Web(_CompanyText):
    template = (b"", b"")

    def setup(self) -> None:
        limit = length_limit(self.type)
        need = sum(map(len, self.template)) + 12
        if limit is not None and limit < need:
            self.problem(f"generator {self.name!r} needs at least {need} characters; "
                         f"{self.type.ddl()} holds {limit}",
                         "declare the column as text")  # fmt: skip

    def generate(self, block: Block) -> np.ndarray:
        head, tail = self.template
        limit = length_limit(self.type)
        s = self.company_slug(block)
        if limit is not None:  # shorten the slug, never the domain
            s = textops.truncate_chars(s, max(limit - len(head) - len(tail), 1))
            s = np.strings.rstrip(s, b"-")
        return concat(head, s, tail)


@register("website")
class Website(_Web):
    """The row's company's site, ``https://schmidt-logistik.example.com`` (reserved domain)."""

    names = ("website", "homepage", "web_site", "company_url", "website_url", "homepage_url")
    template = (b"https://", b".example.com")


@register("domain")
class Domain(_Web):
    """The row's company's domain, ``schmidt-logistik.example.com`` (reserved domain)."""

    names = ("domain", "domain_name", "company_domain")
    template = (b"", b".example.com")


@register("logo_url")
class LogoUrl(_Web):
    """A logo URL for the row's company, ``https://cdn.example.com/logos/schmidt-logistik.png``."""

    names = ("logo_url", "logo", "logo_image_url")
    template = (b"https://cdn.example.com/logos/", b".png")


def _digit_matrix(bits: np.ndarray, width: int) -> np.ndarray:
    """(rows, width) decimal digits taken from 64-bit draws (19 digits per draw at most)."""
    assert width <= 19
    v = bits.copy()
    out = np.empty((len(bits), width), dtype=np.int64)
    for j in range(width):
        out[:, j] = (v % np.uint64(10)).astype(np.int64)
        v //= np.uint64(10)
    return out


def luhn_digit(d: np.ndarray) -> np.ndarray:
    """The Luhn check digit of each row of payload digits."""
    doubled = np.zeros(d.shape[1], dtype=bool)
    doubled[d.shape[1] - 1 :: -2] = True
    v = np.where(doubled, d * 2, d)
    return (10 - np.where(v > 9, v - 9, v).sum(axis=1) % 10) % 10


def _text(d: np.ndarray) -> np.ndarray:
    return textops.from_matrix((d + 48).astype(np.uint8))


EIN_PREFIXES = np.array([p for p in range(1, 100) if p not in (7, 8, 9, 17, 18, 19, 28, 29, 49,
                         69, 70, 78, 79, 89, 96, 97) and p != 0])  # fmt: skip


@register("vat_number")
class VatNumber(Generator):
    """The company's tax number in its country's shape, with a valid check where the scheme is
    simple: ``DE`` + 9 digits (ISO 7064 MOD 11,10), ``FR`` + key + Luhn-valid SIREN, ``GB`` + 9
    digits (mod 97), ``IT`` + 11 digits (Luhn), a US EIN ``12-3456789``; elsewhere the country
    code and 9 digits."""

    names = ("vat_number", "vat_id", "vat", "vat_no", "tax_id", "tax_number", "ein")
    types = TEXT_TYPES

    def setup(self) -> None:
        self.country = places(self.ctx.dataset.locale).country
        longest = {"US": 10, "IT": 13, "FR": 13}.get(self.country, 11)
        limit = length_limit(self.type)
        if limit is not None and limit < longest:
            self.problem(f"{self.country} tax numbers have {longest} characters; "
                         f"{self.type.ddl()} holds {limit}",
                         f"declare varchar({longest})")  # fmt: skip

    def generate(self, block: Block) -> np.ndarray:
        d = _digit_matrix(latent(self, block, "vat"), 11)
        d[:, 0] = 1 + d[:, 0] % 9  # no leading zero
        c = self.country
        if c == "DE":
            product: np.ndarray = np.full(len(d), 10)
            for i in range(8):
                s = (d[:, i] + product) % 10
                product = 2 * np.where(s == 0, 10, s) % 11
            d[:, 8] = (11 - product) % 10
            return concat(b"DE", _text(d[:, :9]))
        if c == "FR":
            d[:, 8] = luhn_digit(d[:, :8])
            siren = (d[:, :9] * 10 ** np.arange(8, -1, -1)).sum(axis=1)
            key = (12 + 3 * (siren % 97)) % 97
            return concat(b"FR", _text(np.stack([key // 10, key % 10], axis=1)), _text(d[:, :9]))
        if c == "GB":
            total = (d[:, :7] * np.arange(8, 1, -1)).sum(axis=1)
            check = -total % 97
            d[:, 7], d[:, 8] = check // 10, check % 10
            return concat(b"GB", _text(d[:, :9]))
        if c == "IT":
            d[:, 10] = luhn_digit(d[:, :10])
            return concat(b"IT", _text(d))
        if c == "US":
            prefix = EIN_PREFIXES[(d[:, 9] * 10 + d[:, 10]) % len(EIN_PREFIXES)]
            return concat(_text(np.stack([prefix // 10, prefix % 10], axis=1)), b"-",
                          _text(d[:, :7]))  # fmt: skip
        return concat(c.encode(), _text(d[:, :9]))


@register("employee_count")
class EmployeeCount(Generator):
    """The row's company's headcount, 1 to 50,000, mostly small (median about 80)."""

    names = ("employee_count", "employees", "headcount", "num_employees", "staff_count",
             "number_of_employees", "employees_count", "company_size")  # fmt: skip
    types = INT_TYPES | {"numeric"}

    def generate(self, block: Block) -> np.ndarray:
        hi = min(int(type_bounds(self.type)[1]), MAX_EMPLOYEES)
        return textops.ints(np.minimum(latent(self, block, "employees"), hi))


@register("founded_year")
class FoundedYear(Generator):
    """The year the row's company was founded, 1900 to 2024, most of them recent."""

    names = ("founded_year", "year_founded", "founded", "established", "established_year",
             "founding_year", "year_established", "incorporation_year")  # fmt: skip
    types = INT_TYPES | {"numeric"}

    def generate(self, block: Block) -> np.ndarray:
        return textops.ints(latent(self, block, "founded"))


@register("revenue")
class Revenue(Generator):
    """The row's company's annual revenue: its headcount times 50,000 to 300,000 (so it grows
    with ``employee_count``), capped at what the column holds."""

    names = ("annual_revenue", "yearly_revenue", "company_revenue",
             rule("revenue", tables=COMPANY_TABLES, note="in a table of companies"))  # fmt: skip
    types = NUMBER_TYPES

    def generate(self, block: Block) -> np.ndarray:
        scale = number_scale(self.type)
        whole = np.rint(latent(self, block, "employees") * latent(self, block, "per_head"))
        top = int(type_bounds(self.type)[1] * 10**scale)
        units = np.minimum(whole.astype(np.int64) * 10**scale, top)
        return textops.decimals(units, scale)
