"""Reading archives back (datagen.writers.archive_read, what ``verify`` uses): every format and
level gives back each table's COPY text exactly, a custom archive written to a pipe too, and
anything else is refused with a reason."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

import datagen
from datagen import api
from datagen.api import generate_to_path
from datagen.pipeline.jobs import run_chunk
from datagen.writers.archive_read import ArchiveReadError, open_archive, text_digest
from datagen.writers.pgdump import TERMINATOR

SPEC = Path(__file__).parent / "fixtures" / "specs" / "archive_names.yaml"


@pytest.fixture(scope="module")
def compiled():
    return datagen.compile_spec(SPEC)


def copy_text(c, qualname: str) -> bytes:
    return b"".join(run_chunk(j).data or b"" for j in api.chunk_jobs(c, qualname, "copy"))


@pytest.mark.parametrize(
    ("fmt", "level"),
    [("custom", 1), ("custom", 0), ("directory", 6), ("directory", 0), ("tar", None)],
)
def test_every_table_reads_back_as_its_copy_text(compiled, tmp_path, fmt, level):
    path = tmp_path / f"a.{fmt}"
    generate_to_path(compiled, str(path), fmt, compress=level)
    archive = open_archive(path, fmt)
    tables = {e.dump_id: e.table for e in compiled.toc if e.desc == "TABLE DATA"}
    assert [e.dump_id for e in archive.entries] == list(tables)
    for e in archive.entries:
        assert e.qualname == tables[e.dump_id]
        assert b"".join(archive.text(e)) == copy_text(compiled, e.qualname) + TERMINATOR


def test_a_piped_custom_archive_is_read_in_order(compiled, tmp_path):
    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    sink = Pipe()
    datagen.generate(compiled, sink, "custom")
    path = tmp_path / "piped.dump"
    path.write_bytes(sink.getvalue())
    archive = open_archive(path, "custom")
    assert all(e.offset is None for e in archive.entries)
    last = archive.entries[-1]  # the blocks before it are skipped
    assert b"".join(archive.text(last)) == copy_text(compiled, last.qualname) + TERMINATOR


def test_what_is_not_an_archive_is_refused(compiled, tmp_path):
    good = tmp_path / "a.dump"
    generate_to_path(compiled, str(good), "custom")
    data = good.read_bytes()
    cases = {
        "not.dump": (b"-- PostgreSQL database dump\n", "does not start with PGDMP"),
        "v115.dump": (data[:5] + b"\x01\x0f\x00" + data[8:], "archive version 1.15.0 is not 1.14"),
        "short.dump": (data[:200], "it ends early"),
    }
    for name, (content, reason) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ArchiveReadError, match=reason):
            open_archive(tmp_path / name, "custom")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "toc.dat").write_bytes(data)  # a custom archive's head is not a toc.dat
    with pytest.raises(ArchiveReadError, match="its format code is 1, not 3"):
        open_archive(tmp_path / "d", "directory")
    with tarfile.open(tmp_path / "empty.tar", "w"):
        pass
    with pytest.raises(ArchiveReadError, match="not a readable tar archive"):
        open_archive(tmp_path / "empty.tar", "tar")
    damaged = tmp_path / "damaged.dump"
    archive = open_archive(good, "custom")
    at = archive.entries[0].offset
    assert at is not None
    damaged.write_bytes(data[: at + 20] + bytes(len(data) - at - 20))
    with pytest.raises(ArchiveReadError, match="its compressed data is damaged"):
        b"".join(open_archive(damaged, "custom").text(archive.entries[0]))


def test_text_is_cut_into_the_spec_s_chunks():
    text = b"a\nb\nc\n"
    whole = text_digest([text + TERMINATOR], [3])
    assert whole == text_digest([b"a\n", b"b", b"\nc\n\\.", b"\n\n\n"], [3])  # any blocks
    assert whole != text_digest([text + TERMINATOR], [2, 1])  # other chunks, other digest
    assert text_digest([TERMINATOR], [])[0] == text_digest([TERMINATOR], [0, 0])[0] == 0  # no rows
    with pytest.raises(ArchiveReadError, match="more rows"):
        text_digest([text + TERMINATOR], [2])
    with pytest.raises(ArchiveReadError, match="fewer rows"):
        text_digest([text + TERMINATOR], [4])
    with pytest.raises(ArchiveReadError, match="fewer rows"):
        text_digest([text], [3])  # no terminator
