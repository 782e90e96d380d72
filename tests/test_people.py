"""Person generators: each value's shape over 10,000 rows, agreement within a row (age and date of
birth, gender and first name, names in full/display names, emails and usernames), detection by
column name (and names that must not match), uniqueness and determinism."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from dumps import table
from test_generators import problems

from datagen.generators import semantic_match
from datagen.generators.locales import names
from datagen.generators.people_data import WORLD, ZONES

COLUMNS = """
- {name: first_name, type: text}
- {name: last_name, type: text}
- {name: full_name, type: text}
- {name: middle_name, type: text}
- {name: gender, type: text}
- {name: sex, type: char(1)}
- {name: age, type: integer}
- {name: date_of_birth, type: date}
- {name: email, type: text}
- {name: username, type: text}
- {name: password_hash, type: varchar(60)}
- {name: display_name, type: text}
- {name: salutation, type: text}
- {name: job_title, type: text}
- {name: city, type: text}
- {name: bio, type: text}
- {name: avatar_url, type: text}
- {name: locale, type: text}
- {name: timezone, type: text}
"""
N = 10_000


@pytest.fixture(scope="module")
def got():
    return table(COLUMNS, N)


def rows(got, *cols):
    return zip(*(got[c] for c in cols), strict=True)


def test_shapes(got):
    assert all(re.fullmatch(r"\$2b\$12\$[./A-Za-z0-9]{53}", h) for h in got["password_hash"])
    assert set(got["gender"]) == {"female", "male", "non-binary"}
    assert 0.005 < got["gender"].count("non-binary") / N < 0.04
    assert set(got["sex"]) == {"F", "M", "X"}
    ages = [int(a) for a in got["age"]]
    assert min(ages) == 18 and max(ages) == 90 and 40 < sum(ages) / N < 55
    assert sum(a > 80 for a in ages) < sum(a < 30 for a in ages) / 2
    assert all(re.fullmatch(r"[a-z]+([._]?[a-z]+)?[0-9]*", u) for u in got["username"])
    assert all(re.fullmatch(r"https://example\.com/avatars/[a-z]+\.[a-z]+(-\d+)?\.png", a)
               for a in got["avatar_url"])  # fmt: skip
    assert Counter(got["locale"]).most_common(1)[0][0] == "en-US"
    assert all(re.fullmatch(r"[a-z]{2}-[A-Z]{2}", v) for v in got["locale"])
    us = sum(z in ZONES["US"] for z in got["timezone"])
    assert us > 0.7 * N and all(z in ZONES["US"] or z in WORLD for z in got["timezone"])
    assert all(re.fullmatch(r"[A-Z][^.]+\.( [A-Z][a-z ]+\.)?", b) for b in got["bio"])
    jobs = {j.decode() for j in __import__("datagen.generators.people", fromlist=["jobs"]).jobs(
        "en_US").words.tolist()}  # fmt: skip
    assert set(got["job_title"]) <= jobs and len(set(got["job_title"])) > 300
    assert {"Mr.", "Ms.", "Mx.", "Dr."} <= set(got["salutation"])


def test_emails_carry_few_digits(got):
    digits = sum(bool(re.search(r"\d", e)) for e in got["email"])
    assert 0.05 * N < digits <= 0.2 * N
    assert all(re.fullmatch(r"[a-z][a-z._]*[0-9]*@example\.(com|org|net)", e) for e in got["email"])


def test_age_agrees_with_date_of_birth(got):
    for age, born in rows(got, "age", "date_of_birth"):
        d = dt.date.fromisoformat(born)
        assert int(age) == 2025 - d.year - ((d.month, d.day) > (12, 31))


def test_gender_agrees_with_first_name(got):
    us = names("en_US")
    female = set(us.first.words[: us.first_male_at].tolist())
    male = set(us.first.words[us.first_male_at :].tolist())
    for first, gender, sex, prefix in rows(got, "first_name", "gender", "sex", "salutation"):
        f = first.encode()
        if gender == "female":
            assert f in female and sex == "F" and prefix in ("Mrs.", "Ms.", "Miss", "Dr.")
        elif gender == "male":
            assert f in male and sex == "M" and prefix in ("Mr.", "Dr.")
        else:
            assert sex == "X" and prefix in ("Mx.", "Ind.", "Misc.", "Dr.")


def test_names_agree_within_a_row(got):
    for first, last, full, display in rows(got, "first_name", "last_name", "full_name",
                                           "display_name"):  # fmt: skip
        assert full == f"{first} {last}"
        assert display in (first, full, f"{first} {last[0]}.")
    for first, last, user, avatar in rows(got, "first_name", "last_name", "username",
                                          "avatar_url"):  # fmt: skip
        f, la = first.lower(), last.lower()
        assert user[0] == f[0] and (f in user or la.replace(" ", "") in user.replace(".", ""))
        assert f"/{re.sub('[^a-z]', '', f)}.{re.sub('[^a-z]', '', la)}" in avatar
    for job, city, bio in rows(got, "job_title", "city", "bio"):
        assert bio.startswith(job) and (
            city in bio or bio.startswith(f"{job}. ") or bio == f"{job}."
        )


def test_unique_emails_and_usernames_mostly_without_a_number_at_the_end():
    got = table(
        """
        - {name: email, type: text, unique: true}
        - {name: username, type: varchar(24), unique: true}
        - {name: login, type: varchar(12), unique: true}
        - {name: contact_email, type: varchar(24), unique: true}
        - {name: password, type: char(60), unique: true}
        """,
        5000,
    )
    for col, values in got.items():
        assert len(set(values)) == len(values), col
    assert all(len(v) <= 12 for v in got["login"]) and all(
        len(v) <= 24 for v in got["contact_email"]
    )
    for col in ("email", "contact_email"):
        assert all(re.fullmatch(r"[a-z][a-z0-9._]*@example\.(com|org|net)", e) for e in got[col])
    # the disambiguator is a name form first: never a bare number
    assert all(re.match(r"[a-z]", v) for col in got if col != "password" for v in got[col])
    assert all(re.fullmatch(r"\$2b\$12\$[./A-Za-z0-9]{53}", h) for h in got["password"])
    local = [e.split("@")[0] for e in got["email"]]
    # distinct people (name_slots.py): first.last or first_last, numbered past six copies
    forms = Counter(re.sub(r"[a-z]+", "a", re.sub(r"[0-9]", "", v)) for v in local)
    assert set(forms) == {"a.a", "a_a"}
    assert sum(not v[-1].isdigit() for v in local) > 0.85 * 5000
    assert max(len(re.sub(r"[^0-9]", "", v)) for v in local) <= 2


def test_short_columns():
    got = table(
        """
        - {name: email, type: varchar(16)}
        - {name: gender, type: varchar(6)}
        - {name: username, type: varchar(6)}
        """,
        2000,
    )
    assert all(len(e) <= 16 and re.fullmatch(r"[a-z._]+@example\.(com|org|net)", e)
               for e in got["email"])  # fmt: skip
    assert set(got["gender"]) == {"female", "male", "other"}
    assert all(1 <= len(u) <= 6 for u in got["username"])
    assert "bcrypt hash has 60 characters" in problems("- {name: password_hash, type: varchar(40)}")
    assert "at least 13" in problems("- {name: email, type: varchar(12)}")
    assert "at least 15" in problems("- {name: email, type: varchar(14), unique: true}")
    assert "cannot make unique" in problems("- {name: age, type: integer, unique: true}")


def test_determinism():
    assert table(COLUMNS, 500) == table(COLUMNS, 500)
    # a row's values do not depend on the number of rows
    small, big = table(COLUMNS, 300), table(COLUMNS, 700)
    assert all(big[c][:300] == small[c] for c in small)


@pytest.mark.parametrize(
    ("column", "base", "tbl", "want"),
    [
        ("username", "text", "t", ("username", "")),
        ("user_name", "varchar", "t", ("username", "")),
        ("login", "text", "t", ("username", "")),
        ("screenName", "text", "t", ("username", "")),
        ("login_count", "integer", "t", ("count", "login")),
        ("last_login", "timestamptz", "t", ("last_seen_at", "")),
        ("password_hash", "text", "t", ("password_hash", "")),
        ("encrypted_password", "varchar", "t", ("password_hash", "")),
        ("password", "text", "t", ("password_hash", "")),
        ("password_reset_token", "text", "t", None),
        ("gender", "text", "t", ("gender", "")),
        ("sex", "char", "t", ("gender", "")),
        ("gender_id", "integer", "t", None),
        ("age", "integer", "t", ("age", "")),
        ("age", "text", "t", None),
        ("date_of_birth", "date", "t", ("date_of_birth", "")),
        ("birthDate", "date", "t", ("date_of_birth", "")),
        ("dob", "timestamp", "t", ("date_of_birth", "")),
        ("display_name", "text", "t", ("display_name", "")),
        ("middle_name", "text", "t", ("middle_name", "")),
        ("salutation", "text", "t", ("name_prefix", "")),
        ("job_title", "text", "t", ("job_title", "")),
        ("occupation", "varchar", "t", ("job_title", "")),
        ("position", "text", "employees", ("job_title", "")),
        ("position", "integer", "t", None),
        ("title", "text", "employees", ("job_title", "")),
        ("title", "text", "products", ("product_name", "")),
        ("bio", "text", "t", ("bio", "")),
        ("about_me", "text", "t", ("bio", "")),
        ("avatar_url", "text", "t", ("avatar_url", "")),
        ("profilePicture", "text", "t", ("avatar_url", "")),
        ("locale", "text", "t", ("locale", "")),
        ("timezone", "text", "t", ("timezone", "")),
        ("time_zone", "varchar", "t", ("timezone", "")),
        ("timezone_offset", "integer", "t", None),
        ("billing_email", "text", "t", ("email", "billing")),
    ],
)
def test_detection(column, base, tbl, want):
    assert semantic_match(column, base, tbl) == want
