#!/usr/bin/env bash
# Set up .venv (if needed), then lint, check formatting and run the tests with branch coverage.
# Extra arguments go to pytest, e.g. ./scripts/test.sh -k copy -x
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check datagen tests bench dodo.py
.venv/bin/ruff format --check datagen tests bench dodo.py
.venv/bin/mypy
.venv/bin/coverage erase
.venv/bin/coverage run -m pytest "$@"
.venv/bin/coverage combine -q
.venv/bin/coverage report
