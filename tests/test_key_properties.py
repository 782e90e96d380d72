"""Input keys follow what a spec resolves to, never how it is spelled.

Equivalent spellings (type aliases, explicit defaults, mapping key order, both forms of
``references``) keep every table, key and chunk key; a change in what a column resolves to (a new
semantic rule, a generator's version, the type's default generator, a parent's rows) changes the
keys of exactly the tables it reaches.
"""

from __future__ import annotations

import copy
import functools
import io
import random

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import datagen
from datagen import generators
from datagen.generators import REGISTRY, semantic
from datagen.pipeline.keys import compute_keys

BASE = {
    "version": 1,
    "name": "keys",
    "seed": 3,
    "enums": {"status": ["new", "paid", "shipped"]},
    "tables": [
        {
            "name": "customers",
            "rows": 300,
            "columns": [
                {"name": "id", "type": "bigserial", "primary_key": True},
                {"name": "email", "type": "varchar(80)", "unique": True},
                {"name": "nickname", "type": "text"},
                {"name": "points", "type": "integer", "null_rate": 0.1},
                {"name": "active", "type": "boolean"},
            ],
        },
        {
            "name": "orders",
            "rows": 900,
            "columns": [
                {"name": "id", "type": "bigint", "primary_key": True},
                {
                    "name": "customer_id",
                    "type": "bigint",
                    "references": {"table": "customers", "column": "id", "distribution": "zipf"},
                },
                {
                    "name": "total",
                    "type": "numeric(10,2)",
                    "generator": "range",
                    "params": {"min": 5, "max": 500},
                },
                {"name": "status", "type": "status"},
                {"name": "placed_at", "type": "timestamptz"},
            ],
        },
        {
            "name": "items",
            "rows": 2000,
            "columns": [
                {
                    "name": "order_id",
                    "type": "bigint",
                    "references": {"table": "orders", "column": "id"},
                },
                {
                    "name": "line",
                    "type": "smallint",
                    "generator": "range",
                    "params": {"min": 1, "max": 50},
                },
                {"name": "misc", "type": "text"},
            ],
            "primary_key": ["order_id", "line"],
        },
        {
            "name": "audit",
            "rows": 50,
            "columns": [{"name": "extra_info", "type": "text"}, {"name": "n", "type": "integer"}],
        },
    ],
}

ALIAS = {"bigserial": "serial8", "integer": "int4", "bigint": "int8", "smallint": "int2",
         "boolean": "bool", "numeric(10,2)": "decimal( 10 , 2 )", "varchar(80)": "VARCHAR(80)",
         "timestamptz": "timestamp with time zone"}  # fmt: skip


def aliases(doc, rnd):
    for t in doc["tables"]:
        for c in t["columns"]:
            c["type"] = ALIAS.get(c["type"], c["type"])


def explicit_defaults(doc, rnd):
    for t in doc["tables"]:
        t.setdefault("schema", "public")
        pk = t.get("primary_key", [])
        pk_columns = set(pk["columns"] if isinstance(pk, dict) else pk)
        for c in t["columns"]:
            if not c.get("primary_key") and c["name"] not in pk_columns:
                c.setdefault("nullable", True)
                c.setdefault("primary_key", False)
            c.setdefault("null_rate", 0)
            c.setdefault("unique", False)


def references_forms(doc, rnd):
    for t in doc["tables"]:
        for c in t["columns"]:
            ref = c.get("references")
            if isinstance(ref, str):
                *schema, table, column = ref.split(".")
                c["references"] = {"table": table, "column": column, "distribution": "uniform"}
                if schema:
                    c["references"]["schema"] = schema[0]
            elif isinstance(ref, dict) and ref.get("distribution", "uniform") == "uniform":
                # only what a string can say: table, column, schema
                c["references"] = f"{ref.get('schema', 'public')}.{ref['table']}.{ref['column']}"


def shuffled_keys(doc, rnd):
    def shuffle(node):
        if isinstance(node, dict):
            items = list(node.items())
            rnd.shuffle(items)
            return {k: shuffle(v) for k, v in items}
        if isinstance(node, list):
            return [shuffle(v) for v in node]
        return node

    new = shuffle(doc)
    doc.clear()
    doc.update(new)


def named_pk(doc, rnd):
    items = doc["tables"][2]
    if isinstance(items["primary_key"], list):
        items["primary_key"] = {"columns": items["primary_key"]}


def explicit_fk_params(doc, rnd):
    for t in doc["tables"]:
        for c in t["columns"]:
            ref = c.get("references")
            if isinstance(ref, dict) and ref.get("distribution") == "zipf":
                ref.setdefault("params", {"exponent": 1.1})


TRANSFORMS = [
    aliases,
    explicit_defaults,
    references_forms,
    shuffled_keys,
    named_pk,
    explicit_fk_params,
]


def keys_of(doc):
    c = datagen.api.compile_spec_text(yaml.safe_dump(doc, sort_keys=False))
    return {
        q: (tk.key, tk.fingerprint, [ck.key for ck in tk.chunks])
        for q, tk in compute_keys(c, chunk_rows=512).items()
    }


@pytest.fixture(scope="module")
def base_keys():
    return keys_of(BASE)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(TRANSFORMS), min_size=1, unique=True), st.randoms())
def test_equivalent_spellings_keep_every_key(base_keys, transforms, rnd):
    doc = copy.deepcopy(BASE)
    for transform in transforms:
        transform(doc, rnd)
    assert keys_of(doc) == base_keys


def test_table_order_does_not_change_keys(base_keys):
    doc = copy.deepcopy(BASE)
    random.Random(1).shuffle(doc["tables"])
    assert keys_of(doc) == base_keys


def _semantic_rule(monkeypatch):
    first = REGISTRY["first_name"]
    monkeypatch.setattr(first, "names", ("nickname", *first.names))
    # a fresh rule index for this test; monkeypatch puts the old one back afterwards
    monkeypatch.setattr(semantic, "_index", functools.cache(semantic._index.__wrapped__))


def _range_version(monkeypatch):
    monkeypatch.setattr(REGISTRY["range"], "version", REGISTRY["range"].version + 1)


def _text_default(monkeypatch):
    monkeypatch.setitem(generators.TYPE_DEFAULTS, "text", "city")


def _customer_rows(monkeypatch):
    BASE_ROWS = copy.deepcopy(BASE)
    BASE_ROWS["tables"][0]["rows"] = 301
    return BASE_ROWS


# (change, tables whose key must change; every other table's key must not)
RESOLUTION_CHANGES = [
    pytest.param(_semantic_rule, {"public.customers"}, id="new-semantic-rule"),
    # orders.total and items.line are ranges; so are the integer defaults of points and n
    pytest.param(
        _range_version,
        {"public.customers", "public.orders", "public.items", "public.audit"},
        id="range-version",
    ),
    # customers.nickname is a username by name; items.misc and audit.extra_info are text defaults
    pytest.param(_text_default, {"public.items", "public.audit"}, id="text"),
    # a parent's rows reach its children's picks, not its grandchildren
    pytest.param(_customer_rows, {"public.customers", "public.orders"}, id="parent-rows"),
]


@pytest.mark.parametrize(("change", "expected"), RESOLUTION_CHANGES)
def test_a_resolution_change_changes_exactly_the_tables_it_reaches(
    base_keys, monkeypatch, change, expected
):
    doc = change(monkeypatch) or BASE
    after = keys_of(doc)
    changed = {q for q in base_keys if after[q][0] != base_keys[q][0]}
    assert changed == expected
    for q in expected - {"public.customers"} if change is _customer_rows else expected:
        assert after[q][2] != base_keys[q][2], f"{q}: chunk keys must change too"


DECLARED = sorted(
    (name, param, schema["default"])
    for name, cls in REGISTRY.items()
    for param, schema in cls.params.items()
    if "default" in schema
)


@pytest.mark.parametrize(
    ("generator", "param", "default"), DECLARED, ids=[f"{g}.{p}" for g, p, _ in DECLARED]
)
def test_a_default_written_out_changes_neither_bytes_nor_keys(generator, param, default):
    """The schema's default is the value the generator uses: spelling it out is a no-op."""
    from generator_corpus import COLUMNS

    ty, params = COLUMNS[generator]
    bare = {k: v for k, v in params.items() if k != param}

    def spec(p: dict) -> str:
        col = {"name": "c", "type": ty, "generator": generator, **({"params": p} if p else {})}
        return yaml.safe_dump({"version": 1, "name": "d", "seed": 5,
                               "tables": [{"name": "t", "rows": 300, "columns": [col]}]})  # fmt: skip

    omitted = datagen.compile_spec_text(spec(bare))
    explicit = datagen.compile_spec_text(spec({**bare, param: default}))
    out_a, out_b = io.BytesIO(), io.BytesIO()
    datagen.generate(omitted, out_a)
    datagen.generate(explicit, out_b)
    assert out_a.getvalue() == out_b.getvalue()
    assert compute_keys(omitted)["public.t"].key == compute_keys(explicit)["public.t"].key
