"""``import datagen`` is cheap: the public names load their modules on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = {"jsonschema", "yaml", "faker", "doit"}


def imported(code: str) -> set[str]:
    """Every module a fresh interpreter imports to run ``code`` (from ``-X importtime``)."""
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    names = set()
    for line in r.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.split("|")[2].strip())
    assert "datagen" in names, r.stderr[-2000:]  # the parse found the imports
    return names


@pytest.mark.parametrize("code", ["import datagen.rand", "import datagen", "import datagen.errors"])
def test_light_imports_pull_in_nothing_heavy(code):
    names = imported(code)
    assert {n.split(".")[0] for n in names} & HEAVY == set()
    assert "datagen.api" not in names


def test_public_names_load_on_first_use():
    code = (
        "import sys, datagen\n"
        "assert 'datagen.api' not in sys.modules\n"
        "assert datagen.load_spec_text.__module__ == 'datagen.api'\n"
        "assert datagen.SpecError.__module__ == 'datagen.errors'\n"
        "assert 'datagen.api' in sys.modules\n"
        "from datagen import *\n"
        "assert callable(generate) and validate is datagen.validate\n"
        "assert set(datagen.__all__) <= set(dir(datagen))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_names_are_still_attribute_errors():
    import datagen

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        datagen.nope  # noqa: B018
    assert datagen.__version__ == "0.1.0"
    assert {"generate", "SpecError", "__version__"} <= set(dir(datagen))
