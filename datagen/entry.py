"""The ``datagen`` command's entry point: a no-op ``build`` or ``check`` answered from the stamp
(:mod:`datagen.stamp`) before anything heavy is imported, everything else by the CLI."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run ``datagen``; ``DATAGEN_NO_STAMP=1`` always takes the full path."""
    args = sys.argv[1:] if argv is None else argv
    if not os.environ.get("DATAGEN_NO_STAMP"):
        from . import stamp

        if stamp.no_op(args):
            return
    # datagen does no linear algebra: OpenBLAS's thread pool only costs start-up, in every worker
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from . import malloc

    malloc.requested = True  # this process and its workers keep freed memory for the next chunk
    from .cli import main as cli_main

    cli_main(argv)
