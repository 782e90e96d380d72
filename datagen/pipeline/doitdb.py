"""doit's own database (``cache/doit.sqlite3``), checked before doit opens it.

doit keeps what it knows of each task there; everything in it can be found again (our up-to-date
checks look at the cache itself), so a database doit cannot read (a damaged file, another program's
file, a row that is not JSON) is removed with a warning, and the next run starts it afresh,
instead of every build failing until someone deletes it by hand.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .cache import warn


def _problem(path: Path) -> str | None:
    """Why doit could not use the database at ``path`` (None when it can)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        return str(e)
    try:
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        if ("doit",) in names:
            for (data,) in conn.execute("SELECT task_data FROM doit"):
                if data is not None:
                    json.loads(data)
    except sqlite3.Error as e:
        return str(e)
    except ValueError as e:  # a row doit would fail to decode (not UTF-8, not JSON)
        return f"a task's record is not JSON ({e})"
    finally:
        conn.close()
    return None


def repair_doit_db(path: Path) -> bool:
    """Remove doit's database when doit could not read it; True when it was removed."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return False
    except OSError:
        return False
    problem = _problem(path)
    if problem is None:
        return False
    warn(f"{path} is not a database doit can read ({problem}); removed it, a new one is made")
    for p in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        p.unlink(missing_ok=True)
    return True
