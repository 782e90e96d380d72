"""Property: any text (but NUL) written by the COPY and INSERT writers loads back identical."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datagen import textops
from datagen.columns import Col
from datagen.writers.codecs import copy_rows, insert_values

texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
rows = st.lists(st.tuples(texts, st.booleans()), min_size=1, max_size=30)


def column(values: list[tuple[str, bool]]) -> Col:
    enc = [v.encode("utf-8") for v, _ in values]
    # 'S' arrays cannot end in NUL bytes; values never contain NUL, so nothing is lost
    text = np.array(enc, dtype=f"S{max([1, *map(len, enc)])}")
    return Col(text, np.array([null for _, null in values]))


_DB: dict[int, str] = {}


def database(pg) -> str:
    """One scratch database for all examples (each script recreates its table)."""
    if id(pg) not in _DB:
        _DB[id(pg)] = pg.new_db()
    return _DB[id(pg)]


def fetch(pg, db) -> list[str | None]:
    got = pg.query(db, "select i, encode(convert_to(v, 'UTF8'), 'hex') from t order by i")
    return [None if h is None else bytes.fromhex(h).decode("utf-8") for _, h in got]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=rows)
def test_copy_round_trip(pg, values):
    db = database(pg)
    ids = Col(textops.ints(np.arange(len(values))))
    data = copy_rows([ids, column(values)])
    script = (
        b"drop table if exists t;\ncreate table t (i int, v text);\ncopy t (i, v) from stdin;\n"
        + data
        + b"\\.\n"
    )
    pg.run(["psql", "-f", "-"], db=db, input=script)
    assert fetch(pg, db) == [None if null else v for v, null in values]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=rows)
def test_insert_round_trip(pg, values):
    db = database(pg)
    lits = insert_values(column(values), quoted=True)
    body = textops.join_rows(
        [textops.ints(np.arange(len(values))), lits], b", ", b")", b"(", b",\n"
    )
    script = (
        b"drop table if exists t;\ncreate table t (i int, v text);\ninsert into t (i, v) values "
        + body
        + b";\n"
    )
    pg.run(["psql", "-f", "-"], db=db, input=script)
    assert fetch(pg, db) == [None if null else v for v, null in values]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(items=st.lists(texts, max_size=6))
def test_array_elements_round_trip(pg, items):
    from datagen.generators.arrays import array_element

    db = database(pg)
    literal = "{" + ",".join(array_element(x) for x in items) + "}"
    data = copy_rows([Col(textops.ints(np.array([0]))), column([(literal, False)])])
    script = (
        b"drop table if exists a;\ncreate table a (i int, v text[]);\ncopy a (i, v) from stdin;\n"
        + data
        + b"\\.\n"
    )
    pg.run(["psql", "-f", "-"], db=db, input=script)
    got = pg.query(
        db,
        "select n, encode(convert_to(x, 'UTF8'), 'hex') from a, unnest(v) with ordinality u(x, n) "
        "order by n",
    )
    assert [bytes.fromhex(h or "").decode() for _, h in got] == items
