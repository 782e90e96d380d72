"""Every generator is immutable and versioned.

- Threads: one compiled plan, eight threads generating at once, the same bytes as one thread
  (Dask workers and ``doit -P thread`` share a plan between threads).
- Versions: each generator's output for a fixed column is pinned by a digest in
  ``fixtures/generator_digests.json`` next to the generator's ``version``. Changing what a generator
  makes without raising its version fails here, because a warm cache would otherwise ship the old
  bytes under an unchanged key. After raising it, record the new digests with
  ``DATAGEN_RECORD_DIGESTS=1 pytest tests/test_generator_stability.py``.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import xxhash
import yaml
from generator_corpus import COLUMNS, spec_text

import datagen
from datagen.columns import Block
from datagen.generators import REGISTRY
from datagen.plan import chunks, generate_chunk
from datagen.writers.codecs import copy_text

DIGESTS = Path(__file__).parent / "fixtures" / "generator_digests.json"


@pytest.fixture(scope="module")
def compiled():
    return datagen.api.compile_spec_text(spec_text())


def test_the_corpus_covers_every_generator():
    assert sorted(COLUMNS) == sorted(REGISTRY)


def _chunk_bytes(plan, start: int, stop: int) -> list[bytes]:
    return [copy_text(c).tobytes() for c in generate_chunk(plan, start, stop)]


def test_eight_threads_make_the_same_bytes_as_one(compiled):
    plan = compiled.table_plan("public.g")
    pieces = list(chunks(plan.table.rows, 400))
    single = [_chunk_bytes(plan, a, b) for a, b in pieces]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(3):
            threaded = list(pool.map(lambda ab: _chunk_bytes(plan, *ab), pieces))
            assert threaded == single


def test_generators_refuse_to_change_after_setup(compiled):
    gen = compiled.table_plan("public.g").generators["g_code"]
    with pytest.raises(AttributeError, match="immutable"):
        gen.length = 3


def _column_digests(compiled) -> dict[str, str]:
    plan = compiled.table_plan("public.g")
    block = Block(plan, np.arange(plan.table.rows))
    # the values as the dump holds them, one per line: not the array's bytes, whose padding
    # follows the width numpy picked for the array (a faster kernel may pick another)
    return {
        name: xxhash.xxh3_128_hexdigest(b"\n".join(copy_text(block.column(f"g_{name}")).tolist()))
        for name in COLUMNS
    }


def test_output_changes_only_with_a_new_version(compiled):
    digests = _column_digests(compiled)
    current = {
        name: {"version": REGISTRY[name].version, "digest": d} for name, d in digests.items()
    }
    if os.environ.get("DATAGEN_RECORD_DIGESTS") == "1":
        DIGESTS.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    recorded = json.loads(DIGESTS.read_text())
    problems = []
    for name, now in sorted(current.items()):
        was = recorded.get(name)
        if was is None:
            problems.append(f"{name}: no recorded digest (record with DATAGEN_RECORD_DIGESTS=1)")
        elif was["version"] == now["version"] and was["digest"] != now["digest"]:
            problems.append(
                f"{name}: output changed but version is still {now['version']}: raise "
                f"{REGISTRY[name].__name__}.version, then record with DATAGEN_RECORD_DIGESTS=1"
            )
        elif was["version"] != now["version"] and was["digest"] == now["digest"]:
            problems.append(f"{name}: version raised but the output is the same: keep it")
        elif was["version"] != now["version"]:
            problems.append(f"{name}: new version {now['version']}: record its digest")
    assert not problems, "\n".join(problems)


def test_a_version_bump_changes_exactly_the_tables_it_reaches(monkeypatch):
    from datagen.pipeline.keys import compute_keys

    doc = yaml.safe_load(spec_text(100))
    doc["tables"].append(
        {"name": "plain", "rows": 10, "columns": [{"name": "n", "type": "integer"}]}
    )
    spec = yaml.safe_dump(doc)
    before = compute_keys(datagen.api.compile_spec_text(spec))
    monkeypatch.setattr(REGISTRY["email"], "version", REGISTRY["email"].version + 1)
    after = compute_keys(datagen.api.compile_spec_text(spec))
    assert before["public.plain"].key == after["public.plain"].key
    assert before["public.g"].key != after["public.g"].key
    assert all(
        a.key != b.key
        for a, b in zip(before["public.g"].chunks, after["public.g"].chunks, strict=True)
    )
