"""Small, strict parsers for the text of user values, by column type, as PostgreSQL reads them.

``constant``, ``enum`` and ``weighted_enum`` values are written into the dump as they are, so a
value the column's type would refuse makes a dump that does not load. :func:`type_problem` says
why a text cannot be stored in a column of a given base type, or None if it can.

The parsers accept a documented subset of what PostgreSQL accepts (ISO 8601 dates and times, the
usual interval spellings, every macaddr form, both bytea formats) and never more: anything they
pass, the server stores. Values in other spellings are refused with a hint naming the accepted
form.

Example:
    >>> type_problem("2024-02-30", "date")
    "'2024-02-30' is not a date: day is out of range for month; write YYYY-MM-DD"
    >>> type_problem("2 hours 30 minutes", "interval") is None
    True
    >>> type_problem("10.0.0.1/8", "cidr")
    "'10.0.0.1/8' is not a cidr: 10.0.0.1/8 has host bits set"
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from collections.abc import Callable

_SPECIAL_TIMES = ("infinity", "-infinity", "epoch")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_TIME = r"[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
_TIME_RE = re.compile(_TIME + r"\Z")
_ZONE = r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)"
_TS_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T]" + _TIME + r")?(?P<zone>" + _ZONE + r")?\Z")


def _date(text: str) -> str | None:
    if text.lower() in _SPECIAL_TIMES:
        return None
    if not _DATE_RE.match(text):
        return "write YYYY-MM-DD"
    try:
        dt.date.fromisoformat(text)
    except ValueError as e:
        return f"{e}; write YYYY-MM-DD"
    return None


def _time(text: str) -> str | None:
    if text in ("24:00", "24:00:00"):
        return None
    if not _TIME_RE.match(text):
        return "write HH:MM:SS"
    try:
        dt.time.fromisoformat(text)
    except ValueError as e:
        return f"{e}; write HH:MM:SS"
    return None


def _timestamp(text: str, zone_ok: bool) -> str | None:
    form = "write YYYY-MM-DD HH:MM:SS" + ("[+HH:MM]" if zone_ok else "")
    if text.lower() in _SPECIAL_TIMES:
        return None
    m = _TS_RE.match(text)
    if not m:
        return form
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as e:
        return f"{e}; {form}"
    return None


_UNITS = (
    "microseconds?|us|usecs?|milliseconds?|ms|msecs?|seconds?|secs?|s|minutes?|mins?|m|hours?|"
    "hrs?|h|days?|d|weeks?|w|months?|mons?|years?|yrs?|y|decades?|centur(?:y|ies)|"
    "millenni(?:um|a)|millenniums"
)
_NUM = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_CLOCK = r"[+-]?[0-9]+:[0-9]{1,2}(?::[0-9]{1,2}(?:\.[0-9]+)?)?"
_VERBOSE_RE = re.compile(
    rf"@?\s*(?:{_NUM}\s*(?:{_UNITS})\b\s*)*(?:{_CLOCK})?\s*(?:ago)?\Z", re.IGNORECASE
)
_ISO_NUM = r"[0-9]+(?:[.,][0-9]+)?"
_ISO_RE = re.compile(
    rf"P(?:{_ISO_NUM}Y)?(?:{_ISO_NUM}M)?(?:{_ISO_NUM}W)?(?:{_ISO_NUM}D)?"
    rf"(?:T(?:{_ISO_NUM}H)?(?:{_ISO_NUM}M)?(?:{_ISO_NUM}S)?)?\Z"
)


def _interval(text: str) -> str | None:
    hint = "write e.g. '1 day', '2 hours 30 minutes', '01:02:03' or 'P1DT2H'"
    s = text.strip()
    if not s or s in ("@", "ago"):
        return hint
    if s.upper().startswith("P"):
        iso = s.upper()
        if iso in ("P", "PT") or iso.endswith("T") or not _ISO_RE.match(iso):
            return hint
        return None
    if not _VERBOSE_RE.match(s) or not re.search(r"[0-9]", s):
        return hint
    return None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _json(text: str, binary: bool) -> str | None:
    try:
        json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as e:
        return str(e).split(": line")[0]
    if binary and re.search(r"(?<!\\)(?:\\\\)*\\u0000", text):
        return "jsonb cannot hold \\u0000"
    if binary and re.search(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])", text):
        return "a lone surrogate escape is not valid"
    return None


def _inet(text: str) -> str | None:
    try:
        ipaddress.ip_interface(text)
    except ValueError as e:
        return str(e)
    return None


def _cidr(text: str) -> str | None:
    try:
        ipaddress.ip_network(text, strict=True)
    except ValueError as e:
        return str(e)
    return None


_H2, _H4, _H6 = "[0-9a-fA-F]{2}", "[0-9a-fA-F]{4}", "[0-9a-fA-F]{6}"
_MAC_RE = re.compile(
    rf"(?:{_H2}(?::{_H2}){{5}}|{_H2}(?:-{_H2}){{5}}|{_H6}[:-]{_H6}|{_H4}\.{_H4}\.{_H4}"
    rf"|{_H4}-{_H4}-{_H4}|[0-9a-fA-F]{{12}})\Z"
)


def _macaddr(text: str) -> str | None:
    return None if _MAC_RE.match(text) else "write 08:00:2b:01:02:03"


_BYTEA_HEX_RE = re.compile(r"\\x(?:\s*[0-9a-fA-F]{2})*\s*\Z")
_BYTEA_ESC_RE = re.compile(r"(?:[^\\]|\\\\|\\[0-3][0-7]{2})*\Z", re.S)


def _bytea(text: str) -> str | None:
    if text.startswith("\\x"):
        return None if _BYTEA_HEX_RE.match(text) else "hex format is \\x and pairs of hex digits"
    if _BYTEA_ESC_RE.match(text):
        return None
    return "write \\x0a1b (hex), or escape a backslash as \\\\ or \\ooo (octal)"


_UUID_RE = re.compile(r"(?:\{[0-9a-f]{4}(?:-?[0-9a-f]{4}){7}\}|[0-9a-f]{4}(?:-?[0-9a-f]{4}){7})\Z")


def _uuid(text: str) -> str | None:
    return None if _UUID_RE.match(text.lower()) else "write 8-4-4-4-12 hex digits"


BOOLEAN_WORDS = ("t", "f", "true", "false", "yes", "no", "on", "off", "1", "0")


def _boolean(text: str) -> str | None:
    return None if text.strip().lower() in BOOLEAN_WORDS else "write true or false"


PARSERS: dict[str, Callable[[str], str | None]] = {
    "date": _date,
    "time": _time,
    "timestamp": lambda s: _timestamp(s, False),
    "timestamptz": lambda s: _timestamp(s, True),
    "interval": _interval,
    "json": lambda s: _json(s, False),
    "jsonb": lambda s: _json(s, True),
    "inet": _inet,
    "cidr": _cidr,
    "macaddr": _macaddr,
    "bytea": _bytea,
    "uuid": _uuid,
    "boolean": _boolean,
}


def type_problem(text: str, base: str) -> str | None:
    """Why PostgreSQL would refuse ``text`` as a value of type ``base`` (a key of
    :data:`datagen.pgtypes.PG_TYPES`), or None. Types without a parser here are not checked."""
    parser = PARSERS.get(base)
    if parser is None:
        return None
    why = parser(text)
    if why is None:
        return None
    what = "an" if base in ("interval", "inet") else "a"
    return f"{text!r} is not {what} {base}: {why}"
