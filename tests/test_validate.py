"""Every validation error class names the place (file:line, path) and suggests a fix.

Each file in fixtures/invalid/ lists its expected problems as ``# error: PATH | MESSAGE | HINT``
lines (substrings); the spec must produce exactly those problems, in any order.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import datagen
from datagen.errors import SpecError
from datagen.spec.structure import schema

INVALID = sorted((Path(__file__).parent / "fixtures" / "invalid").glob("*.yaml"))
VALID = sorted((Path(__file__).parent / "fixtures" / "specs").glob("*.yaml")) + sorted(
    (Path(__file__).parent.parent / "datasets").glob("*.yaml")
)


def expected(path: Path) -> list[tuple[str, str, str]]:
    out = []
    for line in path.read_text().splitlines():
        if line.startswith("# error:"):
            parts = [p.strip() for p in line[len("# error:") :].split("|")]
            out.append((parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return out


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_spec_reports_every_problem(path):
    with pytest.raises(SpecError) as info:
        datagen.load_spec(path)
    problems = info.value.problems
    want = expected(path)
    assert want, f"{path.name} has no '# error:' line"
    lines = path.read_text().splitlines()
    unmatched = list(problems)
    for where, message, hint in want:
        match = [p for p in unmatched if p.path == where and message in p.message]
        assert match, f"no problem at {where!r} with {message!r}; got:\n{info.value}"
        p = match[0]
        unmatched.remove(p)
        assert hint in (p.hint or ""), f"hint {p.hint!r} lacks {hint!r}"
        assert p.file == str(path)
        assert p.line is not None and 1 <= p.line <= len(lines)
        last = where.rsplit(".", 1)[-1].split("[")[0]
        if last and not where.endswith("]") and "invalid YAML" not in message:
            assert last in lines[p.line - 1], f"line {p.line} does not show {last!r}"
        assert str(p).startswith(f"{path}:{p.line}: ")
    assert not unmatched, "unexpected problems:\n" + "\n".join(map(str, unmatched))


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_specs_validate(path):
    reports = datagen.validate([path])
    assert reports[0].ok, "\n".join(map(str, reports[0].problems))


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"].endswith("2020-12/schema")


def test_json_specs_validate_like_yaml(tmp_path):
    import yaml

    data = yaml.safe_load((Path(__file__).parent.parent / "datasets" / "shop.yaml").read_text())
    data["tables"][0]["columns"][1]["type"] = "varchr(255)"
    path = tmp_path / "shop.json"
    path.write_text(json.dumps(data, indent=2))
    with pytest.raises(SpecError) as info:
        datagen.load_spec(path)
    (p,) = info.value.problems
    assert p.path == "tables[0].columns[1].type"
    assert "varchr" in path.read_text().splitlines()[p.line - 1]
    assert p.hint == "did you mean 'varchar'?"


def test_invalid_json_points_at_the_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "version": 1,\n  "name": "x",\n  "tables": [,]\n}\n')
    with pytest.raises(SpecError) as info:
        datagen.load_spec(path)
    assert info.value.problems[0].line == 4


def test_rows_override_names_a_table():
    with pytest.raises(SpecError) as info:
        datagen.load_spec(
            Path(__file__).parent.parent / "datasets" / "shop.yaml", rows={"order": 5}
        )
    assert "did you mean 'orders'?" in str(info.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(SpecError, match="no such file"):
        datagen.load_spec(tmp_path / "nope.yaml")
    with pytest.raises(SpecError, match="is a directory"):
        datagen.load_spec(tmp_path)


def test_unenforced_checks_are_warnings(tmp_path):
    spec = tmp_path / "w.yaml"
    spec.write_text(
        "version: 1\nname: w\ntables:\n  - name: t\n    rows: 5\n    columns:\n"
        "      - {name: a, type: integer}\n      - {name: b, type: integer}\n"
        "    checks:\n      - a + b > 0\n      - a >= 1\n"
    )
    (report,) = datagen.validate([spec])
    assert report.ok
    assert len(report.warnings) == 1
    assert "CHECK (a + b > 0) is not enforced" in str(report.warnings[0])
    assert str(report.warnings[0]).startswith(f"{spec}:10: tables[0].checks[0]")
