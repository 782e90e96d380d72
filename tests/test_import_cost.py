"""``import datagen`` is cheap: the public names load their modules on first use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


ROOT = Path(__file__).resolve().parents[1]
GENERATE = ["-m", "datagen", "generate", "--rows", "users=1", "-o", os.devnull, "-q"]
#: what a plain dump of a spec without CHECKs or DEFAULTs never needs once the pool cache is
#: warm: Faker (faker.config scans every locale), pglast, the archive writers,
#: importlib.metadata (the versions are read from the dist-info), multiprocessing (-j 1)
NOT_FOR_PLAIN = {"faker", "faker.config", "pglast", "datagen.writers.archive", "tarfile"}
NOT_FOR_PLAIN |= {"datagen.spec.expression_checks", "importlib.metadata", "multiprocessing"}


def generate_imports(spec: Path, pools: Path) -> set[str]:
    """The modules ``datagen generate spec`` imports, with the pool cache at ``pools``."""
    env = {**os.environ, "DATAGEN_POOL_CACHE": str(pools)}
    r = subprocess.run(
        [sys.executable, "-X", "importtime", *GENERATE, str(spec)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    names = {
        line.split("|")[2].strip()
        for line in r.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    assert "datagen.cli" in names, r.stderr[-2000:]
    return names


def test_a_plain_generate_with_a_warm_pool_cache_imports_nothing_it_does_not_use(tmp_path):
    spec = ROOT / "bench" / "users.yaml"
    cold = generate_imports(spec, tmp_path / "pools")
    assert "faker" in cold  # the first run reads Faker's data, and keeps it
    assert "jsonschema" in cold  # and checks the spec, and remembers that it passed
    warm = generate_imports(spec, tmp_path / "pools")
    assert warm & (NOT_FOR_PLAIN | {"jsonschema"}) == set()
    assert "numpy" in warm  # needed by every run


def test_checks_and_archives_still_load_what_they_need(tmp_path):
    spec = tmp_path / "checked.yaml"
    spec.write_text((ROOT / "bench" / "users.yaml").read_text() + "    checks: ['score >= 10']\n")
    names = generate_imports(spec, tmp_path / "pools")
    assert {"pglast", "datagen.spec.expression_checks"} <= names


def test_format_names_are_the_registered_formats():
    code = (
        "import sys, datagen.writers as w\n"
        "assert 'datagen.writers.archive' not in sys.modules\n"
        "names = list(w.WRITERS)\n"
        "assert 'datagen.writers.archive' in sys.modules\n"
        "assert tuple(names) == w.FORMAT_NAMES == tuple(w.FORMATS), names\n"
        "assert type(w.writer_for('tar')).__name__ == 'TarWriter'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_versions_read_from_dist_info_agree_with_importlib_metadata():
    """In a fresh interpreter, as the command starts (a library that adds a finder of its own,
    as distributed does with importlib_metadata's, makes datagen ask importlib.metadata)."""
    code = (
        "from importlib.metadata import version\n"
        "from datagen.versions import _dist_info_version\n"
        "for name in ('faker', 'numpy', 'pglast', 'PyYAML', 'typing-extensions'):\n"
        "    assert _dist_info_version(name) == version(name), name\n"
        "import datagen.versions as v, distributed\n"
        "assert v._dist_info_version('faker') is None and v.version('faker') == version('faker')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
