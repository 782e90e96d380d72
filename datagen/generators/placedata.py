"""Address data per locale, read once from Faker's address providers and our data files.

A locale's *places* are its regions (states, Länder, départements, prefectures...) with their
codes and, where we know them, the postcode ranges that belong to each region (en_US ZIPs from
Faker's ``states_postcode``; de_DE, ja_JP and pt_BR from ``data/regions.json``; fr_FR from the
département number), plus pools of street names, secondary-address lines and cities. Pools that
Faker only makes by calling are built once with a fixed seed (:func:`~.words.faker_pool`), so
they depend only on the locale and the pinned Faker version, never on a row.

A locale without address data of its own in Faker uses en_US data throughout, country included,
so a row's parts still agree with each other.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import rand, textops
from . import poolcache
from .words import DEFAULT_LOCALE, Pool, ascii_fold, cities, faker_pool, make_pool

DATA = Path(__file__).parent / "data"
#: Faker attributes holding a locale's first-level regions, in order of preference
REGION_ATTRS = (
    "states", "provinces", "prefectures", "regions", "cantons", "counties", "distritos",
    "departments", "region_names", "districts",
)  # fmt: skip
#: languages whose house numbers run long (``12345 Main Street``); elsewhere 1-199
LONG_NUMBERS = ("en_US", "en_CA", "en_AU", "en_NZ")


@functools.cache
def countries() -> dict[str, dict[str, Any]]:
    """ISO 3166-1: alpha-2 -> {alpha3, name (English), local (name in its language), box}."""
    data: dict[str, dict[str, Any]] = json.loads((DATA / "countries.json").read_text("utf-8"))
    return data


@functools.cache
def _regions_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "regions.json").read_text("utf-8"))
    return data


def _address_module(locale: str) -> Any | None:
    try:
        return importlib.import_module(f"faker.providers.address.{locale}").Provider
    except ModuleNotFoundError:
        return None


@dataclass(frozen=True)
class Regions:
    """A locale's regions: names, codes, pick weights, and each region's postcode ranges.

    Postcode ranges are laid end to end: region ``r`` owns positions ``[start[r], start[r] +
    size[r])`` and a position maps into the segment holding it (``seg_start``, ``seg_lo``).
    """

    names: np.ndarray
    codes: np.ndarray
    table: tuple[np.ndarray, np.ndarray]
    start: np.ndarray | None = None
    size: np.ndarray | None = None
    seg_start: np.ndarray | None = None
    seg_lo: np.ndarray | None = None
    step: int = 1
    width: int = 5
    dash: int = 0  # a dash after this many digits (ja_JP 123-4567, pt_BR 12345-678)


def _regions(
    names: list[str], codes: list[str], weights: list[float], ranges: list[list[list[int]]] | None,
    **shape: int,
) -> Regions:  # fmt: skip
    table = rand.alias_table(np.array(weights, dtype=np.float64))
    s_names = np.array([n.encode() for n in names])
    s_codes = np.array([c.encode() for c in codes])
    if ranges is None:
        return Regions(s_names, s_codes, table)
    step = shape.get("step", 1)
    seg_lo, seg_size, sizes = [], [], []
    for rs in ranges:
        sizes.append(sum((hi - lo) // step + 1 for lo, hi in rs))
        for lo, hi in rs:
            seg_lo.append(lo)
            seg_size.append((hi - lo) // step + 1)
    size = np.array(sizes, dtype=np.int64)
    return Regions(
        s_names, s_codes, table,
        start=np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64), size=size,
        seg_start=np.concatenate([[0], np.cumsum(seg_size)[:-1]]).astype(np.int64),
        seg_lo=np.array(seg_lo, dtype=np.int64), **shape,
    )  # fmt: skip


def _region_args(locale: str, provider: Any) -> list[Any] | None:
    """The arguments of :func:`_regions` for the locale (names, codes, weights, ranges, shape)."""
    own: dict[str, Any] = _regions_file().get(locale) or {}
    if locale == "en_US":
        names = list(provider.states)
        codes = [a for a in provider.states_abbr if a != "DC"]  # states lists the 50 states only
        weights = [own["weights"][c] for c in codes]
        ranges = [[list(provider.states_postcode[c])] for c in codes]
        return [names, codes, weights, ranges, {"width": 5}]
    if "regions" in own:
        names, codes, weights, ranges = (list(x) for x in zip(*own["regions"], strict=True))
        return [names, codes, weights, ranges, {"width": own["width"], "dash": own.get("dash", 0)}]
    if locale == "fr_FR":  # metropolitan départements: postcode = number * 1000 + a multiple of 10
        deps = [(c, n) for c, n in provider.departments if len(c) == 2]
        ranges = [
            [[20000, 20190]] if c == "2A" else [[20200, 20690]] if c == "2B" else
            [[int(c) * 1000, int(c) * 1000 + 990]] for c, _ in deps
        ]  # fmt: skip
        names, codes = [n for _, n in deps], [c for c, _ in deps]
        return [names, codes, [1.0] * len(deps), ranges, {"width": 5, "step": 10}]
    if locale == "ru_RU":
        names = [f"{n} обл." for n in provider.region_oblast] + [
            f"{n} край" for n in provider.region_krai
        ] + [f"Республика {n}" for n in provider.region_republics]  # fmt: skip
        return [names, [_abbreviate(n) for n in names], [1.0] * len(names), None, {}]
    for attr in REGION_ATTRS:
        data = getattr(provider, attr, None)
        if isinstance(data, dict) and data and all(isinstance(v, str) for v in data.values()):
            data = list(data.items()) if max(map(len, data)) <= 4 else list(data)
        if not data or not isinstance(data, (list, tuple)):
            continue
        if isinstance(data[0], (list, tuple)) and len(data[0]) == 2:  # (code, name) pairs
            pairs = [(str(c), str(n)) for c, n in data]
        elif isinstance(data[0], str):
            abbr: Any = getattr(provider, attr + "_abbr", None) or ()
            fitting = len(abbr) == len(data)
            names = list(dict.fromkeys(data))
            pairs = [(str(abbr[data.index(n)]) if fitting else _abbreviate(n), n) for n in names]
        else:
            continue
        return [[n for _, n in pairs], [c for c, _ in pairs], [1.0] * len(pairs), None, {}]
    return None


def _abbreviate(name: str) -> str:
    """Two or three capitals for a region without an official code (``Cornwall`` -> ``CO``)."""
    words = [ascii_fold(w) for w in re.split(r"[\s\-]+", name) if w.strip(" -")]
    if not words or not all(w != "x" for w in words):  # a script ASCII cannot spell
        return name.replace(" ", "")[:2]
    code = "".join(w[0] for w in words[:3]) if len(words) > 1 else words[0][:2]
    return code.upper()


@dataclass(frozen=True)
class Places:
    """Everything the place generators draw from, for one locale."""

    locale: str  # the locale whose data is used (en_US for locales Faker has no addresses for)
    country: str  # ISO 3166 alpha-2
    streets: Pool
    secondary: Pool
    cities: Pool
    regions: Regions | None
    postcodes: Pool | None  # where regions carry no postcode ranges
    number_first: bool  # ``12 Main St`` rather than ``Hauptstraße 12``
    joiner: bytes  # between number and street (``" "``, ``", "``)
    number_prefix: bytes
    number_suffix: bytes
    house_max: int
    full_format: tuple[
        str, ...
    ]  # parts: "street", "city", "state", "state_code", "postcode", literals


_FULL = {  # one-line full addresses: parts in order, literal text between
    "en_US": ("street", ", ", "city", ", ", "state_code", " ", "postcode"),
    "en_GB": ("street", ", ", "city", ", ", "postcode"),
    "ja_JP": ("〒", "postcode", " ", "state", "city", "street"),
    "pt_BR": ("street", ", ", "city", " - ", "state_code", ", ", "postcode"),
    "en_CA": ("street", ", ", "city", ", ", "state_code", " ", "postcode"),
    "en_AU": ("street", ", ", "city", " ", "state_code", " ", "postcode"),
    "zh_CN": ("state", "city", "street", " ", "postcode"),
    "ko_KR": ("state", " ", "city", " ", "street"),
}
_DEFAULT_FULL = ("street", ", ", "postcode", " ", "city")


def _street_shape(provider: Any) -> tuple[bool, bytes, bytes, bytes]:
    """(number first, text between, before the number, after it) from the locale's first
    street-address format naming both a building number and a street name."""
    for f in getattr(provider, "street_address_formats", ()):
        m = re.fullmatch(r"\s*\{\{building_number\}\}(.*?)\{\{street_name\}\}\s*", f)
        if m and "{{" not in m.group(1):
            return True, m.group(1).encode(), b"", b""
        m = re.fullmatch(r"\s*\{\{street_name\}\}(.*?)\{\{building_number\}\}(.*?)\s*", f)
        if m and "{{" not in m.group(1) + m.group(2):
            return False, m.group(1).encode(), b"", m.group(2).encode()
    return True, b" ", b"", b""


def _address_data(locale: str) -> dict[str, Any] | None:
    """What :func:`places` reads from Faker's address provider of ``locale`` (None: it has
    none), as JSON kept on disk by :mod:`.poolcache`: a warm run does not import Faker."""

    def build() -> dict[str, Any] | None:
        provider = _address_module(locale)
        if provider is None:
            return None
        number_first, *shape = _street_shape(provider)
        return {
            "number_first": number_first,
            "shape": [b.decode() for b in shape],
            "towns": list(dict.fromkeys(provider.towns)) if locale == "ja_JP" else None,
            "regions": _region_args(locale, provider),
        }

    data: dict[str, Any] | None = poolcache.document("address", locale, build)
    return data


@functools.cache
def places(locale: str) -> Places:
    """The place data of ``locale`` (built once per process)."""
    if locale in _LANGUAGE_ONLY:
        return places(_LANGUAGE_ONLY[locale])
    territory = locale.split("_")[-1] if "_" in locale else ""
    data = _address_data(locale)
    if data is None or territory not in countries():
        return places(DEFAULT_LOCALE)
    number_first, joiner, prefix, suffix = data["number_first"], *map(str.encode, data["shape"])
    if locale == "ja_JP":  # 丹勢2丁目14番3号: a town, then block numbers
        streets = make_pool(data["towns"])
        number_first, joiner = False, b""
    else:
        try:
            streets = faker_pool(locale, "street_name")
        except (AttributeError, TypeError, ValueError):
            streets = faker_pool(DEFAULT_LOCALE, "street_name")
    if locale == "zh_CN":
        suffix = "号".encode()
    try:
        secondary = faker_pool(locale, "secondary_address", 512)
    except (AttributeError, TypeError, ValueError):
        forms = _SECONDARY.get(locale.split("_")[0], ["Apt. {}"])
        secondary = make_pool([f.format(n) for f in forms for n in range(1, 40)])
    args = data["regions"]
    regions = None if args is None else _regions(*args[:4], **args[4])
    postcodes = None if regions is not None and regions.start is not None else _postcodes(locale)
    return Places(
        locale=locale, country=territory, streets=streets, secondary=secondary,
        cities=cities(locale), regions=regions, postcodes=postcodes,
        number_first=number_first, joiner=joiner, number_prefix=prefix, number_suffix=suffix,
        house_max=9999 if locale in LONG_NUMBERS else 199,
        full_format=_FULL.get(locale, _DEFAULT_FULL),
    )  # fmt: skip


#: address_line2 forms where Faker has no secondary_address for the locale
_SECONDARY = {
    "de": ["Whg. {}", "{}. OG"], "fr": ["Appartement {}", "Bâtiment {}"], "nl": ["bus {}"],
    "pt": ["Apto. {}", "Sala {}"], "ru": ["кв. {}"], "ja": ["{}01号室", "{}02号室"],
    "pl": ["lok. {}"],
    "zh": ["{}室"], "ko": ["{}호"], "sv": ["lgh {}"],
}  # fmt: skip
_LANGUAGE_ONLY = {"de": "de_DE", "en": "en_US", "es": "es_ES", "th": "th_TH", "fr": "fr_FR"}


def _postcodes(locale: str) -> Pool:
    try:
        return faker_pool(locale, "postcode")
    except (AttributeError, TypeError, ValueError):
        return faker_pool(DEFAULT_LOCALE, "postcode")


def country_names() -> list[str]:
    return [c["name"] for c in countries().values()]


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (``Süßebier & Söhne`` -> ``suessebier-sohne``:
    accents dropped, letters with no decomposition spelled out)."""
    import unicodedata

    norm = unicodedata.normalize("NFKD", text.translate(_SPELLED))
    kept = "".join(c if c.isalnum() or c.isspace() else " " for c in norm if c.isascii())
    return "-".join(kept.lower().split())


_SPELLED = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L",
    "œ": "oe", "Œ": "OE", "þ": "th",
})  # fmt: skip


def concat(*parts: np.ndarray | bytes) -> np.ndarray:
    """The element-wise concatenation of 'S' arrays and byte strings."""
    out: Any = parts[0]
    for p in parts[1:]:
        out = np.strings.add(out, p)
    return np.asarray(out)


def fit_words(out: np.ndarray, limit: int | None) -> np.ndarray:
    """Values cut to ``limit`` characters at a word boundary where one exists, with no
    trailing blank or separator."""
    if limit is None or out.dtype.itemsize <= limit:
        return out

    def cut(b: bytes) -> bytes:
        s = b.decode("utf-8")
        if len(s) <= limit:
            return b
        head = s[:limit]
        if s[limit] != " " and " " in head:
            head = head.rsplit(" ", 1)[0]
        return head.rstrip(" ,-/").encode("utf-8")

    return textops.map_where(out, textops.lengths(out) > limit, cut)


def country_row(locale: str) -> tuple[str, dict[str, Any]]:
    """(alpha-2 code, ISO row) of the country whose addresses ``locale`` makes."""
    code = places(locale).country
    return code, countries()[code]
