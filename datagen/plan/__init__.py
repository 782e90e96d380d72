"""The compiled plan: every column's value source, chosen and checked once per spec.

``compile_dataset(model)`` returns a frozen :class:`Compiled` (dataset, plan, warnings); its table
plans generate any chunk of rows on any worker with the same bytes (:func:`generate_chunk`).
"""

from .compile import (
    CHUNK_ROWS,
    Compiled,
    DatasetPlan,
    chunks,
    compile_dataset,
    compile_document,
    generate_chunk,
    generate_columns,
)
from .table import TablePlan

__all__ = [
    "CHUNK_ROWS",
    "Compiled",
    "DatasetPlan",
    "TablePlan",
    "chunks",
    "compile_dataset",
    "compile_document",
    "generate_chunk",
    "generate_columns",
]
