"""SPEC section 3: a table's bytes depend on its spec, the seed, the locale and the keys it
references; never on table order, other tables, jobs, PYTHONHASHSEED, time or host."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import xxhash
import yaml
from dumps import columns, copy_blocks, dump

ROOT = Path(__file__).parent.parent
SHOP = ROOT / "datasets" / "shop.yaml"
ALLTYPES = Path(__file__).parent / "fixtures" / "specs" / "alltypes.yaml"
GOLDEN = Path(__file__).parent / "fixtures" / "golden"


def edited(tmp_path: Path, source: Path, edit) -> Path:
    spec = yaml.safe_load(source.read_text())
    edit(spec)
    out = tmp_path / f"edited-{len(list(tmp_path.iterdir()))}.yaml"
    out.write_text(yaml.safe_dump(spec, sort_keys=False))
    return out


def test_two_runs_are_byte_identical():
    assert dump(ALLTYPES) == dump(ALLTYPES)
    assert dump(SHOP, "sql") == dump(SHOP, "sql")


def test_golden_digests():
    """The bytes of the example dataset are pinned: a change here changes users' fixtures."""
    for fmt in ("copy", "sql"):
        want = (GOLDEN / f"shop.{fmt}.xxh3").read_text().strip()
        assert xxhash.xxh3_128_hexdigest(dump(SHOP, fmt)) == want, (
            f"shop.yaml's {fmt} dump changed; if intended, update tests/fixtures/golden"
        )


def test_hash_seed_does_not_matter(tmp_path):
    outs = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        r = subprocess.run(
            [sys.executable, "-m", "datagen", "generate", str(ALLTYPES), "-o", "-", "-q"],
            capture_output=True,
            env=env,
            check=True,
        )
        outs.append(r.stdout)
    assert outs[0] == outs[1] == dump(ALLTYPES)


def test_jobs_do_not_matter():
    big = ROOT / "bench" / "users.yaml"
    one = dump(big, jobs=1, rows={"users": 200_000})
    two = dump(big, jobs=2, rows={"users": 200_000})
    assert one == two


def test_table_order_does_not_matter(tmp_path):
    reordered = edited(tmp_path, ALLTYPES, lambda s: s["tables"].reverse())
    a, b = copy_blocks(dump(ALLTYPES)), copy_blocks(dump(reordered))
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], table


def test_other_tables_do_not_matter(tmp_path):
    def drop_unrelated(s):
        s["tables"] = [t for t in s["tables"] if t["name"] in ("customers", "orders")]

    alone = edited(tmp_path, SHOP, drop_unrelated)
    a, b = copy_blocks(dump(SHOP)), copy_blocks(dump(alone))
    assert a["public.orders"] == b["public.orders"]
    assert a["public.customers"] == b["public.customers"]


def test_adding_a_column_changes_no_other_column(tmp_path):
    def add(s):
        s["tables"][0]["columns"].insert(2, {"name": "nickname", "type": "text"})
        s["tables"][0]["columns"].append({"name": "score", "type": "integer"})

    before = columns(dump(SHOP), "public.customers")
    after = columns(dump(edited(tmp_path, SHOP, add)), "public.customers")
    assert set(after) == set(before) | {"nickname", "score"}
    for name, values in before.items():
        assert after[name] == values, name


def test_raising_rows_keeps_earlier_rows(tmp_path):
    def grow(s):
        for t in s["tables"]:
            t["rows"] *= 3

    spec = edited(tmp_path, SHOP, lambda s: None)
    small, big = dump(spec), dump(edited(tmp_path, SHOP, grow))
    for table in ("public.orders",):  # no unique constraint but its serial key
        a = copy_blocks(small)[table][1].splitlines()
        b = copy_blocks(big)[table][1].splitlines()
        assert len(b) == 3 * len(a)
        # zipf picks over 3x more parents differ, the other columns are unchanged
        cut = [line.split(b"\t") for line in a]
        grown = [line.split(b"\t") for line in b[: len(a)]]
        assert [r[:1] + r[2:] for r in cut] == [r[:1] + r[2:] for r in grown]
    # customers' rows keep every column but the unique email and the self-reference
    a = columns(small, "public.customers")
    b = columns(big, "public.customers")
    for name in ("id", "first_name", "last_name", "phone", "city", "tier", "signed_up_at"):
        assert b[name][: len(a[name])] == a[name], name


def test_seed_changes_the_data():
    assert dump(SHOP, seed=1) != dump(SHOP, seed=2)
