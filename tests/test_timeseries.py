"""``timeseries`` in a time zone: business hours and daily peaks are local, DST included;
timestamptz is the instant in UTC, timestamp and date the zone's wall clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter

import pytest
import yaml
from dumps import columns, dump

import datagen
from datagen.errors import SpecError

UTC = dt.timezone.utc


def spec(cols: list[dict], rows: int) -> str:
    doc = {"version": 1, "name": "ts", "seed": 11}
    return yaml.safe_dump({**doc, "tables": [{"name": "t", "rows": rows, "columns": cols}]})


def ts(name: str, ty: str, **params) -> dict:
    return {"name": name, "type": ty, "generator": "timeseries", "params": params}


def values(cols: list[dict], rows: int = 10_000) -> dict[str, list[str]]:
    data = columns(dump(datagen.load_spec_text(spec(cols, rows))), "public.t")
    return {k: [v.decode() for v in vs] for k, vs in data.items()}


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("+00", "+00:00"))


# windows spanning both DST changes of each zone's year (Tokyo has none: a fixed offset)
@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo", "Europe/London"])
def test_business_hours_are_weekdays_9_to_18_in_the_zone(zone):
    tz = zoneinfo.ZoneInfo(zone)
    window = {"start": "2024-01-01", "end": "2024-12-31", "pattern": "business_hours"}
    got = values(
        [
            ts("at", "timestamptz", **window, timezone=zone),
            ts("wall", "timestamp", **window, timezone=zone),
        ]
    )
    offsets = Counter()
    for text in got["at"]:
        assert text.endswith("+00")
        local = instant(text).astimezone(tz)
        assert local.weekday() < 5 and 9 <= local.hour < 18, (text, local)
        assert dt.date(2024, 1, 1) <= local.date() <= dt.date(2024, 12, 31)
        offsets[local.utcoffset()] += 1
    if zone != "Asia/Tokyo":
        assert len(offsets) == 2 and min(offsets.values()) > 2000  # both sides of DST
    for text in got["wall"]:  # timestamp: the wall-clock time itself
        wall = dt.datetime.fromisoformat(text)
        assert wall.weekday() < 5 and 9 <= wall.hour < 18


def test_timestamptz_is_the_instant_and_timestamp_the_local_wall_time():
    window = {"start": "2024-03-01", "end": "2024-11-30", "timezone": "America/New_York"}
    tz = zoneinfo.ZoneInfo("America/New_York")
    for pattern in ("uniform", "business_hours"):
        # the same column name draws the same moments: only the written form differs
        aware = values([ts("x", "timestamptz", **window, pattern=pattern)], 2000)["x"]
        wall = values([ts("x", "timestamp", **window, pattern=pattern)], 2000)["x"]
        for a, w in zip(aware, wall, strict=True):
            local = instant(a).astimezone(tz).replace(tzinfo=None)
            assert local == dt.datetime.fromisoformat(w)
            assert dt.datetime(2024, 3, 1) <= local <= dt.datetime(2024, 11, 30, 23, 59, 59)


def test_daily_peak_is_in_local_time():
    got = values(
        [
            ts(
                "p",
                "timestamptz",
                start="2024-01-01",
                end="2024-06-30",
                pattern="daily_peak",
                timezone="Asia/Tokyo",
            )
        ]
    )
    tz = zoneinfo.ZoneInfo("Asia/Tokyo")
    hours = Counter(instant(v).astimezone(tz).hour for v in got["p"])
    assert hours[19] > 5 * hours[3] and hours[12] > 3 * hours[4]


def test_dates_are_local_days():
    got = values(
        [
            ts(
                "d",
                "date",
                start="2024-01-01",
                end="2024-01-31",
                pattern="business_hours",
                timezone="Pacific/Auckland",
            )
        ],
        2000,
    )
    days = {dt.date.fromisoformat(v) for v in got["d"]}
    assert all(d.weekday() < 5 and dt.date(2024, 1, 1) <= d <= dt.date(2024, 1, 31) for d in days)


def test_without_a_timezone_or_with_utc_nothing_changes():
    window = {"start": "2024-01-01", "end": "2024-12-31", "pattern": "business_hours"}
    plain = values([ts("x", "timestamptz", **window)], 3000)["x"]
    assert values([ts("x", "timestamptz", **window, timezone="UTC")], 3000)["x"] == plain
    for text in plain:
        moment = instant(text)
        assert moment.weekday() < 5 and 9 <= moment.hour < 18


def test_start_and_end_without_offset_are_the_zones_wall_clock():
    got = values(
        [
            ts(
                "x",
                "timestamptz",
                start="2024-07-01 09:00:00",
                end="2024-07-01 10:00:00",
                timezone="Europe/Berlin",
            )
        ],
        500,
    )
    for text in got["x"]:
        assert "07:00:00+00" <= text[11:] <= "08:00:00+00"  # CEST is UTC+2


def problems(cols: list[dict]) -> str:
    with pytest.raises(SpecError) as info:
        values(cols, 10)
    return str(info.value)


def test_unknown_zones_are_refused_with_a_suggestion():
    text = problems([ts("x", "timestamptz", timezone="America/New_Yrok")])
    assert "unknown time zone 'America/New_Yrok'" in text and "America/New_York" in text
    assert "unknown time zone" in problems([ts("x", "timestamptz", timezone="Mars/Olympus")])


def test_unique_wall_clock_timestamps_in_a_dst_zone_are_refused():
    col = ts("x", "timestamp", timezone="Europe/Paris")
    assert "would repeat the wall-clock times" in problems([{**col, "unique": True}])
    got = values([{**ts("x", "timestamptz", timezone="Europe/Paris"), "unique": True}], 5000)
    assert len(set(got["x"])) == 5000
