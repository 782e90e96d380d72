"""Output formats a spec asks for that no writer of this datagen supports.

The spec schema names every format the spec language knows (``custom``, ``directory`` and ``tar``
included); only those in :data:`datagen.writers.FORMATS` can be written, so ``validate`` reports
the others instead of leaving ``build`` to refuse them later.

Example:
    >>> from datagen.spec.load import load_text
    >>> from datagen.spec.model import Dataset
    >>> doc = load_text("version: 1\\nname: x\\noutputs: [copy, custom]\\ntables: []\\n", "x.yaml")
    >>> output_problems(doc, Dataset("x", 0, "en_US", ["copy", "custom"], {}, []))
    []
    >>> for p in output_problems(doc, Dataset("x", 0, "en_US", ["copy", "csv"], {}, [])):
    ...     print(p.line, p.path, p.message)
    ...     print(p.hint)
    3 outputs[1] output 'csv' is not supported by builds
    this datagen builds copy, sql, custom, directory, tar
"""

from __future__ import annotations

from ..errors import Problem
from .load import SpecDocument
from .model import Dataset


def output_problems(doc: SpecDocument, dataset: Dataset) -> list[Problem]:
    """One problem per entry of ``outputs:`` that names a format no writer supports."""
    from ..writers import FORMAT_NAMES  # imported when checking: not needed to load

    supported = ", ".join(FORMAT_NAMES)
    return [
        doc.problem(
            f"outputs[{i}]",
            f"output {fmt!r} is not supported by builds",
            f"this datagen builds {supported}",
        )
        for i, fmt in enumerate(dataset.outputs)
        if fmt not in FORMAT_NAMES
    ]
