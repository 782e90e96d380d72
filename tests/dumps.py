"""Helpers to make plain dumps and read them back (COPY blocks per table, rows as lists of
fields), and to run the CLI as a user does."""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import datagen

_COPY = re.compile(rb"^COPY ([^\n]+?) \(([^\n]*)\) FROM stdin;\n(.*?)^\\\.\n", re.M | re.S)


def dump(spec, fmt: str = "copy", jobs: int = 1, **kw) -> bytes:
    ds = datagen.load_spec(spec, **kw) if isinstance(spec, (str, Path)) else spec
    out = io.BytesIO()
    datagen.generate(ds, out, fmt, jobs=jobs)
    return out.getvalue()


def copy_blocks(data: bytes) -> dict[str, tuple[list[str], bytes]]:
    """table -> (column names as written, the block's data lines)."""
    out = {}
    for m in _COPY.finditer(data):
        out[m[1].decode()] = ([c.strip() for c in m[2].decode().split(",")], m[3])
    return out


def columns(data: bytes, table: str) -> dict[str, list[bytes]]:
    names, body = copy_blocks(data)[table]
    rows = [line.split(b"\t") for line in body.splitlines()]
    return {n: [r[i] for r in rows] for i, n in enumerate(names)}


def run_main(argv: list[str], capsys) -> tuple[int, str, str]:
    """``datagen ARGV`` through its entry point (which turns errors into exit codes):
    (exit code, stdout, stderr)."""
    from datagen.cli import main

    try:
        main(argv)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def table(
    cols: str,
    rows: int = 2000,
    *,
    name: str = "t",
    extra: str = "",
    seed: int = 5,
    locale: str | None = None,
) -> dict[str, list[str]]:
    """The values of one table's columns (YAML list items, as a spec writes them), decoded."""
    head = textwrap.dedent(
        f"""\
        version: 1
        name: g
        seed: {seed}
        {extra}
        {f"locale: {locale}" if locale else ""}
        tables:
          - name: {name}
            rows: {rows}
            columns:
        """
    )
    spec = head + textwrap.indent(textwrap.dedent(cols), " " * 6)
    data = columns(dump(datagen.load_spec_text(spec)), f"public.{name}")
    return {k: [v.decode() for v in vs] for k, vs in data.items()}
