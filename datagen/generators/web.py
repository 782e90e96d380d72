"""Web traffic: URLs, paths, referrers, user agents (with the row's browser, OS and device),
vocabularies of event types, HTTP methods and status codes and UTM tags, session ids, IPv6.

Vocabularies live in ``data/web.json``. URLs use reserved domains only (``example.com``,
``example.org``, ``example.net``, ``*.example``, RFC 2606); referrers are the one exception: a
``Referer`` header names real search engines and social sites (``https://www.google.com/``), and
as stored text that is what believable data looks like. The user agent, browser, OS and device
type of one row (one group) come from one latent client, so they agree.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .. import rand, textops
from .base import INT_TYPES, TEXT_TYPES, Generator, register
from .commerce_base import Vocabulary
from .network import need_length
from .prose import Phrases, data, english
from .semantic import rule
from .text import UNBOUNDED, length_limit

if TYPE_CHECKING:
    from ..columns import Block

#: tables where ``method`` and ``verb`` mean an HTTP method
REQUEST_TABLES = r"request|log|http|api|hit|call|webhook"


@functools.cache
def web() -> dict[str, Any]:
    return data("web.json")


@functools.cache
def url_phrases() -> dict[str, Phrases]:
    """URL and path templates with their word pools."""
    v = data("prose.json")
    w = web()
    words = {
        "host": w["hosts"],
        "slug": [f"{a}-{n}" for a in v["adj"] for n in v["noun"]],
        "tag": v["tags"],
        "int": [str(n) for n in range(1, 20000)],
        "source": list(w["utm_source"]),
        "medium": list(w["utm_medium"]),
    }
    return {
        "url": Phrases(["{host}" + p for p in w["url_paths"]], words),
        "path": Phrases(w["url_paths"] + w["api_paths"] * 2, words),
    }


def _fit_or(out: np.ndarray, limit: int | None, fallback: bytes) -> np.ndarray:
    """Values longer than the column holds replaced by a short ``fallback`` (never cut)."""
    if limit is None or out.dtype.itemsize <= limit:
        return out
    return np.where(textops.lengths(out) > limit, fallback, out)


@register("url")
class Url(Generator, standalone=True):
    """A page URL under a reserved domain: ``https://shop.example.com/products/smart-invoice``."""

    names = (
        "url",
        "link",
        "uri",
        "href",
        "homepage",
        "homepage_url",
        "callback_url",
        "redirect_url",
        "landing_page",
        "page_url",
    )
    types = TEXT_TYPES
    SHORT = b"https://example.com/"

    def setup(self) -> None:
        self.limit = length_limit(self.type)
        if self.limit is not None and self.limit < len(self.SHORT):
            self.problem(
                f"a URL needs at least {len(self.SHORT)} characters; "
                f"{self.type.ddl()} holds {self.limit}",
                "declare the column as text or varchar(255)",
            )

    def generate(self, block: Block) -> np.ndarray:
        out = url_phrases()["url"].render(self.ctx.key(), block.idx)
        return _fit_or(out, self.limit, self.SHORT)


@register("path")
class Path(Generator, standalone=True):
    """A URL path of a site or an API: ``/pricing``, ``/api/v1/orders/1234``."""

    names = ("path", "url_path", "route", "endpoint", "request_path", "request_uri", "page_path")
    types = TEXT_TYPES

    def generate(self, block: Block) -> np.ndarray:
        out = url_phrases()["path"].render(self.ctx.key(), block.idx)
        return _fit_or(out, length_limit(self.type), b"/")


@register("referrer")
class Referrer(Generator, standalone=True):
    """The page a visit came from: search engines and social sites (real domains: a header's text),
    or a page of the site itself; a nullable column is NULL for 30% of rows (direct visits)."""

    names = ("referrer", "referer", "referrer_url", "referer_url", "referring_url")
    types = TEXT_TYPES
    default_null_rate = 0.3

    def setup(self) -> None:
        refs = web()["referrers"]
        self.pool = np.array([r.encode() for r in refs])
        self.table = rand.alias_table(np.array(list(refs.values()), dtype=float))
        self.limit = length_limit(self.type)

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        outside = self.pool[rand.weighted(key, idx, self.table, 1)]
        inside = url_phrases()["url"].render(key, idx, 2)
        out = np.where(rand.chance(key, idx, 0.25, 0), inside, outside)
        return _fit_or(out, self.limit, b"https://t.co/")


# ---- the row's client: user agent, browser, OS and device type agree -------------------------


@functools.cache
def clients() -> tuple[np.ndarray, dict[str, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """(user agent strings, {field: per-agent value}, alias table of the agents' weights)."""
    rows = web()["user_agents"]
    agents = np.array([r[0].encode() for r in rows])
    fields = {
        name: np.array([r[i].encode() for r in rows])
        for i, name in ((1, "browser"), (2, "os"), (3, "device"))
    }
    return agents, fields, rand.alias_table(np.array([r[4] for r in rows], dtype=float))


class _Client(Generator):
    """A field of the row's latent client (shared by the group's client columns)."""

    types = TEXT_TYPES
    field: ClassVar[str] = ""

    def setup(self) -> None:
        agents, fields, _ = clients()
        self.values = agents if not self.field else fields[self.field]
        limit = length_limit(self.type)
        if limit is not None:
            longest = max(len(v.decode()) for v in self.values)
            if longest > limit:
                self.problem(
                    f"generator {self.name!r} makes values of up to {longest} characters; "
                    f"{self.type.ddl()} holds {limit}",
                    f"declare the column as text or varchar({longest})",
                )

    def generate(self, block: Block) -> np.ndarray:
        ctx = self.ctx

        def draw() -> np.ndarray:
            return rand.weighted(ctx.table_key("client", ctx.group), block.idx, clients()[2])

        return self.values[block.memo(("client", ctx.group), draw)]


@register("user_agent")
class UserAgent(_Client):
    """A realistic browser User-Agent string (Chrome, Safari, Firefox, Edge, Samsung Internet on
    Windows, macOS, Linux, iOS, Android), weighted by market share."""

    names = ("user_agent", "useragent", "ua", "browser_agent", "agent_string")


@register("browser")
class Browser(_Client):
    """The browser of the row's user agent: Chrome, Safari, Edge, Firefox..."""

    names = ("browser", "browser_name")
    field = "browser"


@register("os")
class Os(_Client):
    """The operating system of the row's user agent: Windows, macOS, iOS, Android, Linux."""

    names = ("os", "operating_system", "platform", "os_name")
    field = "os"


@register("device_type")
class DeviceType(_Client):
    """The device type of the row's user agent: desktop, mobile or tablet."""

    names = ("device_type", "device", "device_category", "form_factor")
    field = "device"


# ---- vocabularies -----------------------------------------------------------------------------


class _Vocab(Vocabulary):
    """A weighted pick from a vocabulary of ``data/web.json``, of the values that fit the column."""

    vocab: ClassVar[str] = ""

    def vocabulary(self) -> dict[str, float]:
        return web()[self.vocab]


@register("event_type")
class EventType(_Vocab):
    """A web-analytics event name: ``page_view`` (most), ``click``, ``search``, ``sign_up``,
    ``add_to_cart``, ``purchase``..."""

    names = ("event_type", "event", "event_name", "action", "activity_type", "event_kind")
    vocab = "event_type"


@register("http_method")
class HttpMethod(_Vocab):
    """An HTTP method: mostly ``GET`` and ``POST``."""

    names = (
        "http_method",
        "request_method",
        "http_verb",
        rule("method", tables=REQUEST_TABLES, note="in a table of requests or logs"),
        rule("verb", tables=REQUEST_TABLES, note="in a table of requests or logs"),
    )
    vocab = "http_method"


@register("status_code")
class StatusCode(_Vocab):
    """An HTTP status code: mostly 200, then 201, 204, 30x, 4xx, a few 5xx."""

    names = ("status_code", "http_status", "response_code", "response_status", "http_code")
    types = TEXT_TYPES | INT_TYPES - {"smallserial", "serial", "bigserial"}
    vocab = "status_code"


@register("utm_source")
class UtmSource(_Vocab):
    """A campaign source: google, newsletter, facebook..."""

    names = ("utm_source", "traffic_source", "acquisition_source")
    vocab = "utm_source"


@register("utm_medium")
class UtmMedium(_Vocab):
    """A campaign medium: cpc, email, social, organic, referral..."""

    names = ("utm_medium", "traffic_medium")
    vocab = "utm_medium"


@register("utm_campaign")
class UtmCampaign(_Vocab):
    """A campaign name: spring_sale, black_friday, onboarding..."""

    names = ("utm_campaign", "campaign_name")
    vocab = "utm_campaign"


# ---- identifiers ------------------------------------------------------------------------------


def _hex64(v: np.ndarray) -> np.ndarray:
    return textops.hex_bytes(v.astype(">u8").view(np.uint8).reshape(len(v), 8))


@register("session_id")
class SessionId(Generator, standalone=True):
    """A session id of 32 lowercase hex characters (fewer in a shorter ``varchar(n)``)."""

    names = ("session_id", "session_token", "session_key", "session")
    types = TEXT_TYPES

    def setup(self) -> None:
        limit = length_limit(self.type)
        self.width = min(32, limit) if limit else 32
        if self.ctx.unique and self.width < 16:
            self.problem(
                f"unique session ids need 16 characters; {self.type.ddl()} holds {self.width}",
                "declare the column as char(32) or text",
            )

    def _text(self, first: np.ndarray, block: Block) -> np.ndarray:
        second = rand.bits(self.ctx.key(), block.idx, 1)
        m = np.hstack([_hex64(first), _hex64(second)])[:, : self.width]
        return textops.from_matrix(m)

    def generate(self, block: Block) -> np.ndarray:
        return self._text(rand.bits(self.ctx.key(), block.idx, 0), block)

    def domain(self) -> int:
        return UNBOUNDED if self.width >= 16 else 16**self.width

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        # the first 16 hex digits spell k (a keyed permutation of the row: random-looking)
        return self._text(k.astype(np.uint64), block)


@register("ipv6")
class Ipv6(Generator, standalone=True):
    """A global unicast IPv6 address (``2a03:2880:f12c:83:face:b00c:0:25de`` style)."""

    names = ("ipv6", "ip6", "ipv6_address", "ip6_address")
    types = frozenset({"inet", "text", "varchar"})
    name_type = "inet"

    def setup(self) -> None:
        need_length(self, 39, "2001:0db8:85a3:0000:0000:8a2e:0370:7334")

    def generate(self, block: Block) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        hi = rand.bits(key, idx, 0)
        hi = (hi & np.uint64(0x1FFFFFFFFFFFFFFF)) | np.uint64(0x2000000000000000)  # 2000::/3
        return self._text(hi, rand.bits(key, idx, 1))

    def _text(self, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
        h = np.hstack([_hex64(hi), _hex64(lo)])  # 32 hex digits
        groups = []
        for g in range(8):
            group = np.strings.lstrip(textops.from_matrix(h[:, 4 * g : 4 * g + 4]), b"0")
            groups.append(np.where(group == b"", b"0", group))
        out = groups[0]
        for group in groups[1:]:
            out = np.strings.add(np.strings.add(out, b":"), group)
        return out

    def domain(self) -> int:
        return 1 << 64

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        hi = (rand.bits(self.ctx.key(), block.idx, 0) & np.uint64(0x1FFFFFFFFFFFFFFF)) | np.uint64(
            0x2000000000000000
        )
        return self._text(hi, k.astype(np.uint64))


# re-exported for events.py
__all__ = ["english", "web"]
