"""Dates and times: ``timeseries`` (the temporal default), ``time``, ``interval`` and the
semantic ``birth_date`` (a row's lifecycle, ``created_at`` and after, is :mod:`.lifecycle`).

Times are integers (seconds since 1970-01-01 UTC) until written, by integer arithmetic into fixed
byte positions: no datetime objects per row and no dependence on the host's time zone. Nothing
depends on the current date: the default window is fixed, so the bytes are the same tomorrow.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .base import Generator, register
from .zones import Zone, zone_problem

if TYPE_CHECKING:
    from ..columns import Block

DAY = 86400
DEFAULT_START = dt.datetime(2020, 1, 1)
DEFAULT_END = dt.datetime(2025, 12, 31, 23, 59, 59)
_EPOCH = dt.datetime(1970, 1, 1)
TEMPORAL = frozenset({"date", "timestamp", "timestamptz"})
_DAILY_PEAK = np.array(
    [1, 1, 1, 1, 1, 2, 4, 7, 9, 8, 7, 8, 11, 10, 8, 7, 8, 10, 12, 13, 11, 8, 5, 2], float
)


def to_seconds(value: Any) -> int:
    """Seconds since the epoch of a YAML date, datetime or ISO string (naive = UTC)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    elif isinstance(value, dt.date):
        value = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return to_seconds(value)
    else:
        raise ValueError(f"{value!r} is not a date or timestamp")
    return int((value - _EPOCH).total_seconds())


def _is_bare_date(value: Any) -> bool:
    """A date without a time of day: YAML's 2024-12-31 or the string "2024-12-31"."""
    if isinstance(value, dt.datetime):
        return False
    return isinstance(value, dt.date) or (
        isinstance(value, str) and len(value.strip()) == 10 and value.strip()[4] == "-"
    )


def _naive(value: Any) -> bool:
    """A start/end without a UTC offset."""
    if isinstance(value, dt.datetime):
        return value.tzinfo is None
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")).tzinfo is None
    return True


def civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since 1970-01-01, proleptic Gregorian (Hinnant's algorithm)."""
    z = days.astype(np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    return y + (m <= 2), m, d


def render_time_of_day(m: np.ndarray, at: int, secs: np.ndarray) -> None:
    textops.fixed_digits(m, at, secs // 3600, 2)
    m[:, at + 2] = ord(":")
    textops.fixed_digits(m, at + 3, secs // 60 % 60, 2)
    m[:, at + 5] = ord(":")
    textops.fixed_digits(m, at + 6, secs % 60, 2)


def render(seconds: np.ndarray, base: str) -> np.ndarray:
    """PostgreSQL text of epoch seconds as a ``date``, ``timestamp`` or ``timestamptz``."""
    seconds = seconds.astype(np.int64)
    days = np.floor_divide(seconds, DAY)
    y, mo, d = civil(days)
    width = {"date": 10, "timestamp": 19, "timestamptz": 22}[base]
    m = np.empty((len(seconds), width), dtype=np.uint8)
    textops.fixed_digits(m, 0, y, 4)
    m[:, 4] = m[:, 7] = ord("-")
    textops.fixed_digits(m, 5, mo, 2)
    textops.fixed_digits(m, 8, d, 2)
    if base != "date":
        m[:, 10] = ord(" ")
        render_time_of_day(m, 11, seconds - days * DAY)
    if base == "timestamptz":
        m[:, 19:22] = np.frombuffer(b"+00", dtype=np.uint8)
    return textops.from_matrix(m)


@register("timeseries")
class Timeseries(Generator, standalone=True):
    """Moments between ``start`` and ``end``: ``uniform``, ``business_hours`` (weekdays 9-18) or
    ``daily_peak`` (busy at lunch and in the evening), in ``timezone``'s local time; ``ordered:
    true`` makes them rise with the row number."""

    params = {
        "start": {"type": "string"},
        "end": {"type": "string"},
        "pattern": {"enum": ["uniform", "business_hours", "daily_peak"], "default": "uniform"},
        "ordered": {"type": "boolean", "default": False},
        # no default: a spec without it keeps its fingerprint (and its bytes: UTC as before)
        "timezone": {"type": "string"},
    }
    types = TEMPORAL

    def setup(self) -> None:
        self.zone: Zone | None = None
        name = self.p.get("timezone")
        if name is not None and (why := zone_problem(name)):
            self.problem(*why)
        elif name is not None:
            try:  # the window, roughly: naive ends move by less than a day
                lo, hi = (
                    to_seconds(self.p.get(k, d))
                    for k, d in (("start", DEFAULT_START), ("end", DEFAULT_END))
                )
            except (ValueError, TypeError):
                lo, hi = to_seconds(DEFAULT_START), to_seconds(DEFAULT_END)
            self.zone = Zone.load(name, min(lo, hi) - DAY, max(lo, hi) + 2 * DAY)
        self.start, self.end = self.window(DEFAULT_START, DEFAULT_END)
        self.pattern = self.param("pattern")
        self.ordered = bool(self.param("ordered"))
        step = DAY if self.type.base == "date" else 1
        self.start = -(-self.start // step) * step
        self.span = max(1, (self.end - self.start) // step + 1)
        self.step = step
        first_day, last_day = self.local(self.start) // DAY, self.local(self.end) // DAY
        all_days = np.arange(first_day, last_day + 1)
        weekdays = all_days[(all_days + 3) % 7 < 5]  # 1970-01-01 was a Thursday
        self.weekdays = weekdays if len(weekdays) else all_days
        self.all_days = all_days if len(all_days) else np.array([first_day])
        self.hours = rand.alias_table(_DAILY_PEAK)
        if self.zone and not self.zone.fixed and self.ctx.unique and self.type.base == "timestamp":
            self.problem(
                f"a unique timestamp column in time zone {name!r} would repeat the wall-clock "
                "times of the hour that daylight saving time repeats",
                "use timestamptz, or a zone without daylight saving time such as UTC",
            )

    def local(self, utc: int) -> int:
        """Wall-clock seconds in the zone of a UTC instant."""
        if self.zone is None:
            return utc
        return int(self.zone.to_local(np.array([utc], np.int64))[0])

    def window(self, start: Any, end: Any) -> tuple[int, int]:
        try:
            lo = self.instant(self.p.get("start", start))
            hi = self.instant(self.p.get("end", end))
        except (ValueError, TypeError) as e:
            self.problem(f"start/end: {e}", "write dates as 2024-01-31 or 2024-01-31 12:00:00")
            return to_seconds(start), to_seconds(end)
        if _is_bare_date(self.p.get("end")):
            hi += DAY - 1  # a bare end date includes that whole day
        if hi < lo:
            self.problem("end is before start", "swap them")
            hi = lo
        return lo, hi

    def instant(self, value: Any) -> int:
        """Epoch seconds of a start/end: without an offset, a wall-clock time of the zone."""
        secs = to_seconds(value)
        if self.zone is None or not _naive(value):
            return secs
        return int(self.zone.to_utc(np.array([secs], np.int64))[0])

    def depends_on_row_count(self) -> bool:
        return self.ordered

    def seconds(self, block: Block) -> np.ndarray:
        """UTC instants, per row."""
        key, idx = self.ctx.key(), block.idx
        if self.ordered:
            rows = max(self.ctx.table.rows, 1)
            return self.start + (idx.astype(np.int64) * (self.span - 1) // rows) * self.step
        if self.pattern == "uniform":
            return self.start + rand.integers(key, idx, self.span).astype(np.int64) * self.step
        if self.pattern == "business_hours":
            days = self.weekdays[rand.integers(key, idx, len(self.weekdays)).astype(np.int64)]
            secs = 9 * 3600 + rand.integers(key, idx, 9 * 3600, 1).astype(np.int64)
        else:
            days = self.all_days[rand.integers(key, idx, len(self.all_days)).astype(np.int64)]
            hour = rand.weighted(key, idx, self.hours, 1)
            secs = hour * 3600 + rand.integers(key, idx, 3600, 2).astype(np.int64)
        t = days * DAY + (0 if self.type.base == "date" else secs)  # wall-clock time
        if self.zone is not None:
            t = self.zone.to_utc(t)
        return np.clip(t, self.start, self.end)

    def to_text(self, utc: np.ndarray) -> np.ndarray:
        """timestamptz: the instant in UTC; timestamp and date: the zone's wall-clock time."""
        if self.zone is not None and self.type.base != "timestamptz":
            utc = self.zone.to_local(utc)
        return render(utc, self.type.base)

    def generate(self, block: Block) -> np.ndarray:
        return self.to_text(self.seconds(block))

    def domain(self) -> int:
        return self.span

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self.to_text(self.start + k.astype(np.int64) * self.step)


@register("birth_date")
class BirthDate(Timeseries):
    """A date of birth between ``start`` and ``end`` (default 1940 to 2006), for explicit use;
    columns named like a birth date get ``date_of_birth``, which agrees with the row's ``age``."""

    def setup(self) -> None:
        self.p = {"start": "1940-01-01", "end": "2006-12-31", **self.p}
        super().setup()


@register("time")
class Time(Generator, standalone=True):
    """A time of day (``HH:MM:SS``)."""

    types = frozenset({"time"})

    def generate(self, block: Block) -> np.ndarray:
        return self.at(block, rand.integers(self.ctx.key(), block.idx, DAY))

    def domain(self) -> int:
        return DAY

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        m = np.empty((len(k), 8), dtype=np.uint8)
        render_time_of_day(m, 0, k.astype(np.int64))
        return textops.from_matrix(m)


@register("interval")
class Interval(Generator, standalone=True):
    """A duration up to ``max_days`` (default 30), as ``3 days 04:05:06``."""

    params = {"max_days": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 30}}
    types = frozenset({"interval"})

    def domain(self) -> int:
        return (int(self.param("max_days")) + 1) * DAY

    def generate(self, block: Block) -> np.ndarray:
        return self.at(block, rand.integers(self.ctx.key(), block.idx, self.domain()))

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        k = k.astype(np.int64)
        days = textops.ints(k // DAY)
        m = np.empty((len(k), 8), dtype=np.uint8)
        render_time_of_day(m, 0, k % DAY)
        return np.strings.add(np.strings.add(days, b" days "), textops.from_matrix(m))
