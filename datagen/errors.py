"""The one exception tree; the CLI catches :class:`DatagenError` in one place.

Example:
    >>> p = Problem("shop.yaml", "tables[0].columns[1].type", "unknown type 'integr'", 7,
    ...             "did you mean 'integer'?")
    >>> str(p)
    "shop.yaml:7: tables[0].columns[1].type: unknown type 'integr' (did you mean 'integer'?)"
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


class DatagenError(Exception):
    """Anything datagen reports to a user without a traceback."""

    exit_code = 1


class SpecError(DatagenError):
    """A spec that cannot be compiled: carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        return type(self), (self.problems,)  # rebuilt from its problems in another process


class GeneratorError(DatagenError):
    """A generator could not produce values for a column."""


class WriterError(DatagenError):
    """An output could not be written."""


class CacheError(DatagenError):
    """A cache object is missing or damaged."""


class PlanError(DatagenError):
    """A build cannot be planned (say, two specs writing the same output)."""


class UsageError(DatagenError):
    """Bad command-line arguments."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec: where (file, line, JSON path), what, and how to fix it."""

    file: str
    path: str
    message: str
    line: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        text = f"{where}: {printable(self.path) or '(top level)'}: {self.message}"
        return text + (f" ({self.hint})" if self.hint else "")


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\n``, ``\\x00``, ``\\u2028``), so a
    hostile name in a JSON path cannot break an error line apart.

    Example:
        >>> printable("enums.mood\\nx")
        'enums.mood\\\\nx'
    """
    return "".join(
        repr(ch)[1:-1] if (ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in "\u2028\u2029") else ch
        for ch in text
    )


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """``did you mean 'x'?`` for the closest choice, or None when nothing is close."""
    match = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}?" if match else None
