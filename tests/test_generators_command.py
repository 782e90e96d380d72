"""``datagen generators``: the list the unknown-generator hint points to."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from datagen.cli import cli
from datagen.generators import REGISTRY, TYPE_DEFAULTS
from datagen.generators.base import UnknownGenerator, get_or_raise


def run(*argv: str) -> str:
    r = CliRunner().invoke(cli, ["generators", *argv])
    assert r.exit_code == 0, r.output
    return r.output


@pytest.fixture(scope="module")
def catalog() -> dict:
    return json.loads(run("--json"))["generators"]


def test_every_registered_generator_is_listed():
    lines = run().splitlines()
    assert set(REGISTRY) <= set(lines)  # each block starts with the bare name
    assert sorted(n for n in lines if n in REGISTRY) == sorted(REGISTRY)


def test_json_lists_every_generator_sorted_and_stable(catalog):
    assert list(catalog) == sorted(REGISTRY)
    text = run("--json")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert text == run("--json")


def test_json_says_what_picks_each_generator(catalog):
    assert "email" in catalog["email"]["column_names"]
    assert "first_name / firstName" in catalog["first_name"]["column_names"]
    assert (
        "date_of_birth / dateOfBirth (date or timestamp)"
        in catalog["date_of_birth"]["column_names"]
    )
    assert any(
        n.startswith("name (in a table of people") for n in catalog["full_name"]["column_names"]
    )
    assert catalog["constant"]["types"] is None
    assert catalog["email"]["types"] == sorted(REGISTRY["email"].types)
    for base, name in TYPE_DEFAULTS.items():
        assert base in catalog[name]["default_for"]


def test_json_params_come_from_the_generator_schema(catalog):
    for name, cls in REGISTRY.items():
        params = catalog[name]["params"]
        assert set(params) == set(cls.params), name
        for p, doc in params.items():
            assert doc["schema"] == cls.params[p]
            assert doc["required"] == (p in cls.required)
    assert catalog["weighted_enum"]["params"]["values"]["required"] is True


def test_human_output_is_readable():
    text = run()
    block = text.split("\nrange\n")[1].split("\n\n")[0]
    assert "params:        decimals      integer 0..12" in block
    assert "distribution  uniform|normal|zipf|exponential" in block
    assert "default for:   bigint, double precision, integer, numeric, real, smallint" in block
    email = text.split("\nemail\n")[1].split("\n\n")[0]
    assert "column names:  e_mail / eMail, email, email_address / emailAddress, mail" in email
    assert "params:        none" in email
    assert all(len(line) <= 100 for line in text.splitlines())


def test_help_has_an_example():
    r = CliRunner().invoke(cli, ["generators", "--help"])
    assert r.exit_code == 0 and "datagen generators --json" in r.output


def test_the_unknown_generator_hint_names_a_real_command():
    with pytest.raises(UnknownGenerator, match="run 'datagen generators'") as info:
        get_or_raise("zzzzzz")
    command = str(info.value).split("run 'datagen ")[1].split("'")[0]
    assert command in cli.commands
