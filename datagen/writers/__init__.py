"""Output writers keyed by their ``--format`` name, and the file name each one writes."""

from __future__ import annotations

from .plain import PlainWriter

# format -> (file name pattern, writer factory)
FORMATS = {
    "copy": ("{name}.sql", lambda plan: PlainWriter(plan, inserts=False)),
    "sql": ("{name}.inserts.sql", lambda plan: PlainWriter(plan, inserts=True)),
}

__all__ = ["FORMATS", "PlainWriter"]
