"""Bounded resources: memory under a resource limit, hostile documents rejected at once, deep chains.

Memory tests run ``datagen generate`` in a subprocess under ``RLIMIT_AS`` (address space): the
interpreter with datagen, numpy and Faker imported peaks at about 160 MB of address space, the
documented bound on resident memory is 300 MB (docs/cli.md), so 512 MB of address space holds
a run that keeps the bound and stops one that does not: before chunks were sized by bytes, the
300-column table below peaked at 821 MB and the fat array column at 540 MB. The subprocess also
reports its own peak resident memory, which must stay within the bound.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import datagen.api as api
from datagen.plan import CHUNK_ROWS, generate_chunk
from datagen.plan.chunking import CHUNK_BUDGET, rows_for
from datagen.spec.bounded import MAX_ALIAS_NODES, MAX_DEPTH

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux limits")

LIMIT = 512 << 20  # address space: ~160 MB of interpreter and libraries, the bound, slack
BOUND = 300 << 20  # the documented peak resident memory

RUNNER = r"""
import resource, sys, time
from datagen.cli import main
t = time.perf_counter()
code = 0
try:
    main(sys.argv[1:])
except SystemExit as e:
    code = e.code or 0
took = time.perf_counter() - t
# VmHWM is this process's own peak; ru_maxrss keeps the forking parent's across exec on Linux
# (a test process grown past the bound would be blamed on the command)
try:
    with open("/proc/self/status") as f:
        peak = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) * 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(f"@@ {code} {took:.3f} {peak}", file=sys.stderr)
"""


def run_limited(*argv: str) -> tuple[int, float, int, str]:
    """(exit code, seconds in the command, peak resident bytes, stderr) under :data:`LIMIT`."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MALLOC_ARENA_MAX="2")
    r = subprocess.run(
        [sys.executable, "-c", RUNNER, *argv],
        preexec_fn=limit,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    assert last.startswith("@@ "), r.stderr[-2000:]
    code, took, peak = last.split()[1:]
    return int(code), float(took), int(peak), r.stderr.rsplit("@@ ", 1)[0]


WIDE_TYPES = ["text", "varchar(255)", "integer", "bigint", "numeric(12,2)", "timestamptz", "date"]
WIDE_TYPES += ["uuid", "boolean", "jsonb", "inet", "double precision"]


def wide_spec(rows: int) -> str:
    cols = ["      - {name: id, type: bigserial, primary_key: true}"]
    cols += [
        f'      - {{name: c{i}, type: "{WIDE_TYPES[i % len(WIDE_TYPES)]}"}}' for i in range(299)
    ]
    head = f"version: 1\nname: wide\ntables:\n  - name: w\n    rows: {rows}\n    columns:\n"
    return head + "\n".join(cols) + "\n"


def fat_spec(rows: int) -> str:
    return textwrap.dedent(
        f"""\
        version: 1
        name: fat
        tables:
          - name: f
            rows: {rows}
            columns:
              - {{name: id, type: bigserial, primary_key: true}}
              - name: tags
                type: "text[]"
                generator: words
                params: {{length: [40, 64], min_words: 40, max_words: 50}}
        """
    )


@pytest.mark.parametrize(
    ("spec", "table"),
    [
        pytest.param(wide_spec(16384), "public.w", id="300-columns"),
        pytest.param(fat_spec(4096), "public.f", id="fat-array"),
    ],
)
def test_wide_rows_generate_within_the_memory_bound(tmp_path, spec, table):
    path = tmp_path / "spec.yaml"
    path.write_text(spec)
    c = api.compile_spec(path)
    assert c.chunk_rows(table) < c.dataset.table(table).rows  # more than one chunk
    code, _, peak, err = run_limited("generate", str(path), "-o", str(tmp_path / "out.sql"))
    assert code == 0, err
    assert peak < BOUND, f"peak {peak >> 20} MB"
    assert "Traceback" not in err


BOMB = """\
version: 1
name: bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
tables: []
"""


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        pytest.param(
            "bomb.yaml", BOMB, ":8: (top level): aliases expand to more than 100,000", id="bomb"
        ),
        pytest.param(
            "rec.yaml",
            "version: 1\nname: rec\ntables: &t [*t]\n",
            ":3: (top level): recursive alias *t",
            id="recursive-alias",
        ),
        pytest.param(
            "rec2.yaml",
            "version: 1\nname: rec\ntables: &t\n  - name: x\n    columns: *t\n",
            ":5: (top level): recursive alias *t",
            id="recursive-alias-deeper",
        ),
        pytest.param(
            "deep.json",
            "[" * 100_000 + "]" * 100_000,
            f":1: (top level): nested deeper than {MAX_DEPTH} levels",
            id="deep-json",
        ),
        pytest.param(
            "deep.yaml",
            "version: 1\nx: " + "[" * 100_000 + "]" * 100_000 + "\n",
            # libyaml's parser stops this one itself (at 1,000 levels), before our composer
            ":2: (top level): invalid YAML: exceeded maximum nesting depth",
            id="deep-yaml-flow",
        ),
        pytest.param(
            "deep-block.yaml",
            "".join(f"{'  ' * i}k:\n" for i in range(2000)),
            f":{MAX_DEPTH}: (top level): nested deeper than",
            id="deep-yaml-block",
        ),
    ],
)
def test_hostile_documents_are_rejected_at_once(tmp_path, name, text, needle):
    path = tmp_path / name
    path.write_text(text)
    code, took, _, err = run_limited("generate", str(path), "-o", str(tmp_path / "out.sql"))
    assert code == 1
    assert took < 5, f"{took:.1f} s"  # well under a second in practice
    assert f"Error: {path}{needle}" in err, err
    assert err.count("Error:") == 1 and "Traceback" not in err, err
    assert not (tmp_path / "out.sql").exists()


def test_aliases_within_the_budget_load():
    tables = ", ".join(f"{{name: t{i}, rows: 2, columns: *c}}" for i in range(200))
    spec = (
        "version: 1\nname: ok\n"
        f"tables: [{{name: base, rows: 2, columns: &c [{{name: a, type: integer}}]}}, {tables}]\n"
    )
    assert len(api.compile_spec_text(spec).dataset.tables) == 201
    assert MAX_ALIAS_NODES >= 100_000


def chain_spec(depth: int, reverse: bool = False) -> str:
    tables = []
    for i in range(depth):
        ref = f", references: t{i - 1}.id" if i else ""
        tables.append(
            f"  - name: t{i}\n    rows: 5\n    columns:\n"
            f"      - {{name: id, type: integer, primary_key: true{ref}}}\n"
        )
    if reverse:
        tables.reverse()
    return "version: 1\nname: chain\ntables:\n" + "".join(tables)


@pytest.mark.parametrize("reverse", [False, True], ids=["parents-first", "children-first"])
def test_a_400_deep_foreign_key_chain_validates_and_generates(reverse):
    c = api.compile_spec_text(chain_spec(400, reverse))
    plan = c.table_plan("public.t399")
    assert c.plan.depth("public.t399") == 399
    (ids,) = generate_chunk(plan, 0, 5)
    assert sorted(ids.text.tolist()) == [b"1", b"2", b"3", b"4", b"5"]


def test_a_deep_chain_generates_end_to_end(tmp_path):
    path = tmp_path / "chain.yaml"
    path.write_text(chain_spec(130))
    code, _, _, err = run_limited("generate", str(path), "-o", str(tmp_path / "out.sql"))
    assert code == 0, err
    assert (tmp_path / "out.sql").read_text().count("COPY public.t") == 130


def test_narrow_tables_keep_65536_rows_per_chunk():
    root = Path(__file__).parent.parent
    for spec in [*sorted((root / "datasets").glob("*.yaml")), root / "bench" / "users.yaml"]:
        c = api.compile_spec(spec)
        assert {c.chunk_rows(q) for q in c.plan.plans} == {CHUNK_ROWS}, spec


def test_chunk_rows_is_a_power_of_two_within_the_budget():
    assert rows_for(0) == rows_for(1) == CHUNK_ROWS
    assert rows_for(CHUNK_BUDGET // CHUNK_ROWS) == CHUNK_ROWS
    assert rows_for(CHUNK_BUDGET // CHUNK_ROWS + 1) == CHUNK_ROWS // 2
    assert rows_for(CHUNK_BUDGET) == 1
    assert rows_for(CHUNK_BUDGET * 10) == 1
    for b in (3000, 10_000, 123_456):
        n = rows_for(b)
        assert n & (n - 1) == 0 and n * b <= CHUNK_BUDGET < 2 * n * b


def test_chunk_rows_is_in_the_keys_and_the_lock():
    from datagen.pipeline.keys import compute_keys

    c = api.compile_spec_text(fat_spec(3000))
    keys = compute_keys(c)["public.f"]
    size = c.chunk_rows("public.f")
    assert keys.chunk_rows == size == keys.doc["chunk_rows"] < CHUNK_ROWS
    assert [(k.start, k.stop) for k in keys.chunks][:2] == [(0, size), (size, 2 * size)]
    assert compute_keys(c, chunk_rows=CHUNK_ROWS)["public.f"].key != keys.key
    again = api.compile_spec_text(fat_spec(3000))  # a pure function of the plan
    assert compute_keys(again)["public.f"].key == keys.key


@pytest.mark.parametrize(
    ("text", "fmt", "needle"),
    [
        pytest.param(BOMB, None, "aliases expand to more than", id="bomb"),
        pytest.param("a: &t [*t]\n", None, "recursive alias *t", id="recursive"),
        pytest.param("[" * 1000 + "]" * 1000, "json", "nested deeper than", id="deep-json"),
        pytest.param('{"a": "[[[[", "b": [1]}', "json", None, id="brackets-in-strings"),
        pytest.param("[" * 1000 + "]" * 1000, None, "nested deeper than", id="deep-yaml"),
    ],
)
def test_bounded_loading_in_process(text, fmt, needle):
    """The same limits as above, in this process (fast, and seen by coverage)."""
    from datagen.errors import SpecError
    from datagen.spec.load import load_text

    if needle is None:
        assert load_text(text, "x.json", fmt).data == {"a": "[[[[", "b": [1]}
        return
    with pytest.raises(SpecError) as info:
        load_text(text, "x", fmt)
    assert needle in str(info.value)


def test_a_wide_tables_chunk_rows_is_locked_and_checked(tmp_path):
    """A table with fewer rows per chunk: the lock names them, check and verify agree, and an
    edited chunk_rows in the lock is caught."""
    import io
    import json

    from datagen.pipeline import build as pipeline

    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "fat.yaml").write_text(fat_spec(3000))
    pipeline.build(tmp_path, out=io.StringIO())
    lock_path = tmp_path / "datasets" / "fat.lock.json"
    lock = json.loads(lock_path.read_text())
    assert lock["tables"]["public.f"]["chunk_rows"] < CHUNK_ROWS
    assert pipeline.check(tmp_path) == [] and pipeline.verify(tmp_path) == []
    lock["tables"]["public.f"]["chunk_rows"] *= 2
    lock_path.write_text(json.dumps(lock))
    (problem,) = pipeline.check(tmp_path)
    assert "table public.f: chunk_rows is" in problem
