"""Read a spec from YAML, JSON or stdin, keeping the source line of every node.

Example:
    >>> doc = load_text("version: 1\\nname: x\\ntables: []\\n", "x.yaml")
    >>> doc.data["name"], doc.line("tables")
    ('x', 3)
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, SpecError

# libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one;
# both build the same nodes with the same line marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def json_path(parts: tuple[Any, ...] | list[Any]) -> str:
    """``('tables', 2, 'columns', 4)`` -> ``tables[2].columns[4]``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


@dataclass
class SpecDocument:
    """A parsed spec file: its data, its name for messages and the line of each JSON path."""

    data: Any
    file: str
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    base_dir: Path | None = None
    text: str | None = None  # the source text, so another process can compile it again

    def line(self, path: str) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            cut = max(path.rfind("."), path.rfind("["))
            path = path[: max(cut, 0)]

    def problem(self, path: str, message: str, hint: str | None = None) -> Problem:
        return Problem(self.file, path, message, self.line(path), hint)


def _index_lines(node: yaml.Node, parts: tuple[Any, ...], doc: SpecDocument) -> None:
    doc.lines[json_path(parts)] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = key.value
            if name in seen:
                doc.problems.append(
                    Problem(
                        doc.file,
                        json_path((*parts, name)),
                        f"key {name!r} appears twice in one mapping (first on line {seen[name]})",
                        key.start_mark.line + 1,
                        "remove one of them",
                    )
                )
            seen[name] = key.start_mark.line + 1
            _index_lines(value, (*parts, name), doc)
            doc.lines[json_path((*parts, name))] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, (*parts, i), doc)


def load_text(text: str, file: str, fmt: str | None = None) -> SpecDocument:
    """Parse spec text; ``fmt`` is ``json`` or ``yaml`` (YAML also reads JSON)."""
    if "\x00" in text:
        raise SpecError([Problem(file, "", "the file contains a NUL byte", None, "is it binary?")])
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise SpecError(
                [Problem(file, "", f"invalid JSON: {e.msg}", e.lineno, f"column {e.colno}")]
            ) from None
        doc = SpecDocument(data, file, text=text)
        try:  # JSON is YAML: reuse the YAML composer for line numbers
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            node = None
        if node is not None:
            _index_lines(node, (), doc)
        return doc
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        message = getattr(e, "problem", None) or str(e)
        raise SpecError(
            [
                Problem(
                    file,
                    "",
                    f"invalid YAML: {message}",
                    min(mark.line + 1, max(1, len(text.splitlines()))) if mark else None,
                    f"column {mark.column + 1}" if mark else None,
                )
            ]
        ) from None
    finally:
        loader.dispose()
    doc = SpecDocument(data, file, text=text)
    if node is not None:
        _index_lines(node, (), doc)
    return doc


def load(source: str | Path) -> SpecDocument:
    """Load a spec file, or stdin when ``source`` is ``-``."""
    if str(source) == "-":
        doc = load_text(sys.stdin.read(), "<stdin>")
        doc.base_dir = Path.cwd()
        return doc
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(
            [Problem(str(source), "", "no such file", None, "check the path")]
        ) from None
    except IsADirectoryError:
        raise SpecError(
            [Problem(str(source), "", "is a directory", None, "name a .yaml or .json spec")]
        ) from None
    except UnicodeDecodeError as e:
        raise SpecError(
            [Problem(str(source), "", f"not UTF-8 text ({e.reason})", None, None)]
        ) from None
    doc = load_text(text, str(source), "json" if path.suffix.lower() == ".json" else None)
    doc.base_dir = path.parent
    return doc
