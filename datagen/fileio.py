"""Files written whole or not at all: a temporary name, then a rename.

Every file datagen writes (dumps, cache objects, metas, locks) goes through :func:`atomic_write`,
so an interrupted run never leaves a half-written file under the real name, and the next write of
the same file removes the temporary files of writers that were killed on this host.

A target that exists and is not a regular file (``/dev/null``, a FIFO, a terminal) is written
straight to: renaming over it would destroy it. A symlink is followed, so the file it names is
replaced and the link itself stays.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.json"
    >>> write_json(p, {"b": 1, "a": "é"})
    >>> p.read_text("utf-8")
    '{\\n  "a": "é",\\n  "b": 1\\n}\\n'
    >>> atomic_write(pathlib.Path("/dev/null"), [b"gone"])[0]   # /dev/null stays a device
    4
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import secrets
import shutil
import socket
import stat
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath
from typing import Any, BinaryIO, TypeVar

import xxhash

from .errors import WriterError
from .fileslice import READ_SIZE, FileSlice, Piece, copy_slice


def _host() -> str:
    """This host's name as it appears in temporary file names: only ``[A-Za-z0-9-]``."""
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname()) or "localhost"


HOST = _host()
PathT = TypeVar("PathT", bound=PurePath)


def temp_path(path: PathT) -> PathT:
    """A fresh temporary name beside ``path``: ``.NAME.HOST.PID.RAND.tmp``. On shared storage
    (NFS) a pid means something only on the host that wrote it: :func:`_remove_orphans` deletes
    only this host's files."""
    return path.with_name(f".{path.name}.{HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` both exist and are one file (same device and inode).

    >>> same_file("/dev/null", "/dev/../dev/null"), same_file("/dev/null", "/nonexistent")
    (True, False)
    """
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def cannot_write(path: Path | str, e: OSError) -> WriterError:
    """The one-line error for a failed write: ``cannot write PATH: CAUSE``."""
    return WriterError(f"cannot write {path}: {e.strerror or e}")


def atomic_write(
    path: Path,
    pieces: Iterable[Piece],
    *,
    parents: bool = True,
    durable: bool = True,
    finish: Callable[[BinaryIO], None] | None = None,
) -> tuple[int, str]:
    """Write ``pieces`` to ``path`` via a temporary file and a rename; returns (size, digest),
    the xxh3-128 of the bytes (of the pieces when some are file slices: see :func:`_copy`).

    ``parents`` creates missing parent directories. ``durable`` (the default, for what users
    consume: dumps and locks) flushes the file to disk before the rename and the directory after
    it, so after a power loss the path holds the old file or the whole new one, never an empty
    one. The cache passes ``durable=False``: its objects are checked against their metas (size,
    and the digest whenever they are read) and made again when a crash damaged them, which is
    cheaper than two fsyncs (about 9 ms here) per object. A failure to write raises
    :class:`~datagen.errors.WriterError` naming ``path`` and leaves no temporary file behind; an
    exception raised while producing ``pieces`` propagates unchanged.

    ``finish`` is called with the open file after the last piece (a writer that rewrites its
    head in place there, such as the custom archive's offsets); the digest returned is then of
    the pieces as they were streamed.
    """
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        special = False  # missing (or unreachable: opening the temporary file says why)
    if special and not path.is_dir():
        return _write_through(path, pieces, finish)
    shown, path = path, _follow(path)
    try:
        if parents:
            for parent in reversed(path.parents):  # "File exists" would not say which, or why
                if parent.exists() and not parent.is_dir():
                    raise WriterError(f"cannot write {shown}: {parent} is not a directory")
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_path(path)
        fh = open(tmp, "xb")  # noqa: SIM115  (closed below, before the rename)
    except OSError as e:
        raise cannot_write(shown, e) from None
    try:
        result = _copy(pieces, fh, shown)
        _finish(finish, fh, shown)
        if durable:
            _sync(fh, shown)
        _close(fh, shown)
        try:
            os.replace(tmp, path)
            if durable:
                _sync_dir(path.parent)
        except OSError as e:
            raise cannot_write(shown, e) from None
    except BaseException:
        with contextlib.suppress(OSError):
            fh.close()
        _discard(tmp)
        raise
    with contextlib.suppress(OSError):  # the write succeeded; tidying up is best effort
        _remove_orphans(path)
    return result


def _follow(path: Path) -> Path:
    """``path``, or the file a symlink at ``path`` names (replacing that keeps the link)."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def _finish(finish: Callable[[BinaryIO], None] | None, fh: BinaryIO, shown: Path) -> None:
    if finish is None:
        return
    try:
        finish(fh)
    except OSError as e:
        raise cannot_write(shown, e) from None


def _write_through(
    path: Path, pieces: Iterable[Piece], finish: Callable[[BinaryIO], None] | None = None
) -> tuple[int, str]:
    """Write into an existing device, FIFO or terminal: no temporary file, no rename."""
    try:
        fh = open(path, "wb")  # noqa: SIM115  (closed below)
    except OSError as e:
        raise cannot_write(path, e) from None
    try:
        result = _copy(pieces, fh, path)
        _finish(finish, fh, path)
        _close(fh, path)
    except BaseException:
        with contextlib.suppress(OSError):
            fh.close()
        raise
    return result


def _copy(pieces: Iterable[Piece], fh: BinaryIO, shown: Path) -> tuple[int, str]:
    """Write every piece to ``fh``; returns (size, digest).

    The digest is the xxh3-128 of the bytes when every piece is bytes. With :class:`FileSlice`
    pieces it is :func:`combine_digests` of the runs between them and the slices' own digests
    (``[run, slice, run, ..., slice, run]``): the slices are copied, not read, so nothing hashes
    them twice. A failed write raises WriterError; an exception raised while producing a piece
    (even an OSError, say from reading a cache object) propagates as it is.
    """
    h = xxhash.xxh3_128()
    runs: list[str] = []
    size = 0
    for piece in pieces:
        if isinstance(piece, FileSlice):
            runs += [h.hexdigest(), piece.digest]
            h = xxhash.xxh3_128()
            copy_slice(piece, fh, lambda e: cannot_write(shown, e))
            size += piece.size
            continue
        try:
            fh.write(piece)
        except OSError as e:
            raise cannot_write(shown, e) from None
        h.update(piece)
        size += len(piece)
    return size, combine_digests([*runs, h.hexdigest()]) if runs else h.hexdigest()


def _sync(fh: BinaryIO, shown: Path) -> None:
    """Flush ``fh``'s bytes to the disk (a full disk or an I/O error surfaces here)."""
    try:
        fh.flush()
        os.fsync(fh.fileno())
    except OSError as e:
        raise cannot_write(shown, e) from None


def _sync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the platform can open a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # no directory handles here (e.g. Windows): the rename is as durable as it gets
    try:
        with contextlib.suppress(OSError):  # some filesystems refuse it; the file was synced
            os.fsync(fd)
    finally:
        os.close(fd)


def _close(fh: BinaryIO, shown: Path) -> None:
    """Close ``fh``; the last buffered bytes are written now, so this can fail too."""
    try:
        fh.close()
    except OSError as e:
        raise cannot_write(shown, e) from None


def _discard(tmp: Path) -> None:
    """Remove a temporary file; a failure here must never hide the error being raised."""
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)


_TMP_NAME = re.compile(r"\.(?P<of>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>[0-9]+)\.[0-9a-f]+\.tmp")


def temp_writer(name: str) -> tuple[str, str, int] | None:
    """(NAME, HOST, PID) of a :func:`temp_path` name ``.NAME.HOST.PID.RAND.tmp``; else None."""
    return (m["of"], m["host"], int(m["pid"])) if (m := _TMP_NAME.fullmatch(name)) else None


def _remove_orphans(path: Path) -> None:
    """Delete temporary files left for ``path`` by writers on this host that were killed (their
    pid is gone). Files of other hosts, and of the older ``.NAME.PID.RAND.tmp`` form (which does
    not say its host), are left alone."""
    for stale in path.parent.glob(f"{glob.escape(f'.{path.name}.')}*.tmp"):
        w = temp_writer(stale.name)
        if w and w[0] == path.name and w[1] == HOST and not alive(w[2]):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)  # of atomic_write_tree
            else:
                stale.unlink(missing_ok=True)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie nobody reaped does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        proc = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return proc.rpartition(")")[2].split()[0] not in ("Z", "X")


def stable_json(doc: Any) -> str:
    """JSON that rewrites byte for byte: sorted keys, 2-space indent, UTF-8, final newline."""
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def read_json(path: Path) -> Any:
    """A JSON file's content, or None when it is missing or not whole JSON."""
    try:
        return json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def write_json(path: Path, doc: Any, *, durable: bool = True) -> None:
    """:func:`stable_json`, written atomically."""
    atomic_write(path, [stable_json(doc).encode("utf-8")], durable=durable)


def combine_digests(digests: list[str]) -> str:
    """The digest of a sequence of chunk digests (a table's digest, without re-reading data)."""
    return xxhash.xxh3_128_hexdigest("\n".join(digests).encode())


def file_digest(path: Path) -> tuple[int, str]:
    """(size, xxh3-128) of a file, read in blocks."""
    h, size = xxhash.xxh3_128(), 0
    with open(path, "rb") as fh:
        while block := fh.read(READ_SIZE):
            h.update(block)
            size += len(block)
    return size, h.hexdigest()


def _tree_digest(files: list[tuple[str, int, str]]) -> tuple[int, str]:
    """(bytes, digest) of a directory from its files' (name, size, xxh3-128), in name order."""
    lines = "".join(f"{n}\t{size}\t{d}\n" for n, size, d in sorted(files))
    return sum(f[1] for f in files), xxhash.xxh3_128_hexdigest(lines.encode("utf-8"))


def tree_digest(path: Path) -> tuple[int, str]:
    """(bytes, digest) of a directory written by :func:`atomic_write_tree`, read back."""
    return _tree_digest([(p.name, *file_digest(p)) for p in path.iterdir() if p.is_file()])


def is_archive_dir(path: Path) -> bool:
    """Whether ``path`` is a directory archive (it holds ``toc.dat``), not a link to one: what
    :func:`atomic_write_tree` may replace and ``gc`` or ``doit clean`` may remove whole."""
    return path.is_dir() and not path.is_symlink() and (path / "toc.dat").is_file()


def atomic_write_tree(
    path: Path, files: Iterable[tuple[str, Iterable[bytes]]], *, durable: bool = True
) -> tuple[int, str]:
    """Write a directory of ``files`` (name, pieces) whole or not at all: into a temporary
    directory beside ``path``, then renamed to it. A directory ``path`` already holds is moved
    aside first and removed after; if the second rename fails (or the run is interrupted between
    the two) it is moved back, so ``path`` holds the old directory or the new one. Returns
    (bytes, digest) as :func:`tree_digest` reads them.

    An existing ``path`` is replaced only when it is an archive (:func:`is_archive_dir`) or an
    empty directory: any other directory or file there is refused, never removed, and so is the
    current directory or one of its parents.
    """
    path = Path(os.path.abspath(path))
    here = Path.cwd()
    if path == here or path in here.parents:
        raise WriterError(
            f"cannot write {path}: it is the current directory or holds it; name a new one"
        )
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise WriterError(f"cannot write {path}: it exists and is not a directory; remove it first")
    if path.is_dir() and any(path.iterdir()) and not is_archive_dir(path):
        raise WriterError(
            f"cannot write {path}: it is a directory that is not an archive (no toc.dat); "
            "remove it or name another"
        )
    tmp = temp_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
    except OSError as e:
        raise cannot_write(path, e) from None
    try:
        done = [_write_member(tmp, path, name, pieces, durable) for name, pieces in files]
        _swap_in(tmp, path, durable)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with contextlib.suppress(OSError):
        _remove_orphans(path)
    return _tree_digest(done)


def _write_member(
    tmp: Path, path: Path, name: str, pieces: Iterable[bytes], durable: bool
) -> tuple[str, int, str]:
    """One file of a directory being written: (name, size, digest)."""
    try:
        fh = open(tmp / name, "xb")  # noqa: SIM115  (closed below)
    except OSError as e:
        raise cannot_write(path / name, e) from None
    try:
        size, dig = _copy(pieces, fh, path / name)
        if durable:
            _sync(fh, path / name)
    finally:
        with contextlib.suppress(OSError):
            fh.close()
    return name, size, dig


def _swap_in(tmp: Path, path: Path, durable: bool) -> None:
    """Rename the finished directory ``tmp`` to ``path``, the old one (if any) aside and away."""
    old = temp_path(path) if path.exists() else None
    try:
        if old is not None:
            os.replace(path, old)
        try:
            os.replace(tmp, path)
        except BaseException:
            if old is not None and not path.exists():
                os.replace(old, path)  # the old archive back under its name
            raise
        if durable:
            _sync_dir(path)
            _sync_dir(path.parent)
    except OSError as e:
        raise cannot_write(path, e) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
