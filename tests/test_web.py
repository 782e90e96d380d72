"""Web, event and free-text generators: believable values over 10,000 rows, detection by name."""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from dumps import table

from datagen.generators import semantic_match
from datagen.generators.web import web

ROWS = 10000
COLUMNS = """
- {name: id, type: bigserial, primary_key: true}
- {name: summary, type: text}
- {name: description, type: text}
- {name: title, type: text}
- {name: slug, type: text, unique: true}
- {name: tags, type: "text[]", params: {length: [2, 5]}}
- {name: keywords, type: text}
- {name: url, type: text}
- {name: path, type: text}
- {name: referrer, type: text}
- {name: user_agent, type: text}
- {name: browser, type: text}
- {name: os, type: text}
- {name: device_type, type: text}
- {name: event_type, type: text}
- {name: http_method, type: text}
- {name: status_code, type: integer}
- {name: utm_source, type: text}
- {name: session_id, type: text}
- {name: ipv6, type: inet}
- {name: duration_ms, type: integer}
- {name: duration_seconds, type: "numeric(10,2)"}
- {name: duration, type: smallint}
- {name: latency, type: integer}
- {name: properties, type: jsonb}
- {name: metadata, type: text}
- {name: file_name, type: text}
- {name: mime_type, type: text}
- {name: file_size, type: bigint}
"""
RESERVED = re.compile(r"(^|\.)example(\.(com|org|net))?\Z")


@pytest.fixture(scope="module")
def got():
    return table(COLUMNS, rows=ROWS)


def test_sentences_read_like_sentences(got):
    for name in ("summary", "description"):
        values = got[name]
        assert all(
            re.fullmatch(r"[A-Z][a-z]+( [a-z-]+)*[.]( [A-Z][a-z]+( [a-z-]+)*[.])*", v)
            for v in values
        )
        assert len(set(values)) > 0.95 * ROWS
    counts = Counter(v.count(".") for v in got["description"])
    assert set(counts) == {2, 3, 4, 5}
    assert all(3 <= len(v.split()) <= 16 for v in got["summary"])


def test_titles_are_short_capitalised_phrases(got):
    for v in got["title"]:
        assert v[0].isupper() and not v.endswith(".") and 3 <= len(v.split()) <= 7, v


def test_slugs_are_unique_lowercase_words(got):
    slugs = got["slug"]
    assert len(set(slugs)) == ROWS
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+-[0-9]+", s) for s in slugs)


def test_tags_are_short_lowercase_words(got):
    arrays = [v.strip("{}").split(",") for v in got["tags"]]
    assert all(2 <= len(a) <= 5 and len(set(a)) == len(a) for a in arrays)  # distinct per row
    words = [t for a in arrays for t in a] + [t for v in got["keywords"] for t in v.split(", ")]
    assert all(re.fullmatch(r"[a-z]{2,13}", t) for t in words)
    assert {len(v.split(", ")) for v in got["keywords"]} == {1, 2, 3, 4}


def test_urls_parse_and_use_reserved_domains(got):
    for v in got["url"]:
        parts = urlsplit(v)
        assert parts.scheme == "https" and RESERVED.search(parts.hostname), v
        assert parts.path.startswith("/") and " " not in v
    assert len({urlsplit(v).path for v in got["url"]}) > 1000
    assert all(v.startswith("/") and " " not in v for v in got["path"])
    assert any(v.startswith("/api/v1/") for v in got["path"])


def test_referrers_are_urls_and_some_null(got):
    refs = got["referrer"]
    nulls = sum(v == "\\N" for v in refs)
    assert 0.25 * ROWS < nulls < 0.35 * ROWS  # a detected nullable column: 30% direct visits
    for v in refs:
        if v != "\\N":
            assert urlsplit(v).scheme in ("https", "android-app") and urlsplit(v).netloc, v


def test_user_agent_browser_os_and_device_agree(got):
    for ua, browser, os_, device in zip(
        got["user_agent"], got["browser"], got["os"], got["device_type"], strict=True
    ):
        assert ua.startswith("Mozilla/5.0 (") and ("AppleWebKit/" in ua or "Gecko/" in ua)
        assert {
            "Chrome": "Chrome/",
            "Safari": "Safari/",
            "Firefox": "Firefox/",
            "Edge": "Edg/",
        }.get(browser, "") in ua or (browser == "Chrome" and "CriOS/" in ua)
        assert {"iOS": ("iPhone", "iPad"), "Android": ("Android",), "Windows": ("Windows",)}.get(
            os_, (os_ if os_ != "macOS" else "Macintosh",)
        )[0] in ua or (os_ == "iOS" and "iPad" in ua)
        assert device in ("desktop", "mobile", "tablet")
    shares = Counter(got["browser"])
    assert shares.most_common(1)[0][0] == "Chrome" and shares["Safari"] > shares["Firefox"]
    assert len(set(got["user_agent"])) > 40


def test_vocabularies(got):
    events = Counter(got["event_type"])
    assert set(events) <= set(web()["event_type"])
    assert events.most_common(1)[0][0] == "page_view" and events["page_view"] > 0.35 * ROWS
    assert set(got["http_method"]) <= {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
    codes = Counter(int(v) for v in got["status_code"])
    assert codes.most_common(1)[0][0] == 200 and all(100 <= c < 600 for c in codes)
    assert set(got["utm_source"]) <= set(web()["utm_source"])


def test_session_ids_and_ipv6(got):
    assert all(re.fullmatch(r"[0-9a-f]{32}", v) for v in got["session_id"])
    assert len(set(got["session_id"])) == ROWS
    import ipaddress

    for v in got["ipv6"]:
        addr = ipaddress.IPv6Address(v)
        assert (addr.is_global and str(addr) == v) or "::" in str(addr)


def test_durations_fit_their_names(got):
    ms = [int(v) for v in got["duration_ms"]]
    assert min(ms) >= 50 and max(ms) <= 30000 and 300 < sorted(ms)[ROWS // 2] < 1200
    secs = [float(v) for v in got["duration_seconds"]]
    assert (
        min(secs) >= 1
        and max(secs) <= 3600
        and all(re.fullmatch(r"\d+\.\d\d", v) for v in got["duration_seconds"])
    )
    plain = [int(v) for v in got["duration"]]
    assert min(plain) >= 1 and max(plain) <= 3600
    assert min(int(v) for v in got["latency"]) >= 50


def test_properties_are_valid_json_with_varied_keys(got):
    key_sets = Counter()
    for name in ("properties", "metadata"):
        for v in got[name]:
            obj = json.loads(v)
            assert isinstance(obj, dict) and 1 <= len(obj) <= 4
            key_sets[frozenset(obj)] += 1
    assert len(key_sets) > 200 and key_sets.most_common(1)[0][1] < 0.05 * 2 * ROWS


def test_files_agree_with_their_mime_type(got):
    ext = {e: m for e, m, *_ in web()["files"]}
    for name, mime, size in zip(got["file_name"], got["mime_type"], got["file_size"], strict=True):
        assert re.fullmatch(r"[a-z]+-20\d\d-\d{4}\.[a-z0-9]+", name)
        assert ext[name.rsplit(".", 1)[1]] == mime and int(size) >= 1
    photos = sorted(
        int(s) for s, m in zip(got["file_size"], got["mime_type"], strict=True) if m == "image/jpeg"
    )
    texts = sorted(
        int(s) for s, m in zip(got["file_size"], got["mime_type"], strict=True) if m == "text/plain"
    )
    assert photos[len(photos) // 2] > 20 * texts[len(texts) // 2]


def test_values_are_deterministic(got):
    again = table(COLUMNS, rows=ROWS)
    assert again == got


def test_other_locales_fall_back_to_their_lorem_words():
    de = table("- {name: note, type: text}\n- {name: slug, type: text}", 300, locale="de_DE")
    ja = table("- {name: note, type: text}\n- {name: slug, type: text}", 300, locale="ja_JP")
    assert all(v[0].isupper() and v.endswith(".") for v in de["note"])
    assert all(v.endswith("。") and " " not in v for v in ja["note"])
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", s) for s in de["slug"] + ja["slug"])


def test_short_columns_are_refused_rather_than_cut():
    from test_generators import problems

    assert "varchar(39)" in problems("- {name: ipv6, type: varchar(20)}")
    assert "at least 20 characters" in problems("- {name: url, type: varchar(10)}")
    assert "objects of up to" in problems("- {name: properties, type: varchar(30)}")
    got = table("- {name: url, type: varchar(30)}\n- {name: event_type, type: varchar(5)}", 2000)
    assert all(len(v) <= 30 and urlsplit(v).hostname for v in got["url"])
    assert set(got["event_type"]) <= {"click", "login", "share", "error", "scroll", "search"}


@pytest.mark.parametrize(
    ("column", "base", "table_name", "want"),
    [
        ("description", "text", "t", "paragraph"),
        ("productDescription", "varchar", "t", "paragraph"),
        ("comments", "text", "t", "sentence"),
        ("summary", "varchar", "t", "sentence"),
        ("headline", "text", "t", "title"),
        ("slug", "text", "t", "slug"),
        ("tags", "text", "t", "tags"),
        ("keywords", "text", "t", "tags"),
        ("homepage_url", "text", "t", "website"),
        ("callbackUrl", "varchar", "t", "url"),
        ("referer", "text", "t", "referrer"),
        ("user_agent", "text", "t", "user_agent"),
        ("device_type", "text", "t", "device_type"),
        ("operating_system", "text", "t", "os"),
        ("event_name", "text", "t", "event_type"),
        ("action", "text", "audit_log", "event_type"),
        ("method", "text", "request_logs", "http_method"),
        ("status_code", "smallint", "t", "status_code"),
        ("http_status", "text", "t", "status_code"),
        ("session_id", "text", "t", "session_id"),
        ("ipv6", "inet", "t", "ipv6"),
        ("ip", "text", "t", "ipv4"),
        ("ip_address", "varchar", "t", "ipv4"),
        ("client_ip", "inet", "t", "ipv4"),
        ("duration_ms", "integer", "t", "duration"),
        ("response_time_ms", "bigint", "t", "duration"),
        ("properties", "jsonb", "t", "properties"),
        ("extra", "json", "t", "properties"),
        ("payload", "text", "t", "properties"),
        ("filename", "text", "t", "file_name"),
        ("name", "text", "attachments", "file_name"),
        ("content_type", "text", "t", "mime_type"),
        ("size", "bigint", "uploads", "file_size"),
        ("utm_campaign", "text", "t", "utm_campaign"),
        # names that must not match
        ("event_id", "bigint", "t", None),
        ("url_count", "integer", "t", "count"),
        ("description", "integer", "t", None),
        ("session_count", "integer", "t", "count"),
        ("is_active", "boolean", "t", None),
        ("session_id", "uuid", "t", None),
        ("duration", "interval", "t", None),
        ("extra", "text", "t", None),
        ("method", "text", "payments_made", "payment_method"),
        ("size", "integer", "shirts", None),
        ("status_code", "boolean", "t", None),
        ("properties_count", "integer", "t", "count"),
        ("tag_id", "bigint", "t", None),
    ],
)
def test_detection(column, base, table_name, want):
    found = semantic_match(column, base, table_name)
    assert (found[0] if found else None) == want
