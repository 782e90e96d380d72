"""Spec input hygiene through the CLI: encodings, byte order marks, merge keys and bad paths are
each one ``Error:`` line (or a clean load), exit code 1, and never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from dumps import run_main

SPEC = "version: 1\nname: t\ntables:\n  - name: t\n    rows: 3\n    columns:\n"
SPEC += "      - {name: id, type: integer}\n"
JSON = '{"version": 1, "name": "t", "tables": [{"name": "t", "rows": 3, '
JSON += '"columns": [{"name": "id", "type": "integer"}]}]}'
MERGE = """\
version: 1
name: merge
tables:
  - name: t
    rows: 3
    columns:
      - &base {name: a, type: integer, null_rate: 0.5}
      - <<: *base
        name: b
      - <<: [*base]
        name: c
        null_rate: 0
"""


def only_error(err: str, needle: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and needle in lines[0], err


@pytest.mark.parametrize(
    ("name", "data", "code", "needle"),
    [
        pytest.param("bom.json", b"\xef\xbb\xbf" + JSON.encode(), 0, "ok (1 tables", id="bom-json"),
        pytest.param("bom.yaml", b"\xef\xbb\xbf" + SPEC.encode(), 0, "ok (1 tables", id="bom-yaml"),
        pytest.param("merge.yaml", MERGE.encode(), 0, "ok (1 tables", id="merge-override"),
        pytest.param(
            "latin1.yaml",
            SPEC.replace("name: t\n", "name: t # caf\xe9\n", 1).encode("latin-1"),
            1,
            ":2: (top level): not UTF-8 text: byte 0xe9 at offset 24",
            id="latin-1",
        ),
        pytest.param(
            "utf16.json",
            JSON.encode("utf-16"),
            1,
            ":1: (top level): not UTF-8 text: byte 0xff at offset 0",
            id="utf-16",
        ),
    ],
)
def test_spec_bytes(tmp_path, capsys, name, data, code, needle):
    path = tmp_path / name
    path.write_bytes(data)
    got, out, err = run_main(["validate", str(path)], capsys)
    assert got == code, err
    if code:
        only_error(err, f"{path}{needle}")
    else:
        assert needle in out and "Traceback" not in err


def test_merge_keys_follow_yaml_1_1(tmp_path):
    import datagen.api as api

    (t,) = api.load_spec_text(MERGE).tables
    assert [(c.name, c.type.ddl(), c.null_rate) for c in t.columns] == [
        ("a", "integer", 0.5),
        ("b", "integer", 0.5),
        ("c", "integer", 0),  # own keys win over merged ones
    ]


def test_duplicate_keys_are_still_reported(tmp_path, capsys):
    path = tmp_path / "dup.yaml"
    path.write_text(MERGE.replace("name: b\n", "name: b\n        name: d\n"))
    code, _, err = run_main(["validate", str(path)], capsys)
    assert code == 1
    only_error(err, ":10: tables[0].columns[1].name: key 'name' appears twice")


def bad_path(tmp_path, kind):
    if kind == "long":
        return str(tmp_path / ("x" * 300 + ".yaml")), "cannot read it: File name too long"
    if kind == "directory":
        return str(tmp_path), "is a directory"
    if kind == "fifo":
        os.mkfifo(tmp_path / "spec.yaml")
        return str(tmp_path / "spec.yaml"), "is not a regular file"
    if kind == "under-a-file":
        (tmp_path / "file").write_text("x")
        return str(tmp_path / "file" / "spec.yaml"), "cannot read it: Not a directory"
    if kind == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads any file")
        (tmp_path / "spec.yaml").write_text(SPEC)
        (tmp_path / "spec.yaml").chmod(0)
        return str(tmp_path / "spec.yaml"), "permission denied"
    if kind == "loop":
        os.symlink(tmp_path / "spec.yaml", tmp_path / "spec.yaml")
        return str(tmp_path / "spec.yaml"), "cannot read it: Too many levels of symbolic links"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind", ["long", "directory", "fifo", "under-a-file", "unreadable", "loop"]
)
@pytest.mark.parametrize("command", ["validate", "generate"])
def test_bad_spec_paths(tmp_path, capsys, kind, command):
    path, needle = bad_path(tmp_path, kind)
    argv = [command, path] + (["-o", str(tmp_path / "out.sql")] if command == "generate" else [])
    code, _, err = run_main(argv, capsys)
    assert code == 1
    only_error(err, f"{path if len(path) <= 200 else ''}")
    only_error(err, needle)


def test_a_long_path_is_shortened_in_the_message(tmp_path, capsys):
    path, _ = bad_path(tmp_path, "long")
    _, _, err = run_main(["generate", path], capsys)
    only_error(err, "...")
    assert len(err.splitlines()[0]) < 400


@pytest.mark.parametrize(
    ("data", "code", "needle"),
    [
        pytest.param(SPEC.encode(), 0, b"COPY public.t", id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + SPEC.encode(), 0, b"COPY public.t", id="bom"),
        pytest.param(
            b"version: 1\nname: \xff\n",
            1,
            b"Error: <stdin>:2: (top level): not UTF-8 text: byte 0xff at offset 17",
            id="not-utf-8",
        ),
    ],
)
def test_stdin(data, code, needle):
    r = subprocess.run(
        [sys.executable, "-m", "datagen", "generate", "-", "-o", "-"],
        input=data,
        capture_output=True,
        timeout=60,
    )
    assert r.returncode == code
    assert needle in (r.stderr if code else r.stdout)
    assert b"Traceback" not in r.stderr
    if code:
        assert r.stderr.count(b"Error:") == 1
