"""``outputs:`` formats no writer supports are spec problems (datagen.spec.outputs)."""

from __future__ import annotations

import pytest

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
    found = problems(["copy", "custom", "sql", "tar"])
    assert [p.path for p in found] == ["outputs[1]", "outputs[3]"]
    assert [p.line for p in found] == [5, 7]
    assert all(p.file == "shop.yaml" for p in found)
    assert "'custom' is not supported" in found[0].message
    assert "'tar' is not supported" in found[1].message
    for p in found:
        assert all(fmt in p.hint for fmt in BUILT)
    assert str(found[0]) == (
        "shop.yaml:5: outputs[1]: output 'custom' is not supported by builds yet "
        f"(`datagen generate -f custom` writes it) (this datagen builds {', '.join(BUILT)})"
    )


BUILT = [f for f, cls in WRITERS.items() if cls.buildable]


@pytest.mark.parametrize("outputs", [[], *([f] for f in BUILT), BUILT])
def test_supported_formats_are_fine(outputs):
    assert problems(outputs) == []


def test_no_outputs_key_means_copy_and_is_fine():
    text = SPEC.format(outputs="").replace("outputs:\n\n", "")
    assert "outputs" not in text
    assert output_problems(load_text(text, "s.yaml"), dataset(["copy"])) == []
