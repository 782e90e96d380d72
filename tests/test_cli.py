"""The command line: argv tables through click's runner, plus real subprocesses for stdio."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dumps import run_main

from datagen.cli import cli

ROOT = Path(__file__).parent.parent
SHOP = str(ROOT / "datasets" / "shop.yaml")


@pytest.mark.parametrize(
    ("argv", "code", "needle"),
    [
        pytest.param(["--help"], 0, "Compile dataset specs", id="help"),
        pytest.param(["generate", "--help"], 0, "Examples:", id="generate-help"),
        pytest.param(["validate", "--help"], 0, "every problem at once", id="validate-help"),
        pytest.param(["version"], 0, "faker 40.63.0", id="version"),
        pytest.param(["validate", SHOP], 0, "ok (4 tables, 18,200 rows)", id="validate-ok"),
        pytest.param(["generate"], 2, "Missing argument", id="generate-no-spec"),
        pytest.param(["generate", SHOP, "-f", "xml"], 2, "'xml' is not one of", id="bad-format"),
        pytest.param(["generate", SHOP, "--rows", "orders"], 2, "TABLE=N", id="bad-rows"),
        pytest.param(["generate", SHOP, "--scale", "inf"], 2, "0<=x<=1000000", id="scale-inf"),
        pytest.param(
            ["generate", SHOP, "--scale", "nan"], 2, "nan is not a number", id="scale-nan"
        ),
        pytest.param(
            ["generate", SHOP, "--rows", "order=5", "-o", "-"],
            1,
            "did you mean 'orders'",
            id="rows-unknown-table",
        ),
        pytest.param(["nope"], 2, "No such command", id="unknown-command"),
        pytest.param(
            ["generate", "missing.yaml"],
            1,
            "missing.yaml: (top level): no such file",
            id="missing-spec",
        ),
    ],
)
def test_argv(argv, code, needle, capsys):
    got, out, err = run_main(argv, capsys)
    assert got == code, (out, err)
    assert needle in out + err


def test_every_command_has_help_with_text():
    for name, cmd in cli.commands.items():
        assert cmd.help and len(cmd.help) > 40, name


def test_generate_writes_the_default_file_name(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_main(["generate", SHOP], capsys)[0] == 0
    assert run_main(["generate", SHOP, "-f", "sql"], capsys)[0] == 0
    assert (tmp_path / "shop.sql").read_bytes().startswith(b"--\n-- PostgreSQL database dump")
    assert b"INSERT INTO public.orders" in (tmp_path / "shop.inserts.sql").read_bytes()


def test_overrides_change_row_counts(tmp_path, capsys):
    out = tmp_path / "x.sql"
    code, _, err = run_main(
        [
            "generate",
            SHOP,
            "-o",
            str(out),
            "--scale",
            "0.1",
            "--rows",
            "orders=7",
            "--rows",
            "order_items=50",
            "--seed",
            "3",
        ],
        capsys,
    )
    assert code == 0, err
    text = out.read_text()
    orders = text.split("COPY public.orders")[1].split("\\.")[0]
    assert orders.count("\n") == 1 + 7
    customers = text.split("COPY public.customers")[1].split("\\.")[0]
    assert customers.count("\n") == 1 + 100


def test_invalid_spec_exits_1_and_leaves_no_file(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\nname: bad\ntables:\n  - {name: t, rows: 1, columns: [{name: a, type: nope}]}\n"
    )
    out = tmp_path / "out.sql"
    code, _, err = run_main(["generate", str(bad), "-o", str(out)], capsys)
    assert code == 1
    assert f"Error: {bad}:4: tables[0].columns[0].type: unknown type 'nope'" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_failure_mid_write_leaves_no_partial_file(tmp_path, monkeypatch, capsys):
    from datagen.pipeline import executors

    calls = {"n": 0}
    real = executors.run_chunk

    def boom(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(*args)

    monkeypatch.setattr(executors, "run_chunk", boom)
    out = tmp_path / "shop.sql"
    out.write_bytes(b"previous good dump")
    code, _, err = run_main(["generate", SHOP, "-o", str(out)], capsys)
    assert code == 1 and err.strip() == "Error: disk full"  # one line, no traceback
    assert out.read_bytes() == b"previous good dump"
    assert [p.name for p in tmp_path.iterdir()] == ["shop.sql"]


def test_output_directory_errors_are_readable(tmp_path, capsys):
    code, _, err = run_main(["generate", SHOP, "-o", str(tmp_path)], capsys)
    assert code == 1 and "is a directory" in err
    code, _, err = run_main(["generate", SHOP, "-o", str(tmp_path / "no" / "x.sql")], capsys)
    assert code == 1 and "does not exist" in err


def test_stdin_spec_and_stdout_dump():
    spec = Path(SHOP).read_bytes()
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "datagen",
            "generate",
            "-",
            "-o",
            "-",
            "--rows",
            "orders=3",
            "--rows",
            "order_items=10",
        ],
        input=spec,
        capture_output=True,
        check=True,
    )
    assert r.stdout.startswith(b"--\n-- PostgreSQL database dump")
    assert r.stderr == b""  # no progress when stderr is not a terminal


def test_progress_on_a_terminal(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = run_main(["generate", SHOP, "-o", str(tmp_path / "s.sql")], capsys)
    assert code == 0
    assert "orders: 5,000/5,000 rows (100%" in err
    assert "wrote" in err
    code, _, err = run_main(["generate", SHOP, "-q", "-o", str(tmp_path / "s.sql")], capsys)
    assert err == ""


def test_validate_reports_all_files(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: bad\ntables: []\nextra: 1\n")
    code, out, err = run_main(["validate", SHOP, str(bad)], capsys)
    assert code == 1
    assert "shop.yaml: ok" in out
    assert f"{bad}:4: extra: unknown key 'extra'" in err
    assert f"{bad}: 1 problem" in err


def test_debug_shows_traceback(capsys):
    code, _, err = run_main(["--debug", "generate", "missing.yaml"], capsys)
    assert code == 1 and "Traceback" in err


def test_console_script_is_installed():
    exe = Path(sys.executable).with_name("datagen")
    r = subprocess.run(
        [str(exe), "version"], capture_output=True, text=True, check=True, env={**os.environ}
    )
    assert r.stdout.startswith("datagen ")


def test_broken_pipe_is_quiet():
    p = subprocess.Popen(
        [sys.executable, "-m", "datagen", "generate", SHOP, "-o", "-", "--scale", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    p.stdout.read(100)
    p.stdout.close()
    with p.stderr:
        err = p.stderr.read()
    p.wait()
    assert b"Traceback" not in err
    assert p.returncode == 1
