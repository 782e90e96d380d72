"""glibc's malloc, told to keep freed memory for the next chunk's arrays.

A chunk's arrays (about 16 MB for 65,536 rows) are freed and made again for every chunk; by
default glibc hands such blocks back to the kernel and faults them in again, page by page. With
:func:`keep_freed_memory` blocks of up to 32 MB come from the heap, which is trimmed only past
512 MB: 1M rows of bench/users.yaml took 1.29-1.49 s before and 1.03-1.20 s after in one process,
0.90-1.03 s and 0.64-0.85 s with two workers (their system time 0.44 s -> 0.17 s). A process
then holds on to its peak (about 110 MB here), no more.

The ``datagen`` command asks for it (:data:`requested`), and its worker processes always take it;
a program that uses the library keeps its own malloc settings. Elsewhere than glibc on Linux
(musl has no ``mallopt``, macOS), nothing happens.
"""

from __future__ import annotations

import sys

requested = False  # set by the command's entry point (datagen/entry.py)

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h>


def keep_freed_memory() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, 32 << 20)
        mallopt(M_TRIM_THRESHOLD, 512 << 20)
