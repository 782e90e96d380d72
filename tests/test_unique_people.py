"""A unique email column's rows are distinct people: addresses spell the row's own names and
carry a number only past six copies of a name pair (datagen/generators/name_slots.py)."""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pytest
from dumps import columns, dump
from dumps import table as dumps_table

import datagen
from datagen.generators.name_slots import name_slots


def users(rows: int, email_type: str = "varchar(255)", locale: str = "en_US") -> dict:
    spec = textwrap.dedent(
        f"""\
        version: 1
        name: people
        seed: 9
        locale: {locale}
        tables:
          - name: users
            rows: {rows}
            columns:
              - {{name: id, type: bigserial, primary_key: true}}
              - {{name: first_name, type: text}}
              - {{name: last_name, type: text}}
              - {{name: email, type: "{email_type}", unique: true}}
              - {{name: email2, type: text}}
        """
    )
    got = columns(dump(datagen.load_spec_text(spec)), "public.users")
    return {k: [v.decode() for v in vs] for k, vs in got.items()}


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "ru_RU", "fr_FR"])
def test_distinct_people_few_numbers(locale):
    got = users(20_000, locale=locale)
    emails = got["email"]
    assert len(set(emails)) == len(emails)
    numbered = sum(bool(re.search(r"\d", e.split("@")[0])) for e in emails)
    assert numbered < 0.15 * len(emails)
    assert all(re.fullmatch(r"[a-z]+[._][a-z]+\d*@example\.(com|org|net)", e) for e in emails)


def test_addresses_spell_the_rows_names():
    got = users(5000)
    for first, last, email, backup in zip(
        got["first_name"], got["last_name"], got["email"], got["email2"], strict=True
    ):
        local = re.sub(r"\d+$", "", email.split("@")[0])
        assert re.split(r"[._]", local) == [first.lower(), last.lower()]
        assert last.lower()[:2] in backup or first.lower()[:2] in backup  # the same person


def test_short_unique_columns_stay_unique_and_keep_the_domain():
    got = users(20_000, "varchar(24)")
    emails = got["email"]
    assert len(set(emails)) == len(emails)
    assert all(len(e) <= 24 and re.search(r"@example\.(com|org|net)$", e) for e in emails)


def test_positions_decode_into_distinct_addresses():
    """The decoding itself is injective over a large sample of the domain."""
    slots = name_slots("en_US")
    k = np.random.default_rng(3).choice(slots.domain, 200_000, replace=False)
    first, last, _, copy = slots.decode(k)
    seen = set(zip(first.tolist(), last.tolist(), copy.tolist(), strict=True))
    assert len(seen) == len(k)


def test_a_locale_with_few_names_numbers_its_addresses():
    """ja_JP has 51 x 49 name slots: 20,000 people do not fit, so addresses carry numbers."""
    emails = users(20_000, locale="ja_JP")["email"]
    assert len(set(emails)) == len(emails)


def test_same_bytes_whatever_the_chunking():
    spec = textwrap.dedent(
        """\
        version: 1
        name: chunks
        tables:
          - name: users
            rows: 3000
            columns:
              - {name: first_name, type: text}
              - {name: email, type: text, unique: true}
        """
    )
    ds = datagen.load_spec_text(spec)
    from datagen.plan import compile_dataset, generate_chunk

    plan = compile_dataset(ds).table_plan("public.users")
    whole = generate_chunk(plan, 0, 3000)
    parts = [generate_chunk(plan, a, b) for a, b in ((0, 1000), (1000, 2200), (2200, 3000))]
    for i in range(2):
        joined = np.concatenate([p[i].text for p in parts])
        assert joined.tolist() == whole[i].text.tolist()


def test_two_unique_emails_of_one_group_stay_distinct():
    """Only one of a group's unique email columns spells its people; the others number their
    addresses (they share the people, not the positions)."""
    got = dumps_table(
        """
        - {name: email, type: text, unique: true}
        - {name: email2, type: text, unique: true}
        - {name: alt, type: text, unique: true, generator: email}
        - {name: work_email, type: text, unique: true}
        """,
        30_000,
    )
    for col in ("email", "email2", "alt", "work_email"):
        assert len(set(got[col])) == 30_000, col
    numbered = sum(bool(re.search(r"\d", e.split("@")[0])) for e in got["email"])
    assert numbered < 0.15 * 30_000  # the column named for it spells the people
