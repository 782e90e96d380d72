"""Pieces of a written file that are bytes of another file, copied by the kernel.

:func:`datagen.fileio.atomic_write` takes :class:`FileSlice` pieces beside bytes: a dump assembled
from cache objects copies each with ``os.copy_file_range`` (a reflink on filesystems that share
blocks), without reading it into Python or hashing it again; where the kernel cannot (a pipe,
another filesystem on an old kernel, no such call) the bytes go through Python in blocks.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

READ_SIZE = 1 << 20  # the block size of every read of a file

Failed = Callable[[OSError], Exception]  # a failed write of the target -> the error to raise


@dataclass(frozen=True)
class FileSlice:
    """A piece of :func:`~datagen.fileio.atomic_write`: bytes of another file (a cache
    object), copied by the kernel where the OS can, never read into Python, never hashed: its
    ``digest`` (xxh3-128) is taken on the caller's word, which its meta gives (empty where no
    digest of the result is kept: a worker's spooled chunk in ``generate``)."""

    path: Path
    size: int
    digest: str


Piece = bytes | memoryview | FileSlice  # a memoryview: flat, of bytes (an array's memory)


# copy_file_range cannot serve these file pairs (another filesystem on older kernels, a pipe, a
# filesystem without it): the bytes go through Python instead
_NO_KERNEL_COPY = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ESPIPE}


def copy_slice(piece: FileSlice, fh: BinaryIO, failed: Failed) -> None:
    """Append ``piece.size`` bytes of ``piece.path`` to ``fh``: in the kernel when both are
    regular files (``os.copy_file_range``), else block by block. A source shorter than its
    size is an OSError naming it (it changed after its meta was read)."""
    with open(piece.path, "rb") as src:
        done = _kernel_copy(src, fh, piece.size, failed) if fh.seekable() else 0
        while done < piece.size:
            block = src.read(min(READ_SIZE, piece.size - done))
            if not block:
                break
            try:
                fh.write(block)
            except OSError as e:
                raise failed(e) from None
            done += len(block)
    if done != piece.size:
        raise OSError(errno.EIO, f"{piece.path} is shorter than its {piece.size} bytes")


def _kernel_copy(src: BinaryIO, fh: BinaryIO, size: int, failed: Failed) -> int:
    """Bytes copied by ``os.copy_file_range`` from ``src`` to the end of ``fh`` (0 when the
    kernel cannot: the caller copies the rest itself); ``src`` is left after them."""
    copy_range = getattr(os, "copy_file_range", None)
    if copy_range is None:
        return 0
    try:
        fh.flush()
        at = fh.tell()
    except OSError as e:
        raise failed(e) from None
    done = 0
    while done < size:
        try:
            n = copy_range(src.fileno(), fh.fileno(), size - done, done, at + done)
        except OSError as e:
            if e.errno in _NO_KERNEL_COPY:
                break
            raise failed(e) from None
        if n == 0:
            break  # the source ended early: the caller's read says so
        done += n
    fh.seek(at + done)
    src.seek(done)
    return done
