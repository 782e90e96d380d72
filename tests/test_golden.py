"""The plain dumps are pinned byte for byte: a writer refactor must not change a single byte.

Each dump is pinned twice: ``NAME.FMT.xxh3`` is the digest of every byte (the authority), and
``NAME.FMT.skeleton.sql`` is the dump with each table's data replaced by its size and digest, so a
failure shows *where* the bytes moved (DDL, comments, order, or one table's data).

To re-record after an intended change: ``DATAGEN_RECORD_GOLDEN=1 pytest tests/test_golden.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import xxhash
from dumps import dump

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "fixtures" / "golden"
SPECS = {
    "shop": ROOT / "datasets" / "shop.yaml",
    "saas": ROOT / "datasets" / "saas.yaml",
    "alltypes": Path(__file__).parent / "fixtures" / "specs" / "alltypes.yaml",
}

# a TABLE DATA entry's body: its first statement line is kept, the rest summarised
_DATA = re.compile(
    rb"(^-- Name: [^\n]*; Type: TABLE DATA; [^\n]*\n--\n\n)([^\n]*\n)(.*?)(?=^\n\n--\n)",
    re.M | re.S,
)


def skeleton(data: bytes) -> bytes:
    """The dump with each table's data rows replaced by a line giving their size and digest."""

    def summary(m: re.Match) -> bytes:
        body = m[3]
        return (
            m[1]
            + m[2]
            + f"-- <{len(body)} bytes, xxh3 {xxhash.xxh3_128_hexdigest(body)}>\n".encode()
        )

    return _DATA.sub(summary, data)


@pytest.mark.parametrize("fmt", ["copy", "sql"])
@pytest.mark.parametrize("name", sorted(SPECS))
def test_plain_dumps_are_byte_identical(name, fmt):
    data = dump(SPECS[name], fmt)
    full, skel = GOLDEN / f"{name}.{fmt}.xxh3", GOLDEN / f"{name}.{fmt}.skeleton.sql"
    if os.environ.get("DATAGEN_RECORD_GOLDEN"):
        full.write_text(xxhash.xxh3_128_hexdigest(data) + "\n")
        skel.write_bytes(skeleton(data))
    assert skeleton(data).decode() == skel.read_text(encoding="utf-8")
    assert xxhash.xxh3_128_hexdigest(data) == full.read_text().strip(), (
        f"{name}'s {fmt} dump changed; if intended, re-record tests/fixtures/golden"
    )
