"""A fuzzer of whole specs: whatever a spec says, datagen either explains what is wrong (a
SpecError, never a traceback) or writes a dump that loads into PostgreSQL with ON_ERROR_STOP.

Specs are drawn from the whole language: types with and without lengths, enums, arrays, keys,
foreign keys, null rates, generators with and without params, CHECKs, DEFAULTs, indexes, and names
from plain to hostile. ``pytest tests/test_fuzz.py --fuzz-long`` runs thousands of examples.
"""

from __future__ import annotations

import io

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import datagen
from datagen.errors import SpecError

PLAIN = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)
SAFE_NAMES = st.one_of(
    PLAIN,
    PLAIN,
    st.sampled_from(
        [
            "user",
            "order",
            "select",
            "Mixed Case",
            "ünï",
            'a"b',
            "x'y",
            "--z",
            "a;b",
            "with space",
            "$x",
            "t\\n",
            "名前",
            "a" * 63,
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12),
)
# now and then (1 in 40) a name with a control character, which validate must refuse
NAMES = st.integers(0, 39).flatmap(
    lambda i: (
        st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=4)
        if i == 0
        else SAFE_NAMES
    )
)
TYPES = st.one_of(
    st.sampled_from(
        [
            "smallint",
            "integer",
            "bigint",
            "serial",
            "bigserial",
            "numeric",
            "real",
            "double precision",
            "boolean",
            "text",
            "bytea",
            "date",
            "time",
            "timestamp",
            "timestamptz",
            "interval",
            "uuid",
            "json",
            "jsonb",
            "inet",
            "cidr",
            "macaddr",
            "text[]",
            "integer[]",
            "int4",
            "serial8",
            "float8",
        ]
    ),
    st.builds(lambda n: f"varchar({n})", st.integers(1, 40)),
    st.builds(lambda n: f"char({n})", st.integers(1, 12)),
    st.builds(lambda p, s: f"numeric({p},{min(s, p)})", st.integers(1, 20), st.integers(0, 8)),
)
# generator -> the params it takes (drawn from ANY_PARAMS); None: the column's own choice
GENERATORS: dict[str | None, tuple[str, ...]] = {
    None: (),
    "range": ("min", "max"),
    "sequence": ("start", "step"),
    "enum": ("values",),
    "weighted_enum": (),
    "constant": ("value",),
    "template": ("template",),
    "words": (),
    "code": ("length",),
    "email": (),
    "first_name": (),
    "uuid": (),
    "timeseries": (),
    "json": (),
    "ipv4": (),
}
ANY_PARAMS = {
    "min": st.integers(-100000, 100000),
    "max": st.integers(-100000, 100000),
    "start": st.integers(-(2**40), 2**40),
    "step": st.integers(-5, 5),
    "values": st.lists(
        st.sampled_from(["a", "b", "1", "2024-01-01", "x y"]), min_size=1, max_size=4, unique=True
    ),
    "value": st.sampled_from(["a", "1", "true", "2024-01-01", "{}", "10.0.0.1"]),
    "length": st.integers(1, 30),
    "template": st.sampled_from(["{id}-x", "{nope}", "x{{y}}", "plain"]),
}
CHECKS = st.sampled_from(
    [
        "{c} > 0",
        "{c} BETWEEN 1 AND 10",
        "{c} IN ('a', 'b')",
        "{c} IS NOT NULL",
        "length({c}) > 0",
        "{c} <> ''",
        "1 = 1",
    ]
)
DEFAULTS = st.sampled_from(["0", "'x'", "now()", "true", "NULL", "1 + 1"])


@st.composite
def columns(draw, index: int) -> dict:
    col: dict = {"name": draw(NAMES), "type": draw(TYPES)}
    if draw(st.booleans()):
        col["nullable"] = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        col["null_rate"] = draw(st.sampled_from([0, 0.1, 0.5, 1, 0.3, 1.5]))
        if col["null_rate"] and col.get("nullable") is False:
            col["nullable"] = True
    if draw(st.integers(0, 4)) == 0:
        col["unique"] = True
    gen = draw(st.sampled_from(list(GENERATORS)))
    if gen:
        col["generator"] = gen
        wrong = draw(st.integers(0, 5)) == 0  # now and then, params of another generator
        keys = list(ANY_PARAMS) if wrong else GENERATORS[gen]
        if keys:
            chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
            col["params"] = {k: draw(ANY_PARAMS[k]) for k in chosen}
    if draw(st.integers(0, 5)) == 0:
        col["check"] = draw(CHECKS).format(c=col["name"] if col["name"].isidentifier() else "x")
    if draw(st.integers(0, 6)) == 0:
        col["default"] = draw(DEFAULTS)
    return col


@st.composite
def specs(draw) -> dict:
    tables = []
    for name in draw(st.lists(NAMES, min_size=1, max_size=3, unique=True)):
        cols = [
            {
                "name": "id",
                "type": draw(st.sampled_from(["bigserial", "integer", "uuid"])),
                "primary_key": True,
            }
        ]
        cols += [draw(columns(j)) for j in range(draw(st.integers(0, 5)))]
        table: dict = {"name": name, "rows": draw(st.integers(0, 300)), "columns": cols}
        if tables and draw(st.booleans()):
            parent = draw(st.sampled_from(tables))
            ref_type = {"bigserial": "bigint", "integer": "integer", "uuid": "uuid"}
            cols.append(
                {
                    "name": "parent_id",
                    "type": ref_type[parent["columns"][0]["type"]],
                    "references": {
                        "table": parent["name"],
                        "column": "id",
                        "distribution": draw(st.sampled_from(["uniform", "zipf"])),
                    },
                }
            )
        if len(cols) > 1 and draw(st.booleans()):
            table["indexes"] = [
                {
                    "columns": [cols[1]["name"]],
                    "using": draw(st.sampled_from(["btree", "hash", "gin", "brin"])),
                }
            ]
        tables.append(table)
    doc: dict = {
        "version": 1,
        "name": "fuzz",
        "seed": draw(st.integers(0, 2**31)),
        "tables": tables,
    }
    if draw(st.booleans()):
        doc["enums"] = {
            draw(NAMES): draw(st.lists(st.text(max_size=8), min_size=1, max_size=4, unique=True))
        }
    return doc


def check_spec(pg, doc: dict) -> bool:
    """False when the spec was refused (with a readable SpecError), True when its dump loaded."""
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    try:
        compiled = datagen.compile_spec_text(text, file="fuzz.yaml")
    except SpecError as e:
        assert e.problems and all(str(p).startswith("fuzz.yaml") for p in e.problems), str(e)
        return False
    out = io.BytesIO()
    datagen.generate(compiled, out)
    db = pg.new_db()
    try:
        pg.run(["psql"], db=db, input=out.getvalue())
    finally:
        pg.run(["psql", "-c", f"DROP DATABASE {db}"])
    return True


def test_every_spec_is_explained_or_loads(pg, fuzz_examples):
    outcomes: list[bool] = []

    @settings(
        max_examples=fuzz_examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        derandomize=True,  # the same examples in every CI run; --fuzz-long explores further
    )
    @given(specs())
    def run(doc):
        outcomes.append(check_spec(pg, doc))

    run()
    # not vacuous: a fair share (8-30% as measured) of the specs validated, generated and loaded
    assert sum(outcomes) >= len(outcomes) // 20, f"{sum(outcomes)} of {len(outcomes)} loaded"
