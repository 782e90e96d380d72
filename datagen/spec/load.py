"""Read a spec from YAML, JSON or stdin, keeping the source line of every node.

Example:
    >>> doc = load_text("version: 1\\nname: x\\ntables: []\\n", "x.yaml")
    >>> doc.data["name"], doc.line("tables")
    ('x', 3)
"""

from __future__ import annotations

import json
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, SpecError
from .bounded import LimitExceeded, Loader, json_depth_problem


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


_MERGE = "tag:yaml.org,2002:merge"


def _merged(node: yaml.Node) -> list[tuple[yaml.Node, yaml.Node]]:
    """The (key, value) pairs a mapping holds after YAML 1.1 merge keys (``<<: *base``): its
    own keys win over merged ones, and earlier merged mappings over later ones."""
    own = [(k, v) for k, v in node.value if k.tag != _MERGE]
    names = {k.value for k, _ in own if isinstance(k, yaml.ScalarNode)}
    out = list(own)
    for k, v in node.value:
        if k.tag != _MERGE:
            continue
        for base in v.value if isinstance(v, yaml.SequenceNode) else [v]:
            if not isinstance(base, yaml.MappingNode):
                continue  # the constructor reports it
            for bk, bv in _merged(base):
                if isinstance(bk, yaml.ScalarNode) and bk.value not in names:
                    names.add(bk.value)
                    out.append((bk, bv))
    return out


def _index_lines(root: yaml.Node, doc: SpecDocument) -> None:
    """Record the line of every JSON path (a mapping's entries at their key's line) and report
    keys written twice in one mapping; iterative, so any depth is fine."""
    todo: list[tuple[yaml.Node, tuple[Any, ...], int]] = [(root, (), root.start_mark.line + 1)]
    while todo:
        node, parts, line = todo.pop()
        doc.lines[json_path(parts)] = line
        children: list[tuple[yaml.Node, tuple[Any, ...], int]] = []
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in _merged(node):
                if not isinstance(key, yaml.ScalarNode):
                    continue  # a key that is a list or mapping: the constructor reports it
                name, at = key.value, key.start_mark.line + 1
                if name in seen:  # merged keys never are: own keys win
                    doc.problems.append(
                        Problem(
                            doc.file,
                            json_path((*parts, name)),
                            f"key {name!r} appears twice in one mapping "
                            f"(first on line {seen[name]})",
                            at,
                            "remove one of them",
                        )
                    )
                seen[name] = at
                children.append((value, (*parts, name), at))
        elif isinstance(node, yaml.SequenceNode):
            children = [(v, (*parts, i), v.start_mark.line + 1) for i, v in enumerate(node.value)]
        todo.extend(reversed(children))


def _limit_error(file: str, e: LimitExceeded) -> SpecError:
    return SpecError([Problem(file, "", e.message, e.line + 1, f"column {e.column + 1}: {e.hint}")])


def load_text(text: str, file: str, fmt: str | None = None) -> SpecDocument:
    """Parse spec text; ``fmt`` is ``json`` or ``yaml`` (YAML also reads JSON). A leading byte
    order mark is dropped; aliases, recursion and depth are bounded (:mod:`.bounded`)."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise SpecError([Problem(file, "", "the file contains a NUL byte", None, "is it binary?")])
    if fmt == "json":
        too_deep = json_depth_problem(text)
        if too_deep is not None:
            raise _limit_error(file, too_deep)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise SpecError(
                [Problem(file, "", f"invalid JSON: {e.msg}", e.lineno, f"column {e.colno}")]
            ) from None
        doc = SpecDocument(data, file, text=text)
        loader = Loader(text)
        try:  # JSON is YAML: reuse the YAML composer for line numbers
            node = loader.get_single_node()
        except (yaml.YAMLError, LimitExceeded):
            node = None
        finally:
            loader.dispose()
        if node is not None:
            _index_lines(node, doc)
        return doc
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        problems: list[Problem] = []
        doc = SpecDocument(None, file, text=text, problems=problems)
        if node is not None:  # before constructing, which rewrites merge keys in place
            _index_lines(node, doc)
        doc.data = loader.construct_document(node) if node is not None else None
    except LimitExceeded as e:
        raise _limit_error(file, e) from None
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
    return doc


def _decode(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise SpecError(
            [
                Problem(
                    file,
                    "",
                    f"not UTF-8 text: byte 0x{raw[e.start]:02x} at offset {e.start} ({e.reason})",
                    line,
                    "save the spec as UTF-8",
                )
            ]
        ) from None


def _shown(source: str) -> str:
    """A path as messages show it: a very long one is cut in the middle."""
    return source if len(source) <= 200 else f"{source[:120]}...{source[-60:]}"


def _read(path: Path, source: str) -> bytes:
    """The bytes of a spec file; every way of failing is one SpecError naming the path."""
    hint = "name a .yaml or .json spec file, or - for stdin"
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise SpecError([Problem(source, "", "is a directory", None, hint)])
        if not stat.S_ISREG(mode):  # a FIFO would block, a device never end
            raise SpecError([Problem(source, "", "is not a regular file", None, hint)])
        return path.read_bytes()
    except FileNotFoundError:
        raise SpecError([Problem(source, "", "no such file", None, "check the path")]) from None
    except PermissionError:
        raise SpecError(
            [Problem(source, "", "permission denied", None, "check the file's permissions")]
        ) from None
    except OSError as e:  # a name too long, a symlink loop, a path through a file, EIO...
        reason = e.strerror or type(e).__name__
        raise SpecError([Problem(source, "", f"cannot read it: {reason}", None, hint)]) from None


def load(source: str | Path) -> SpecDocument:
    """Load a spec file, or stdin when ``source`` is ``-``."""
    if str(source) == "-":
        stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
        raw = stdin.read() if stdin is not None else sys.stdin.read().encode("utf-8")
        doc = load_text(_decode(raw, "<stdin>"), "<stdin>")
        doc.base_dir = Path.cwd()
        return doc
    path = Path(source)
    name = _shown(str(source))
    text = _decode(_read(path, name), name)
    doc = load_text(text, str(source), "json" if path.suffix.lower() == ".json" else None)
    doc.base_dir = path.parent
    return doc
