"""``weighted_enum`` frequencies follow the weights; ``template`` fields name columns or
generators, keep literal braces, share the row's latent person and fit varchar(n) cleanly."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from dumps import columns, dump

import datagen
from datagen.errors import SpecError


def values(cols: list[dict], rows: int = 2000) -> dict[str, list[str]]:
    doc = {"version": 1, "name": "tpl", "seed": 21}
    text = yaml.safe_dump({**doc, "tables": [{"name": "t", "rows": rows, "columns": cols}]})
    data = columns(dump(datagen.load_spec_text(text)), "public.t")
    return {k: [v.decode() for v in vs] for k, vs in data.items()}


def tpl(name: str, template: str, ty: str = "text") -> dict:
    return {"name": name, "type": ty, "generator": "template", "params": {"template": template}}


WEIGHTS = [
    {"free": 70, "pro": 25, "enterprise": 5},
    {"a": 1, "b": 1, "c": 1, "d": 1},
    {"common": 99, "rare": 1},
    {"x": 0.5, "y": 0.3, "z": 0.19, "w": 0.01, "never": 0},
]


def test_weighted_enum_frequencies_follow_the_weights():
    cols = [
        {"name": f"w{i}", "type": "text", "generator": "weighted_enum", "params": {"values": w}}
        for i, w in enumerate(WEIGHTS)
    ]
    got = values(cols, 100_000)
    for i, weights in enumerate(WEIGHTS):
        counts = Counter(got[f"w{i}"])
        total = sum(weights.values())
        for value, weight in weights.items():
            share = counts[value] / 100_000
            assert abs(share - weight / total) < 0.02, (weights, value, share)
        assert counts["never"] == 0
    assert 500 < Counter(got["w2"])["rare"] < 1500  # the 1% value is there, about 1%


def test_template_fields_name_columns_and_generators():
    got = values(
        [
            {"name": "first_name", "type": "text"},
            {
                "name": "code",
                "type": "char(4)",
                "generator": "pattern",
                "params": {"regex": r"\d{4}"},
            },
            tpl("login", "{first_name}.{last_name}"),  # a column, then a generator
            tpl("braces", "{{{code}}} {{literal}}"),
        ]
    )
    for first, code, login, braces in zip(
        got["first_name"], got["code"], got["login"], got["braces"], strict=True
    ):
        assert login.startswith(first + ".") and len(login) > len(first) + 1
        assert braces == f"{{{code}}} {{literal}}"


def test_template_generator_fields_use_the_rows_person():
    got = values(
        [
            {"name": "email", "type": "text"},
            tpl("greeting", "Dear {first_name} {last_name},"),
        ]
    )
    for email, greeting in zip(got["email"], got["greeting"], strict=True):
        first, last = re.fullmatch(r"Dear (\S+) (.+),", greeting).groups()
        local = email.split("@")[0].lower()
        assert local.startswith(first[0].lower())
        assert last.lower().replace(" ", "") in local or first.lower() in local, (email, greeting)


def test_a_column_added_later_takes_over_the_field():
    # by design: {city} is the city generator until the table has a column named city
    before = values([tpl("place", "in {city}")], 200)["place"]
    after = values(
        [
            {"name": "city", "type": "text", "generator": "constant", "params": {"value": "Oslo"}},
            tpl("place", "in {city}"),
        ],
        200,
    )
    assert len(set(before)) > 20 and set(after["place"]) == {"in Oslo"}


def test_template_cut_to_varchar_leaves_no_trailing_blank():
    got = values([tpl("v", "{first_name} {last_name} of {city}", "varchar(12)")], 3000)["v"]
    assert all(0 < len(v) <= 12 and v == v.rstrip() for v in got)
    assert any(len(v) < 12 for v in got)  # some were cut just before a blank, then stripped
    whole = values([tpl("v", "ab  ")], 5)["v"]
    assert whole == ["ab  "] * 5  # an uncut value keeps its own blanks


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{nosuch}", "neither a column nor a generator"),
        ("{v}", "refers to its own column"),
        ("{first_name:>5}", "format specs are not supported"),
        ("{oops", "write literal braces as {{ and }}"),
    ],
)
def test_bad_templates_are_refused(template, words):
    with pytest.raises(SpecError) as info:
        values([tpl("v", template)], 5)
    assert words in str(info.value)
