"""``faker``: a Faker provider per row, deterministic per row, refused clearly when it cannot
work, converted to the column's PostgreSQL text."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading

import numpy as np
import pytest
import yaml
from dumps import columns, dump

import datagen
from datagen.columns import Block
from datagen.errors import SpecError
from datagen.plan import DatasetPlan


def spec(cols: list[dict], rows: int, seed: int = 3, locale: str = "en_US") -> str:
    doc = {"version": 1, "name": "f", "seed": seed, "locale": locale}
    return yaml.safe_dump({**doc, "tables": [{"name": "t", "rows": rows, "columns": cols}]})


def fk(name: str, ty: str, provider: str, **kwargs) -> dict:
    params: dict = {"provider": provider, **({"kwargs": kwargs} if kwargs else {})}
    return {"name": name, "type": ty, "generator": "faker", "params": params}


def values(cols: list[dict], rows: int = 200, **kw) -> dict[str, list[str]]:
    data = columns(dump(datagen.load_spec_text(spec(cols, rows, **kw))), "public.t")
    return {k: [v.decode() for v in vs] for k, vs in data.items()}


def problems(cols: list[dict]) -> str:
    with pytest.raises(SpecError) as info:
        values(cols, 5)
    return str(info.value)


def generator(col: dict):
    ds = datagen.load_spec_text(spec([col], 10))
    plan = DatasetPlan(ds).plan(ds.tables[0])
    return plan.generators[col["name"]], plan


def test_values_are_converted_to_the_columns_type():
    got = values(
        [
            fk("name", "text", "name"),
            fk(
                "born",
                "date",
                "date_between",
                start_date=dt.date(1950, 1, 1),
                end_date=dt.date(2000, 1, 1),
            ),
            fk(
                "seen",
                "timestamptz",
                "date_time_between",
                start_date=dt.datetime(2020, 1, 1),
                end_date=dt.datetime(2021, 1, 1),
            ),
            fk("n", "integer", "random_int", min=5, max=9),
            fk("ok", "boolean", "boolean"),
            fk("price", "numeric(8,2)", "pydecimal", left_digits=4, right_digits=2, positive=True),
            fk("props", "jsonb", "pydict", nb_elements=3, value_types=["str", "int"]),
            fk("tags", "text", "words", nb=3),
            fk("id", "uuid", "uuid4"),
            fk("short", "varchar(12)", "sentence", nb_words=8),
        ]
    )
    assert all(re.fullmatch(r"\S+( \S+)+", v) for v in got["name"])
    assert all("1950-01-01" <= v <= "2000-01-01" and len(v) == 10 for v in got["born"])
    assert all(v.startswith("2020-") and v.endswith("+00") for v in got["seen"])
    assert {int(v) for v in got["n"]} <= set(range(5, 10))
    assert set(got["ok"]) == {"t", "f"}
    assert all(re.fullmatch(r"\d{1,4}\.\d{1,2}", v) for v in got["price"])
    assert all(isinstance(json.loads(v), dict) for v in got["props"])
    assert all(len(v.split(", ")) == 3 for v in got["tags"])
    assert all(re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", v) for v in got["id"])
    # cut at a word boundary, no trailing blank
    assert all(0 < len(v) <= 12 and v == v.strip() for v in got["short"])
    assert sum(v.endswith(".") for v in got["short"]) < len(got["short"])


def test_values_depend_only_on_the_row():
    col = fk("v", "text", "name")
    gen, plan = generator(col)
    whole = gen.generate(Block(plan, np.arange(100, dtype=np.int64)))
    part = gen.generate(Block(plan, np.arange(40, 60, dtype=np.int64)))
    assert part.tolist() == whole[40:60].tolist()
    backwards = gen.generate(Block(plan, np.arange(99, -1, -1, dtype=np.int64)))
    assert backwards.tolist() == whole[::-1].tolist()
    assert len(set(whole.tolist())) > 90
    assert values([col], 50)["v"] == values([col], 300)["v"][:50]
    assert values([col], 50)["v"] != values([col], 50, seed=4)["v"]


def test_threads_do_not_share_a_faker():
    gen, plan = generator(fk("v", "text", "sentence"))
    idx = np.arange(300, dtype=np.int64)
    expected = gen.generate(Block(plan, idx)).tolist()
    results: list[list[bytes]] = []
    threads = [
        threading.Thread(target=lambda: results.append(gen.generate(Block(plan, idx)).tolist()))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_the_datasets_locale_is_used():
    got = values([fk("v", "text", "name")], 50, locale="ja_JP")
    assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", v) for v in got["v"])


@pytest.mark.parametrize(
    ("col", "words"),
    [
        (fk("v", "text", "nmae"), "no provider method 'nmae' (did you mean 'name'?)"),
        (fk("v", "text", "seed_instance"), "does not make values"),
        (fk("v", "text", "add_provider"), "does not make values"),
        (fk("v", "text", "name", bogus=1), "unexpected keyword argument 'bogus'"),
        (fk("v", "integer", "name"), "which does not fit integer"),
        (fk("v", "date", "sentence"), "which does not fit date"),
        (fk("v", "smallint", "random_int", min=0, max=10**7), "does not fit smallint"),
        ({"name": "v", "type": "text", "generator": "faker"}, "'provider' is a required"),
    ],
)
def test_unusable_providers_are_validation_problems(col, words):
    assert words in problems([col])
