"""Postal addresses whose parts agree within a row: street, city, state, postcode, country.

The columns of one group (``city``, ``state``, ``zip`` of a row, or all the ``billing_*`` ones)
share a latent *place* drawn from a table-level stream: its region (state, Land, département,
prefecture...), a postcode inside that region's ranges, a city, a street and house number, and a
point inside the country's bounding box. Each part is its own draw of that stream, so adding or
dropping a column changes no other column, and a ZIP always fits its row's state.

The country is the dataset locale's (an address table of one country is the believable case);
see :mod:`.placedata` for where each locale's data comes from.
"""

from __future__ import annotations

import decimal
from typing import TYPE_CHECKING

import numpy as np

from .. import rand, textops
from .base import TEXT_TYPES, Generator, register
from .numeric import type_bounds
from .placedata import Places, concat, country_row, fit_words, places
from .semantic import rule, tokens
from .text import UniqueText, length_limit

if TYPE_CHECKING:
    from ..columns import Block

#: ``state`` alone is an address part only in tables of places, people or organisations
#: (elsewhere, ``orders.state`` is a status)
PLACE_TABLES = (
    r"address|location|place|store|shop|office|branch|warehouse|site|venue|facilit|propert|"
    r"customer|user|person|people|member|contact|client|employee|compan|organi[sz]ation|"
    r"supplier|vendor|merchant|partner|account|patient|student|school|hospital|clinic|"
    r"cit(y|ies)|region|geo|zip|postal|profile|business|hotel|restaurant"
)
#: prefixes that make ``<prefix>_state`` an address part in any table (``orders.billing_state``)
ADDRESS_PREFIXES = ("billing", "shipping", "mailing", "delivery", "home", "residence", "address")
FLOAT_SCALE = {"real": 4, "double precision": 6, "numeric": 6, "text": 6, "varchar": 6}
_PLACE_DRAWS = {"region": 0, "postcode": 1, "city": 2, "street": 3, "number": 4, "line2": 5,
                "lat": 6, "lon": 7}  # fmt: skip


def place_group(gen: Generator) -> str:
    """The column's group; ``billing_state`` matched as a whole still belongs to ``billing``."""
    words = tokens(gen.ctx.column.name)
    if not gen.ctx.group and len(words) > 1 and words[-1] == "state":
        return "_".join(words[:-1])
    return gen.ctx.group


def part(gen: Generator, block: Block, name: str) -> np.ndarray:
    """One part of each row's latent place (memoised per block, shared by the row's columns)."""
    group = place_group(gen)
    data = places(gen.ctx.dataset.locale)
    key = gen.ctx.table_key("place", group)
    return block.memo(("place", group, name), lambda: _draw(data, key, block.idx, name))


def _draw(data: Places, key: int, idx: np.ndarray, name: str) -> np.ndarray:
    draw = _PLACE_DRAWS[name]
    reg = data.regions
    if name == "region":
        return rand.weighted(key, idx, reg.table, draw) if reg else np.zeros(len(idx), np.int64)
    if name == "postcode":
        if reg is None or reg.start is None or reg.size is None:
            assert data.postcodes is not None
            return data.postcodes.pick(key, idx, draw)
        assert reg.seg_start is not None and reg.seg_lo is not None
        r = _draw(data, key, idx, "region")
        pos = reg.start[r] + (rand.uniform(key, idx, draw) * reg.size[r]).astype(np.int64)
        seg = np.searchsorted(reg.seg_start, pos, side="right") - 1
        return reg.seg_lo[seg] + reg.step * (pos - reg.seg_start[seg])
    if name == "city":
        return data.cities.pick(key, idx, draw)
    if name == "street":
        return data.streets.pick(key, idx, draw)
    if name == "line2":
        return data.secondary.pick(key, idx, draw)
    u = rand.uniform(key, idx, draw)
    if name == "number" and data.locale == "ja_JP":  # chome, ban, gou: uniform
        return (u * 3000).astype(np.int64)
    if name == "number":  # small numbers are the most common: log-uniform in 1..house_max
        return np.clip(np.exp(u * np.log(data.house_max + 1)).astype(np.int64), 1, data.house_max)
    return u  # lat, lon


def postcode_text(gen: Generator, block: Block) -> np.ndarray:
    data = places(gen.ctx.dataset.locale)
    value = part(gen, block, "postcode")
    reg = data.regions
    if reg is None or reg.start is None:
        assert data.postcodes is not None
        return data.postcodes.words[value]
    m = np.zeros((len(value), reg.width + (1 if reg.dash else 0)), dtype=np.uint8)
    if reg.dash:
        textops.fixed_digits(m, 0, value // 10 ** (reg.width - reg.dash), reg.dash)
        m[:, reg.dash] = ord("-")
        textops.fixed_digits(m, reg.dash + 1, value % 10 ** (reg.width - reg.dash),
                             reg.width - reg.dash)  # fmt: skip
    else:
        textops.fixed_digits(m, 0, value, reg.width)
    return textops.from_matrix(m)


def street_address_text(gen: Generator, block: Block) -> np.ndarray:
    data = places(gen.ctx.dataset.locale)
    street = data.streets.words[part(gen, block, "street")]
    n = part(gen, block, "number")
    if data.locale == "ja_JP":  # 2丁目14番3号: block numbers from the same draw
        number = concat(textops.ints(1 + n % 5), "丁目".encode(), textops.ints(1 + n // 5 % 30),
                      "番".encode(), textops.ints(1 + n // 150 % 20), "号".encode())  # fmt: skip
    else:
        number = concat(data.number_prefix, textops.ints(n), data.number_suffix)
    if data.number_first:
        return concat(number, data.joiner, street)
    return concat(street, data.joiner, number)


class _PlaceText(UniqueText):
    """Text parts of a place, cut at a word boundary in ``varchar(n)``."""

    types = TEXT_TYPES
    separator = b" "

    def finish(self, out: np.ndarray) -> np.ndarray:
        return fit_words(out, length_limit(self.type))


@register("street_address")
class StreetAddress(_PlaceText):
    """The house number and street of the row's place, in the locale's order (``1234 Oak
    Street``, ``Hauptstraße 12``, ``12, rue de la Paix``)."""

    names = ("street_address", "address_line1", "address_line_1", "address1", "address_1",
             "street_line1", "street1", "addr1")  # fmt: skip

    def generate(self, block: Block) -> np.ndarray:
        return self.finish(street_address_text(self, block))


@register("street")
class Street(_PlaceText):
    """The street name of the row's place, without the house number."""

    names = ("street", "street_name")

    def generate(self, block: Block) -> np.ndarray:
        return self.finish(
            places(self.ctx.dataset.locale).streets.words[part(self, block, "street")]
        )


@register("address_line2")
class AddressLine2(_PlaceText):
    """The second address line (``Apt. 402``, ``Suite 200``, ``Flat 7``); mostly NULL."""

    names = ("address_line2", "address_line_2", "address2", "address_2", "street_line2",
             "street2", "addr2")  # fmt: skip
    default_null_rate = 0.7

    def generate(self, block: Block) -> np.ndarray:
        pool = places(self.ctx.dataset.locale).secondary
        return self.finish(pool.words[part(self, block, "line2")])


@register("city")
class City(_PlaceText):
    """A city name of the locale: the row's place, shared with its street, state and postcode."""

    names = ("city", "town")
    #: 2: the city is part of the row's latent place (draw 2 of the place stream)
    version = 2

    def generate(self, block: Block) -> np.ndarray:
        pool = places(self.ctx.dataset.locale).cities
        return self.finish(pool.words[part(self, block, "city")])


class _RegionText(Generator):
    types = TEXT_TYPES

    def setup(self) -> None:
        self.data = places(self.ctx.dataset.locale)

    def city_instead(self, block: Block, codes: bool) -> np.ndarray:
        """For a locale without region data: the row's city (or its abbreviation)."""
        pool = self.data.cities
        words = pool.ascii if codes else pool.words
        out = words[part(self, block, "city")]
        return np.char.upper(out.astype("S2")) if codes else out


@register("state_code")
class StateCode(_RegionText):
    """The code of the row's region: ``IL`` (en_US), ``BY`` (de_DE), ``75`` (fr_FR)."""

    names = (
        "state_code", "state_abbr", "state_abbreviation", "province_code",
        rule("state", lengths=(2, 2)),
        *(rule(f"{prefix}_state", lengths=(2, 2)) for prefix in ADDRESS_PREFIXES),
    )  # fmt: skip

    def setup(self) -> None:
        super().setup()
        limit = length_limit(self.type)
        reg = self.data.regions
        longest = max(map(len, (c.decode() for c in reg.codes))) if reg else 0
        if limit is not None and longest > limit:
            self.problem(f"region codes of locale {self.ctx.dataset.locale!r} have up to "
                         f"{longest} characters; {self.type.ddl()} holds {limit}",
                         f"declare the column as varchar({longest})")  # fmt: skip

    def generate(self, block: Block) -> np.ndarray:
        if self.data.regions is None:
            return self.city_instead(block, codes=True)
        return self.data.regions.codes[part(self, block, "region")]


@register("state")
class State(_RegionText):
    """The name of the row's region (state, province, Land, département, prefecture); its code
    where the name does not fit a ``varchar(n)``."""

    names = (
        rule("state", tables=PLACE_TABLES, note="in a table of places, people or companies"),
        "state_name", "province", "province_name", "prefecture", "state_province",
        *(f"{prefix}_state" for prefix in ADDRESS_PREFIXES),
    )  # fmt: skip

    def generate(self, block: Block) -> np.ndarray:
        reg = self.data.regions
        if reg is None:
            return fit_words(self.city_instead(block, codes=False), length_limit(self.type))
        r = part(self, block, "region")
        out, limit = reg.names[r], length_limit(self.type)
        if limit is not None:
            long = np.strings.str_len(np.char.decode(out, "utf-8")) > limit
            out = np.where(long, reg.codes[r], out)
        return out


@register("postal_code")
class PostalCode(Generator):
    """A postcode in the locale's format, inside the row's region where the locale's ranges are
    known (en_US ZIPs by state, de_DE by Land, fr_FR by département, ja_JP, pt_BR)."""

    names = ("postal_code", "postcode", "post_code", "zip", "zip_code", "zipcode", "postal")
    types = TEXT_TYPES

    def setup(self) -> None:
        data = places(self.ctx.dataset.locale)
        limit = length_limit(self.type)
        reg = data.regions
        if reg is not None and reg.start is not None:
            longest = reg.width + (1 if reg.dash else 0)
        else:
            assert data.postcodes is not None
            longest = max(len(w.decode()) for w in data.postcodes.words)
        if limit is not None and longest > limit:
            self.problem(f"postcodes of locale {self.ctx.dataset.locale!r} have up to {longest} "
                         f"characters; {self.type.ddl()} holds {limit}",
                         f"declare the column as varchar({longest}) or text")  # fmt: skip

    def generate(self, block: Block) -> np.ndarray:
        return postcode_text(self, block)


@register("address")
class Address(_PlaceText):
    """The whole address on one line, in the locale's order (``1234 Oak Street, Springfield,
    IL 62704``; ``Hauptstraße 12, 80331 München``)."""

    names = ("address", "full_address", "mailing_address", "postal_address")

    def setup(self) -> None:
        self.data = places(self.ctx.dataset.locale)
        fmt: list[str] = []
        for item in self.data.full_format:  # drop the region parts where there are none
            if item in ("state", "state_code") and self.data.regions is None:
                if fmt and fmt[-1] not in _PARTS:
                    fmt.pop()
                continue
            fmt.append(item)
        self.format = tuple(fmt)

    def generate(self, block: Block) -> np.ndarray:
        reg, out = self.data.regions, []
        for item in self.format:
            if item == "street":
                out.append(street_address_text(self, block))
            elif item == "city":
                out.append(self.data.cities.words[part(self, block, "city")])
            elif item == "postcode":
                out.append(postcode_text(self, block))
            elif item in ("state", "state_code") and reg is not None:
                out.append(
                    (reg.names if item == "state" else reg.codes)[part(self, block, "region")]
                )
            else:
                out.append(np.full(len(block.idx), item.encode()))
        return self.finish(concat(*out))


_PARTS = ("street", "city", "postcode", "state", "state_code")


@register("country")
class Country(Generator, standalone=True):
    """The dataset locale's country, in its own language (``Deutschland``) or in English; its
    ISO code where the name does not fit a ``varchar(n)``."""

    names = ("country", "country_name")
    types = TEXT_TYPES
    params = {"language": {"enum": ["local", "english"], "default": "local"}}

    def setup(self) -> None:
        code, row = country_row(self.ctx.dataset.locale)
        name = row.get("local", row["name"]) if self.param("language") == "local" else row["name"]
        limit = length_limit(self.type)
        for candidate in (name, row["alpha3"], code):
            if limit is None or len(candidate) <= limit:
                break
        self.value = np.array([candidate.encode()])

    def generate(self, block: Block) -> np.ndarray:
        return np.repeat(self.value, len(block.idx))


@register("country_code")
class CountryCode(Generator, standalone=True):
    """The ISO 3166-1 code of the dataset locale's country: alpha-2 (``DE``), or alpha-3
    (``DEU``) with ``format: alpha3`` or in a ``char(3)``/``varchar(3)`` column."""

    names = ("country_code", "country_iso", "iso_country", "iso_country_code", "country_iso_code",
             rule("country", lengths=(2, 3)))  # fmt: skip
    types = TEXT_TYPES
    params = {"format": {"enum": ["alpha2", "alpha3"]}}

    def setup(self) -> None:
        code, row = country_row(self.ctx.dataset.locale)
        limit = length_limit(self.type)
        fmt = self.p.get("format", "alpha3" if limit == 3 else "alpha2")
        value = row["alpha3"] if fmt == "alpha3" else code
        if limit is not None and len(value) > limit:
            self.problem(f"an {fmt} code has {len(value)} characters; {self.type.ddl()} "
                         f"holds {limit}", "use format: alpha2")  # fmt: skip
        self.value = np.array([value.encode()])

    def generate(self, block: Block) -> np.ndarray:
        return np.repeat(self.value, len(block.idx))


class _Coordinate(Generator):
    """Degrees inside the locale's country's bounding box, with the column's decimals."""

    types = frozenset({"numeric", "real", "double precision", "text", "varchar"})
    axis = 0  # 0: latitude (box[0:2]), 1: longitude (box[2:4])
    draw = "lat"

    def setup(self) -> None:
        t = self.type
        row = country_row(self.ctx.dataset.locale)[1]
        box = row.get("box", (-60.0, 70.0, -180.0, 180.0))
        lo, hi = box[2 * self.axis], box[2 * self.axis + 1]
        scale = t.scale if t.base == "numeric" and t.scale is not None and t.precision else None
        self.scale = FLOAT_SCALE[t.base] if scale is None else scale
        self.lo, self.hi = round(lo * 10**self.scale), round(hi * 10**self.scale)
        if t.base in ("numeric", "real", "double precision"):
            lo_t, hi_t = type_bounds(t)
            if decimal.Decimal(lo) < lo_t or decimal.Decimal(hi) > hi_t:
                self.problem(f"{self.name} in {row['name']} runs from {lo} to {hi}; "
                             f"{t.ddl()} holds {lo_t}..{hi_t}",
                             "declare the column as numeric(9,6) or double precision")  # fmt: skip
        limit = length_limit(t)
        longest = len(str(min(self.lo, -abs(self.hi)))) + 1
        if limit is not None and longest > limit:
            self.problem(f"{self.name} needs up to {longest} characters; {t.ddl()} holds {limit}")

    def generate(self, block: Block) -> np.ndarray:
        u = part(self, block, self.draw)
        units = self.lo + np.floor(u * (self.hi - self.lo + 1)).astype(np.int64)
        return textops.decimals(np.minimum(units, self.hi), self.scale)


@register("latitude")
class Latitude(_Coordinate):
    """A latitude inside the dataset locale's country (decimal degrees)."""

    names = ("latitude", "lat")


@register("longitude")
class Longitude(_Coordinate):
    """A longitude inside the dataset locale's country (decimal degrees)."""

    names = ("longitude", "lng", "lon", rule("long", types={"numeric", "real", "double precision"}))
    axis = 1
    draw = "lon"
