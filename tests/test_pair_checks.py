"""CHECKs between two columns (``a < b``, ``a <= b``, ``a > b``, ``a >= b``) hold in every row,
and a CHECK that no value of a column's explicit params can satisfy is a validation error."""

from __future__ import annotations

import textwrap

import pytest
from dumps import columns, dump

import datagen
from datagen.api import generate_to_path
from datagen.errors import SpecError

SPEC = textwrap.dedent(
    """\
    version: 1
    name: pairs
    seed: 11
    tables:
      - name: t
        rows: 5000
        columns:
          - {name: id, type: bigserial, primary_key: true}
          - {name: a, type: integer, generator: range, params: {min: 0, max: 10}}
          - {name: b, type: integer, generator: range, params: {min: 0, max: 10}}
          - {name: lo, type: "numeric(8,2)"}
          - {name: hi, type: "numeric(8,2)", null_rate: 0.2}
          - {name: start_day, type: date, generator: timeseries}
          - {name: end_day, type: date, generator: timeseries}
          - {name: s, type: timestamptz, generator: timeseries}
          - {name: e, type: timestamptz, generator: timeseries}
        checks:
          - a < b
          - lo <= hi
          - end_day > start_day
          - e >= s
    """
)


def test_pairs_hold_in_every_row():
    got = columns(dump(datagen.load_spec_text(SPEC)), "public.t")
    assert all(int(a) < int(b) for a, b in zip(got["a"], got["b"], strict=True))
    nulls = sum(v == b"\\N" for v in got["hi"])
    assert 800 < nulls < 1200  # the NULLs of hi stay where they were
    pairs = [(float(x), float(y)) for x, y in zip(got["lo"], got["hi"], strict=True) if y != b"\\N"]
    assert all(x <= y for x, y in pairs)
    assert all(x < y for x, y in zip(got["start_day"], got["end_day"], strict=True))
    assert all(x <= y for x, y in zip(got["s"], got["e"], strict=True))


def test_each_column_keeps_its_generators_values():
    """Swapping keeps a range's values: b still spans its range, a is never above 9."""
    got = columns(dump(datagen.load_spec_text(SPEC)), "public.t")
    a, b = [int(v) for v in got["a"]], [int(v) for v in got["b"]]
    assert min(a) == 0 and max(a) <= 10 and min(b) >= 1 and max(b) <= 11
    assert len(set(b)) >= 10


def test_pairs_are_not_reported_as_unenforced():
    warnings = datagen.compile_spec_text(SPEC).warnings
    assert not [w for w in warnings if "not enforced" in w.message]


def test_pairs_between_incomparable_columns_are_reported():
    warnings = datagen.compile_spec_text(SPEC.replace("- a < b", "- a < lo")).warnings
    assert any("a < lo" in w.message and "not enforced" in w.message for w in warnings)


@pytest.mark.parametrize(
    ("column", "check", "words"),
    [
        (
            "{name: x, type: integer, generator: range, params: {min: 0, max: 20}}",
            "x > 50",
            "max 20",
        ),
        (
            "{name: x, type: integer, generator: range, params: {min: 100, max: 200}}",
            "x BETWEEN 1 AND 10",
            "min 100",
        ),
        (
            "{name: x, type: text, generator: enum, params: {values: [a, b]}}",
            "x IN ('c', 'd')",
            "values ['a', 'b']",
        ),
    ],
)
def test_a_check_contradicting_params_is_an_error(column, check, words):
    spec = textwrap.dedent(
        f"""\
        version: 1
        name: conflict
        tables:
          - name: t
            rows: 10
            columns:
              - {column}
            checks:
              - "{check}"
        """
    )
    with pytest.raises(SpecError) as info:
        datagen.load_spec_text(spec)
    text = str(info.value)
    assert "contradicts" in text and words in text and "checks[0]" in text


@pytest.mark.parametrize("fmt", ["copy", "sql"])
def test_pair_checks_load_into_postgresql(pg, tmp_path, fmt):
    out = tmp_path / f"pairs.{fmt}.sql"
    generate_to_path(datagen.load_spec_text(SPEC), str(out), fmt)
    db = pg.load_sql(out)
    assert pg.scalar(db, "select count(*) from t") == "5000"


def test_a_check_keeps_a_generator_whose_values_lie_within_it():
    """``price > 0`` keeps the price generator (realistic prices), ``age >= 21`` makes a range
    (ages from the generator could be 18)."""
    spec = textwrap.dedent(
        """\
        version: 1
        name: within
        tables:
          - name: products
            rows: 2000
            columns:
              - {name: price, type: "numeric(10,2)", check: "price > 0"}
              - {name: rating, type: smallint, check: "rating BETWEEN 1 AND 5"}
              - {name: age, type: integer, check: "age >= 21"}
        """
    )
    c = datagen.compile_spec_text(spec)
    gens = {n: g.name for n, g in c.table_plan("public.products").generators.items()}
    assert gens == {"price": "price", "rating": "rating", "age": "range"}
    got = columns(dump(c.dataset), "public.products")
    assert all(float(v) > 0 for v in got["price"]) and all(int(v) >= 21 for v in got["age"])
    assert all(1 <= int(v) <= 5 for v in got["rating"])


def _warned(spec: str) -> list[str]:
    return [w.message for w in datagen.compile_spec_text(spec).warnings]


@pytest.mark.parametrize(
    ("columns", "check"),
    [
        # different bounds: swapping would carry 12 into a column whose CHECK says >= 18
        (
            "- {name: age_min, type: integer, check: 'age_min >= 18'}\n"
            "          - {name: age_max, type: integer, check: 'age_max <= 99'}",
            "age_min <= age_max",
        ),
        # different types: a bigint value does not fit a smallint
        (
            "- {name: big, type: bigint}\n          - {name: small, type: smallint}",
            "big < small",
        ),
        # listed values: not in canonical text of the column's scale
        (
            "- {name: x, type: 'numeric(8,2)', generator: enum, params: {values: [1, 2.5, 10]}}\n"
            "          - {name: y, type: 'numeric(8,2)', generator: enum, "
            "params: {values: [1, 2.5, 10]}}",
            "x < y",
        ),
        # dates of a lifecycle can fall on one day: a strict order is not guaranteed
        (
            "- {name: placed_on, type: date}\n          - {name: paid_on, type: date}",
            "placed_on < paid_on",
        ),
    ],
)
def test_pairs_that_swapping_cannot_keep_are_reported(columns, check):
    spec = (
        textwrap.dedent(
            f"""\
        version: 1
        name: unsafe
        tables:
          - name: t
            rows: 500
            columns:
          - {{name: id, type: bigserial, primary_key: true}}
          {columns}
            checks:
              - "{check}"
        """
        )
        .replace("\n  - {name: id", "\n      - {name: id")
        .replace("\n  - {name:", "\n      - {name:")
    )
    assert any(check in m and "not enforced" in m for m in _warned(spec)), _warned(spec)


def test_a_strict_tie_at_the_top_steps_low_down():
    spec = textwrap.dedent(
        """\
        version: 1
        name: top
        tables:
          - name: t
            rows: 3000
            columns:
              - {name: a, type: smallint, generator: range, params: {min: 1, max: 3}}
              - {name: b, type: smallint, generator: range, params: {min: 1, max: 3}}
            checks:
              - a < b
        """
    )
    got = columns(dump(datagen.load_spec_text(spec)), "public.t")
    pairs = [(int(x), int(y)) for x, y in zip(got["a"], got["b"], strict=True)]
    assert all(1 <= x < y <= 3 for x, y in pairs)


def test_lifecycle_pairs_hold_without_swapping():
    spec = textwrap.dedent(
        """\
        version: 1
        name: life
        tables:
          - name: orders
            rows: 3000
            columns:
              - {name: placed_on, type: date}
              - {name: paid_on, type: date}
              - {name: shipped_on, type: date}
              - {name: updated_at, type: timestamptz}
              - {name: deleted_at, type: timestamptz, null_rate: 0}
            checks:
              - placed_on <= paid_on
              - paid_on <= shipped_on
              - deleted_at > updated_at
        """
    )
    assert not [m for m in _warned(spec) if "not enforced" in m]
    got = columns(dump(datagen.load_spec_text(spec)), "public.orders")
    rows = list(zip(got["placed_on"], got["paid_on"], got["shipped_on"], strict=True))
    assert all(a <= b <= c for a, b, c in rows)
    assert all(d > u for u, d in zip(got["updated_at"], got["deleted_at"], strict=True))


def test_strict_bounds_start_at_the_next_value_the_column_holds():
    """``x > 0.5 AND x < 1.5`` in an integer column is 1; ``y > 0.05`` in numeric(6,1) starts
    at 0.1 (not at 0.15, the constant plus one unit)."""
    spec = textwrap.dedent(
        """\
        version: 1
        name: edges
        tables:
          - name: t
            rows: 500
            columns:
              - {name: x, type: integer}
              - {name: y, type: "numeric(6,1)"}
            checks:
              - x > 0.5
              - x < 1.5
              - y > 0.05
              - y < 0.35
        """
    )
    got = columns(dump(datagen.load_spec_text(spec)), "public.t")
    assert set(got["x"]) == {b"1"}
    assert set(got["y"]) == {b"0.1", b"0.2", b"0.3"}
