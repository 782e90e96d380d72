"""The built-in templates: each is a valid, recognisable app schema that loads into PostgreSQL,
and the commands that list, show, copy and generate them behave as the other commands do."""

from __future__ import annotations

import io
import re
from importlib import resources
from pathlib import Path

import pytest
import yaml
from dumps import run_main
from test_load import CONSTRAINTS, expected_constraints

import datagen
from datagen import templates
from datagen.api import generate_to_path
from datagen.pipeline import build as pipeline

NAMES = templates.NAMES


def spec_data(name: str) -> dict:
    return yaml.safe_load(templates.text(name))


@pytest.fixture(scope="module", params=NAMES)
def compiled(request):
    return request.param, templates.compile_template(request.param)


# ---- the templates themselves -----------------------------------------------------------------


def test_the_four_templates_ship_as_package_data():
    assert NAMES == ("ecommerce", "saas", "healthcare", "finance")
    assert templates.shipped() == sorted(NAMES)
    for name in NAMES:
        found = resources.files("datagen.templates").joinpath(f"{name}.yaml")
        assert found.is_file(), name


def test_package_data_includes_the_templates():
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8")
    assert '"templates/*.yaml"' in pyproject


def test_each_template_validates_with_no_problem_or_warning(compiled):
    name, c = compiled
    (report,) = datagen.validate([_template_file(name)])
    assert report.problems == [], report.problems
    assert report.warnings == [], [str(w) for w in report.warnings]
    assert c.dataset.name == name


def _template_file(name: str) -> Path:
    return Path(str(resources.files("datagen.templates").joinpath(f"{name}.yaml")))


def test_each_template_has_6_to_12_tables_and_modest_rows(compiled):
    name, c = compiled
    tables = c.dataset.tables
    assert 6 <= len(tables) <= 12, name
    assert 10_000 <= sum(t.rows for t in tables) <= 30_000, name


def _columns(data: dict) -> list[tuple[dict, dict]]:
    return [(t, col) for t in data["tables"] for col in t["columns"]]


@pytest.mark.parametrize("name", NAMES)
def test_each_template_shows_every_feature(name):
    """Composite key, nullable FK with a null_rate, weighted_enum, timeseries and a CHECK."""
    data = spec_data(name)
    cols = _columns(data)
    assert any(len(t.get("primary_key", [])) >= 2 for t in data["tables"]), "composite key"
    assert any(
        c.get("references") and c.get("nullable", True) and c.get("null_rate", 0) > 0
        for _, c in cols
    ), "nullable FK with null_rate"
    assert any(c.get("generator") == "weighted_enum" for _, c in cols), "weighted_enum"
    assert any(c.get("generator") == "timeseries" for _, c in cols), "timeseries"
    assert any(t.get("checks") for t in data["tables"]), "a CHECK"


@pytest.mark.parametrize("name", NAMES)
def test_most_columns_are_names_and_types_only(name):
    cols = [c for _, c in _columns(spec_data(name))]
    plain = [c for c in cols if "generator" not in c]
    assert len(plain) / len(cols) >= 0.6, f"{name}: {len(plain)} of {len(cols)} without generator"


def test_the_example_ratios_of_the_shop():
    rows = {t.name: t.rows for t in templates.compile_template("ecommerce").dataset.tables}
    assert (rows["customers"], rows["orders"], rows["order_items"]) == (1000, 3000, 9000)


def test_templates_are_deterministic():
    a, b = io.BytesIO(), io.BytesIO()
    datagen.generate(templates.compile_template("saas", rows={"audit_events": 50}), a)
    datagen.generate(templates.compile_template("saas", rows={"audit_events": 50}), b)
    assert a.getvalue() == b.getvalue()


# ---- loading into PostgreSQL ------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("fmt", ["copy", "sql"])
@pytest.mark.parametrize("name", NAMES)
def test_template_loads_with_every_constraint_valid(pg, tmp_path, name, fmt):
    c = templates.compile_template(name)
    out = tmp_path / f"{name}.{fmt}.sql"
    generate_to_path(c, str(out), fmt)
    db = pg.load_sql(out)  # psql -v ON_ERROR_STOP=1
    constraints = pg.query(db, CONSTRAINTS)
    assert len(constraints) == expected_constraints(c.dataset)
    assert all(r[3] == "t" for r in constraints), [r for r in constraints if r[3] != "t"]
    for t in c.dataset.tables:
        count = pg.scalar(db, f'select count(*) from "{t.schema}"."{t.name}"')
        assert count == str(t.rows), (name, t.name)
    # the nullable FKs got NULLs, near their null_rate (within 4 standard deviations)
    rows = {t.name: t.rows for t in c.dataset.tables}
    for t in spec_data(name)["tables"]:
        for col in t["columns"]:
            rate = col.get("null_rate", 0)
            if col.get("references") and rate:
                nulls = pg.scalar(
                    db, f'select avg(("{col["name"]}" is null)::int) from "{t["name"]}"'
                )
                slack = 4 * (rate * (1 - rate) / rows[t["name"]]) ** 0.5
                assert nulls is not None and abs(float(nulls) - rate) < slack, (t["name"], col)


# ---- the commands -----------------------------------------------------------------------------


def test_templates_lists_each_name_with_its_description(capsys):
    code, out, err = run_main(["templates"], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(NAMES)
    for line, name in zip(lines, NAMES, strict=True):
        assert line.split(None, 1)[1] == templates.description(name)
        assert len(templates.description(name)) > 30


def test_templates_show_prints_the_yaml(capsys):
    code, out, err = run_main(["templates", "show", "healthcare"], capsys)
    assert (code, err) == (0, "")
    assert out == templates.text("healthcare")
    assert yaml.safe_load(out)["name"] == "healthcare"
    assert "icd10_code" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["templates", "show", "ecomerce"],
        ["init", "shop", "--template", "ecomerce"],
        ["generate", "--template", "ecomerce", "-o", "-"],
    ],
)
def test_an_unknown_template_is_an_error_with_a_suggestion(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(argv, capsys)
    assert code == 2
    assert out == ""
    assert err == (
        "Error: unknown template 'ecomerce' (did you mean 'ecommerce'?); "
        "the templates are: ecommerce, saas, healthcare, finance\n"
    )
    assert not (tmp_path / "datasets").exists()


def test_an_unrelated_name_gets_the_list_without_a_guess(capsys):
    code, _, err = run_main(["templates", "show", "zzz"], capsys)
    assert code == 2
    assert "did you mean" not in err and "ecommerce, saas, healthcare, finance" in err


def test_init_writes_the_template_under_the_new_name(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["init", "shop", "--template", "ecommerce"], capsys)
    assert (code, err) == (0, "")
    path = tmp_path / "datasets" / "shop.yaml"
    text = path.read_text("utf-8")
    assert yaml.safe_load(text)["name"] == "shop"
    assert text == templates.text("ecommerce").replace("name: ecommerce\n", "name: shop\n", 1)
    assert "datasets/shop.yaml" in out and "datagen build shop" in out
    ds = datagen.load_spec(path)
    assert ds.name == "shop"


def test_init_refuses_to_overwrite_without_force(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "datasets").mkdir()
    path = tmp_path / "datasets" / "shop.yaml"
    path.write_text("# mine\n")
    code, out, err = run_main(["init", "shop", "--template", "saas"], capsys)
    assert (code, out) == (1, "")
    assert err == "Error: datasets/shop.yaml already exists; use --force to replace it\n"
    assert path.read_text() == "# mine\n"

    code, out, err = run_main(["init", "shop", "--template", "saas", "--force"], capsys)
    assert (code, err) == (0, "")
    assert yaml.safe_load(path.read_text())["name"] == "shop"
    assert "organizations" in path.read_text()


@pytest.mark.parametrize("name", ["Shop", "my shop", "", "../x"])
def test_init_rejects_a_name_that_cannot_name_a_dataset(capsys, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["init", name, "--template", "saas"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"Error: dataset name {name!r}: use lower-case letters")
    assert not (tmp_path / "datasets").exists()


def test_init_needs_a_template(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["init", "shop"], capsys)
    assert code == 2 and "--template" in err


def test_build_works_on_a_repository_made_by_init(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_main(["init", "clinic", "--template", "healthcare"], capsys)[0] == 0
    # smaller tables keep the build quick; the spec's structure is the template's
    spec = tmp_path / "datasets" / "clinic.yaml"
    spec.write_text(re.sub(r"rows: \d+", "rows: 40", spec.read_text()))
    code, out, err = run_main(["build"], capsys)
    assert code == 0, err
    assert "clinic: wrote build/clinic.sql" in out
    dump = (tmp_path / "build" / "clinic.sql").read_text()
    assert "CREATE TABLE public.diagnoses" in dump
    assert (tmp_path / "datasets" / "clinic.lock.json").exists()
    assert pipeline.check(str(tmp_path), None) == []


def test_generate_template_writes_its_default_file(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["generate", "--template", "finance", "-q"], capsys)
    assert (code, out, err) == (0, "", "")
    dump = (tmp_path / "finance.sql").read_bytes()
    expected = io.BytesIO()
    datagen.generate(templates.compile_template("finance"), expected)
    assert dump == expected.getvalue()


def test_generate_template_to_stdout_with_overrides(capsys):
    argv = ["generate", "--template", "saas", "-o", "-", "-f", "sql", "--seed", "3"]
    code, out, err = run_main([*argv, "--rows", "audit_events=10", "--scale", "0.5"], capsys)
    assert (code, err) == (0, "")
    expected = io.BytesIO()
    c = templates.compile_template("saas", seed=3, rows={"audit_events": 10}, scale=0.5)
    datagen.generate(c, expected, "sql")
    assert out == expected.getvalue().decode()
    assert out.count("INSERT INTO public.audit_events") == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["generate"], "Missing argument 'SPEC' (a file, or - for stdin), or --template T."),
        (["generate", "x.yaml", "--template", "saas"], "give SPEC or --template T, not both"),
    ],
)
def test_generate_takes_exactly_one_of_spec_and_template(capsys, argv, message):
    code, out, err = run_main(argv, capsys)
    assert (code, out) == (2, "")
    assert f"Error: {message}" in err
    assert "Usage: datagen generate" in err
