"""Every Faker locale makes a people table (or is rejected by validate); ten locales are checked
for names in the locale's order and script, gender agreement, romanised emails and phone shapes."""

from __future__ import annotations

import re
import textwrap
import warnings

import pytest
from dumps import columns, dump

import datagen
from datagen.generators.locales import names
from datagen.generators.words import available_locales

PEOPLE = """\
- {name: first_name, type: text}
- {name: last_name, type: text}
- {name: name, type: text}
- {name: middle_name, type: text}
- {name: gender, type: text}
- {name: email, type: text}
- {name: u_email, type: text, unique: true}
- {name: username, type: varchar(30), unique: true}
- {name: phone, type: text}
- {name: city, type: text}
- {name: display_name, type: text}
- {name: salutation, type: text}
- {name: job_title, type: text}
- {name: bio, type: text}
- {name: avatar_url, type: text}
- {name: locale, type: text}
- {name: timezone, type: text}
- {name: age, type: integer}
- {name: date_of_birth, type: date}
- {name: password_hash, type: char(60)}
"""


def people(locale: str, rows: int = 200) -> dict[str, list[str]]:
    spec = textwrap.dedent(
        f"""\
        version: 1
        name: p
        seed: 3
        locale: {locale}
        tables:
          - name: users
            rows: {rows}
            columns:
        """
    ) + textwrap.indent(PEOPLE, " " * 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fr_QC and friends are deprecated by Faker
        data = columns(dump(datagen.load_spec_text(spec)), "public.users")
    return {k: [v.decode() for v in vs] for k, vs in data.items()}


@pytest.mark.parametrize("locale", available_locales())
def test_every_locale_makes_people(locale):
    got = people(locale)
    assert all(len(v) == 200 for v in got.values())
    for col in ("email", "u_email"):
        assert all(re.fullmatch(r"[a-z][a-z0-9._]*[a-z0-9]@example\.(com|org|net)", e)
                   for e in got[col]), (col, got[col][:5])  # fmt: skip
        assert not any(e.startswith("xx") for e in got[col])
    assert all(re.fullmatch(r"[a-z][a-z0-9._]*", u) for u in got["username"])
    assert len(set(got["u_email"])) == 200 and len(set(got["username"])) == 200
    assert all(sum(c.isdigit() for c in p) >= 6 for p in got["phone"]), got["phone"][:5]


def test_unknown_locale_is_a_validation_problem():
    with pytest.raises(datagen.SpecError, match="unknown locale") as info:
        people("xx_YY", 5)
    assert "locale" in str(info.value)


TEN = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_BR", "ja_JP", "zh_CN", "ru_RU"]
PHONES = {
    "en_US": r"(\+1-|001-)?\(?\d{3}\)?[-.]?\d{3}[-.]\d{4}(x\d+)?|\d{10}(x\d+)?",
    "en_GB": r"(\+44\s?(\(0\))?|0|\(0)[\d ()]{8,13}",
    "de_DE": r"(\+49\s?(\(0\))?\s?|0|\(0)[\d /()-]{6,14}",
    "fr_FR": r"(\+33 (\(0\))?|0)\d( ?\d\d){4}",
    "es_ES": r"(\+34 ?)?[6-9]\d\d( ?\d){6}",
    "it_IT": r"(\+39 )?\d{6,11}",
    "pt_BR": r"(\+55 )?(\(?0?\d\d\)? )?\d{4,5}[ -]?\d{4}|0[3589]00[ -]?\d{3}[ -]?\d{4}",
    "ja_JP": r"0?\d{1,3}-\d{2,4}-\d{4}",  # Faker's ##-####-#### has no leading 0
    "zh_CN": r"1\d{10}",
    "ru_RU": r"(\+7|8) ?\(?\d{3}\)? ?\d{3}[ -]?\d\d[ -]?\d\d",
}
FAMILY_FIRST = {"ja_JP": " ", "zh_CN": ""}
SCRIPT = {"ja_JP": r"[\u3040-\u30ff\u4e00-\u9fff々]+", "zh_CN": r"[\u4e00-\u9fff]+",
          "ru_RU": r"[А-Яа-яЁё-]+"}  # fmt: skip


@pytest.mark.parametrize("locale", TEN)
def test_ten_locales(locale):
    got = people(locale, 1000)
    rows = list(zip(got["first_name"], got["last_name"], got["name"], strict=True))
    joiner = FAMILY_FIRST.get(locale)
    for first, last, full in rows:
        assert full == (f"{last}{joiner}{first}" if joiner is not None else f"{first} {last}")
        if locale in SCRIPT:
            assert re.fullmatch(SCRIPT[locale], first) and re.fullmatch(SCRIPT[locale], last)
    # the email's local part is the romanised names of its own row
    people_ = names(locale)
    rom: dict[str, set[str]] = {}  # zh_CN: a hanzi name may have a romanisation per gender
    for pool in (people_.first, people_.last):
        for word, ascii in zip(pool.words.tolist(), pool.ascii.tolist(), strict=True):
            rom.setdefault(word.decode(), set()).add(ascii.decode())
    for first, last, email in zip(got["first_name"], got["last_name"], got["email"], strict=True):
        local = email.split("@")[0]
        assert local.isascii()
        assert any(local.startswith(f[0]) for f in rom[first])
        assert any(f in local for f in rom[first]) or any(la in local for la in rom[last])
    assert all(re.fullmatch(PHONES[locale], p) for p in got["phone"]), [
        p for p in got["phone"] if not re.fullmatch(PHONES[locale], p)
    ][:5]


def test_russian_surnames_agree_with_the_first_name():
    got = people("ru_RU", 2000)
    ru = names("ru_RU")
    female_first = set(ru.first.words[: ru.first_male_at].tolist())
    for first, last, middle, gender in zip(
        got["first_name"], got["last_name"], got["middle_name"], got["gender"], strict=True
    ):
        female = first.encode() in female_first
        assert last.endswith(("а", "я")) == female or not last.endswith(("ов", "ова", "ин", "ина"))
        assert middle.endswith("на") == female  # patronymics: -овна/-евна/-ична
        if gender != "non-binary":
            assert (gender == "female") == female


def test_hungarian_and_korean_put_the_family_name_first():
    for locale, joiner in (("hu_HU", " "), ("ko_KR", "")):
        got = people(locale, 50)
        rows = zip(got["first_name"], got["last_name"], got["name"], strict=True)
        assert all(n == f"{la}{joiner}{f}" for f, la, n in rows)
