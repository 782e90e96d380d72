"""A no-op ``datagen build`` or ``check`` without the build machinery: the stamp.

After a build of a whole repository succeeds (and its locks match their specs), it writes
``cache/stamp.json``: a digest of everything a no-op depends on, read with ``stat`` and a few
small reads. ``datagen build`` and ``datagen check`` compute the same digest before importing
anything heavy (numpy, jsonschema, Faker, doit, click) and, when it matches, print what the full
path would print and stop. Anything different, missing or unreadable and the normal path runs:
a stale stamp costs time, never a wrong answer, because every input of the answer is in the
digest (but for damage inside the cache, below):

* every spec in ``datasets/`` and every lock, by content (they are small);
* every file under ``build/`` (a directory archive's files too), by name, size and time;
* ``cache/``: the modification time of each ``cache/objects/`` folder (an object added,
  removed or replaced changes it), of doit's database and of each output record in
  ``cache/outputs/`` (an object damaged in place, same name, is not seen: the dumps in
  ``build/`` are whole either way, and the next build that takes the full path makes the
  object again);
* the code: this datagen's own files and the libraries that shape the bytes or the answer
  (their ``__init__.py``, by size and time: an upgrade rewrites them), and the Python version;
* the shared cache (``--cache`` or ``DATAGEN_CACHE``), by location and whether it is read-only
  (``DATAGEN_CACHE_READ_ONLY``): a build that may publish writes the stamp after every chunk in
  ``cache/`` is published there, so a build with another (or the first time with one) takes
  the full path.

A spec entry that is not a regular file (a dangling link, a folder) means no answer.

Only stdlib modules are imported here. The stamp says nothing when the repository is given
names (``datagen build shop``): only a whole-repository build writes it, and only a whole-
repository ``build`` or ``check`` reads it.

Example:
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> fresh(root) is None      # no stamp: the normal path runs
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import sys
from pathlib import Path

from .errors import UsageError
from .locations import location, stamp_key

STAMP = Path("cache") / "stamp.json"
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
#: what shapes the bytes (faker, numpy, pglast) or the answer (yaml, jsonschema, xxhash, doit)
LIBRARIES = ("faker", "numpy", "pglast", "yaml", "jsonschema", "xxhash", "doit")


def _stat(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _files(top: Path) -> list[Path]:
    """Every file under ``top``, sorted (no symlinks followed into directories)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        out += [Path(dirpath) / f for f in sorted(filenames) if not f.endswith(".pyc")]
    return out


def _code() -> list[str]:
    """This datagen's files, the libraries' ``__init__.py``, the Python version."""
    here = Path(__file__).parent
    lines = [f"python {sys.version}"]
    lines += [f"datagen/{p.relative_to(here)} {_stat(p)}" for p in _files(here)]
    for lib in LIBRARIES:
        spec = importlib.util.find_spec(lib)
        origin = spec.origin if spec is not None else None
        lines.append(f"{lib} {origin} {_stat(Path(origin)) if origin else '-'}")
    return lines


def state(root: Path, store: str | None = None) -> str:
    """The digest of what a no-op build of ``root`` (with the shared cache ``store``) depends
    on (OSError when unreadable)."""
    h = hashlib.blake2b(digest_size=16)

    def add(line: str) -> None:
        h.update(line.encode("utf-8", "surrogateescape") + b"\n")

    add(f"store {store or '-'}")

    datasets = root / "datasets"
    for p in sorted(datasets.iterdir()):
        if p.suffix not in SPEC_SUFFIXES:
            continue
        if not p.is_file():  # a dangling link, a folder, a FIFO: the full path says what is wrong
            raise OSError(f"{p} is not a regular file")
        add(f"datasets/{p.name} {hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()}")
    build = root / "build"
    if build.is_dir():
        for p in _files(build):
            add(f"{p.relative_to(root)} {_stat(p)}")
    objects = root / "cache" / "objects"
    if objects.is_dir():
        for p in sorted(objects.iterdir()):
            add(f"cache/objects/{p.name} {p.stat().st_mtime_ns}")
    doit_db = root / "cache" / "doit.sqlite3"
    add(f"cache/doit.sqlite3 {_stat(doit_db) if doit_db.exists() else '-'}")
    outputs = root / "cache" / "outputs"
    if outputs.is_dir():
        for p in sorted(outputs.iterdir()):
            add(f"cache/outputs/{p.name} {_stat(p)}")
    for line in _code():
        add(line)
    return h.hexdigest()


def write(root: Path, lines: list[str], seen: str | None = None, store: str | None = None) -> None:
    """Record that ``root`` is built and checked: a no-op build prints ``lines``. With ``seen``
    (the state taken before the checks that vouch for it), nothing is written unless the
    repository is still in that state: what changed during the checks was not checked."""
    path = root / STAMP
    now = state(root, store)
    if seen is not None and seen != now:
        return
    doc = {"state": now, "lines": lines, "store": store}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, sort_keys=True) + "\n", "utf-8")
    os.replace(tmp, path)


def remove(root: Path) -> None:
    """Forget the stamp (a build is about to change what it describes)."""
    with contextlib.suppress(OSError):
        (root / STAMP).unlink(missing_ok=True)


def fresh(root: Path, store: str | None = None, any_store: bool = False) -> list[str] | None:
    """What a no-op build of ``root`` (with the shared cache ``store``; with ``any_store``, the
    one the stamp was written with: ``check`` reads no cache) prints, when the stamp matches
    the repository as it is now; None when it does not, or anything cannot be read (the
    normal path then runs)."""
    try:
        doc = json.loads((root / STAMP).read_text("utf-8"))
        if not isinstance(doc, dict):
            return None
        if any_store:
            store = doc.get("store") if isinstance(doc.get("store"), str) else None
        if doc.get("state") != state(root, store):
            return None
        lines = doc.get("lines")
    except (OSError, ValueError):
        return None
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        return None
    return lines


def _root(args: list[str]) -> tuple[Path, str | None] | None:
    """The repository of ``build``/``check`` arguments that name no dataset (``-C DIR`` and,
    for a build, ``-j N``, ``--executor``, ``--scheduler`` and ``--cache`` allowed), with its
    shared cache (see :func:`state`); None for anything else."""
    root, cache = ".", None
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in ("-C", "--directory") and rest:
            root = rest.pop(0)
        elif arg.startswith("--directory="):
            root = arg.partition("=")[2]
        elif arg in ("-j", "--jobs") and rest and _jobs(rest[0]):
            rest.pop(0)
        elif arg.startswith("--jobs=") and _jobs(arg.partition("=")[2]):
            continue
        # where chunks would be made does not matter when none are (a value the CLI refuses does)
        elif arg == "--scheduler" and rest:
            rest.pop(0)
        elif arg.startswith("--scheduler="):
            continue
        elif arg == "--cache" and rest:
            cache = rest.pop(0)
        elif arg.startswith("--cache="):
            cache = arg.partition("=")[2]
        elif arg == "--executor" and rest and rest[0] in ("local", "dask"):
            rest.pop(0)
        elif arg in ("--executor=local", "--executor=dask"):
            continue
        else:
            return None
    if not root or not Path(root).is_dir():  # the CLI's to refuse
        return None
    try:
        return Path(root).resolve(), stamp_key(location(cache))
    except UsageError:  # the full path says what is wrong with it
        return None


def _jobs(text: str) -> bool:
    """A job count the CLI accepts (1 or more): anything else is the CLI's to refuse."""
    return text.isascii() and text.isdigit() and int(text) >= 1


def no_op(argv: list[str]) -> bool:
    """``datagen build`` or ``datagen check`` answered from a fresh stamp: True when done."""
    if not argv or argv[0] not in ("build", "check"):
        return False
    args = argv[1:]
    build_only = ("-j", "--jobs", "--executor", "--scheduler", "--cache")  # not for check
    if argv[0] == "check" and any(a.split("=")[0] in build_only for a in args):
        return False
    found = _root(args)
    if found is None:
        return False
    lines = fresh(*found, any_store=argv[0] == "check")
    if lines is None:
        return False
    print("\n".join(lines) if argv[0] == "build" else "all locks match their specs")
    return True
