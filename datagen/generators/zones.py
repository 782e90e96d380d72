"""Time zones for ``timeseries``: UTC offsets of an IANA zone over a window, as numpy lookups.

A :class:`Zone` lists the instants where the zone's UTC offset changes within a window (found once
with :mod:`zoneinfo`), so converting millions of instants between UTC and wall-clock time is one
``searchsorted``. Nothing depends on the host's zone or clock: only on the tz database that Python
(or the ``tzdata`` package) ships.

Example:
    >>> z = Zone.load("Europe/Paris", 1711843200 - 86400, 1711843200 + 86400)  # 2024-03-31
    >>> [int(o) // 3600 for o in z.offset(np.array([1711843200, 1711843200 + 6 * 3600]))]
    [1, 2]
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache

import numpy as np

from ..errors import suggest

DAY = 86400


@cache
def zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_problem(name: str) -> tuple[str, str | None] | None:
    """(message, hint) when ``name`` is not an IANA zone, else None."""
    try:
        zoneinfo.ZoneInfo(name)
        return None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        hint = suggest(name, sorted(zone_names())) or "use an IANA name such as Europe/Berlin"
        return f"unknown time zone {name!r}", hint


class Zone:
    """A zone's UTC offsets (seconds east of UTC) between two instants."""

    def __init__(self, starts: np.ndarray, offsets: np.ndarray) -> None:
        self.starts, self.offsets = starts, offsets  # offsets[i] holds from starts[i] on

    @classmethod
    def load(cls, name: str, lo: int, hi: int) -> Zone:
        """The offsets of zone ``name`` from ``lo`` to ``hi`` (epoch seconds, with a margin)."""
        tz = zoneinfo.ZoneInfo(name)

        def off(t: int) -> int:
            moment = dt.datetime.fromtimestamp(t, dt.timezone.utc).astimezone(tz)
            return int(moment.utcoffset().total_seconds())  # type: ignore[union-attr]

        t = max(lo - 2 * DAY, -(2**37))
        end = min(hi + 2 * DAY, 2**37)
        starts, offsets = [t], [off(t)]
        while t < end:  # day by day; a change inside a day is found by bisection
            nxt = min(t + DAY, end)
            if off(nxt) != offsets[-1]:
                a, b = t, nxt
                while b - a > 1:
                    mid = (a + b) // 2
                    a, b = (mid, b) if off(mid) == offsets[-1] else (a, mid)
                starts.append(b)
                offsets.append(off(b))
            t = nxt
        return cls(np.array(starts, np.int64), np.array(offsets, np.int64))

    @property
    def fixed(self) -> bool:
        """Whether the offset never changes in the window."""
        return len(self.offsets) == 1

    def offset(self, utc: np.ndarray) -> np.ndarray:
        """The offset in force at each UTC instant."""
        i = np.searchsorted(self.starts, utc, side="right") - 1
        return self.offsets[np.clip(i, 0, len(self.offsets) - 1)]

    def to_local(self, utc: np.ndarray) -> np.ndarray:
        """Wall-clock seconds (as if UTC) of UTC instants."""
        return utc + self.offset(utc)

    def to_utc(self, local: np.ndarray) -> np.ndarray:
        """The UTC instant of wall-clock times (exact except in the hour a DST change skips or
        repeats)."""
        guess = local - self.offset(local)
        return local - self.offset(guess)
