"""``outputs:`` formats no writer supports are spec problems (datagen.spec.outputs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import datagen
from datagen.spec.load import load_text
from datagen.spec.model import Dataset
from datagen.spec.outputs import output_problems
from datagen.writers import WRITERS

SPEC = """\
version: 1
name: shop
outputs:
{outputs}
tables:
  - name: users
    rows: 1
    columns:
      - {{name: id, type: bigint}}
"""


def problems(outputs: list[str], file: str = "shop.yaml"):
    block = "\n".join(f"  - {o}" for o in outputs) if outputs else "  []"
    text = SPEC.format(outputs=block)
    return output_problems(load_text(text, file), dataset(outputs))


def dataset(outputs: list[str]) -> Dataset:
    """The compiled dataset as far as outputs go (built directly: compile_document may call
    output_problems itself and refuse these specs)."""
    return Dataset("shop", 0, "en_US", outputs, {}, [])


def test_unsupported_formats_are_reported_with_place_line_and_hint():
    # the schema names only formats a writer supports; a format without one (a schema ahead of
    # its writers) is reported at its place, with the formats there are
    found = problems(["copy", "csv", "sql", "parquet"])
    assert [p.path for p in found] == ["outputs[1]", "outputs[3]"]
    assert [p.line for p in found] == [5, 7]
    assert all(p.file == "shop.yaml" for p in found)
    for p in found:
        assert all(fmt in p.hint for fmt in BUILT)
    assert str(found[0]) == (
        "shop.yaml:5: outputs[1]: output 'csv' is not supported by builds "
        f"(this datagen builds {', '.join(BUILT)})"
    )


def test_every_format_the_spec_language_names_is_built():
    schema = json.loads((Path(datagen.__file__).parent / "spec" / "spec.schema.json").read_text())
    assert set(schema["properties"]["outputs"]["items"]["enum"]) == set(BUILT)


BUILT = list(WRITERS)


@pytest.mark.parametrize("outputs", [[], *([f] for f in BUILT), BUILT])
def test_supported_formats_are_fine(outputs):
    assert problems(outputs) == []


def test_no_outputs_key_means_copy_and_is_fine():
    text = SPEC.format(outputs="").replace("outputs:\n\n", "")
    assert "outputs" not in text
    assert output_problems(load_text(text, "s.yaml"), dataset(["copy"])) == []
