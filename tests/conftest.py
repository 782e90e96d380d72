"""Shared fixtures: a throwaway PostgreSQL cluster, spec files, and a CLI runner."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pgcluster import Cluster, find_bindir

FIXTURES = Path(__file__).parent / "fixtures"

# Faker-built lists are kept on disk (datagen.generators.poolcache): the tests use a cache of
# their own (cold at the start of every session), never the user's ~/.cache
os.environ.setdefault("DATAGEN_POOL_CACHE", tempfile.mkdtemp(prefix="datagen-pools-"))


@pytest.fixture(scope="session")
def pg() -> Iterator[Cluster]:
    """A PostgreSQL cluster for the whole session (skipped without binaries, except in CI)."""
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL binaries are missing in CI (set PG_BINDIR or install them)")
        pytest.skip("PostgreSQL binaries not found (set PG_BINDIR to run these tests)")
    cluster = Cluster(bindir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def write_spec(tmp_path: Path):
    """Write a YAML spec (dedented) into tmp_path and return its path."""

    def write(text: str, name: str = "spec.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-long",
        action="store_true",
        help="run the spec fuzzer for thousands of examples instead of the CI budget",
    )


@pytest.fixture(scope="session")
def fuzz_examples(request: pytest.FixtureRequest) -> int:
    """How many specs the fuzzer tries: a few hundred in CI, thousands with --fuzz-long."""
    return 5000 if request.config.getoption("--fuzz-long") else 300
