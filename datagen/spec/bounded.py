"""Bounded parsing: a spec's size after alias expansion and its nesting depth are capped.

A YAML alias repeats a node without copying it, so 500 bytes of nested aliases (a "billion
laughs" bomb) stand for billions of nodes, and every later pass (line indexing, the JSON Schema,
the model) walks the expanded tree. The composer here counts, at each alias, how many nodes it
expands to, and stops the document once the aliases of a spec have repeated
:data:`MAX_ALIAS_NODES` nodes in total; an alias inside the node it names (a recursive alias) and
a document nested deeper than :data:`MAX_DEPTH` levels stop it as well. Each is a
:class:`LimitExceeded` with the position of the offending event, before anything walks the graph.
JSON has no aliases; :func:`json_depth_problem` finds its too-deep nesting without recursing.

Example:
    >>> loader = Loader("a: &x [1, 2]\\nb: *x\\n")
    >>> loader.get_single_node().value[1][1].value[1].value
    '2'
    >>> loader.dispose()
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

MAX_ALIAS_NODES = 100_000  # nodes that aliases may repeat, in total, in one spec
MAX_DEPTH = 64  # levels of nested mappings and sequences; a spec needs fewer than ten


class LimitExceeded(Exception):
    """A document over one of the limits: what, where (0-based line, column) and a hint."""

    def __init__(self, message: str, line: int, column: int, hint: str) -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.hint = message, line, column, hint


class BoundedComposer(Composer):
    """PyYAML's composer, counting alias expansions and depth as it composes."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._expanded = 0
        self._sizes: dict[int, int] = {}  # id(node) -> nodes in its expansion, once composed

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None:
                size = self._sizes.get(id(target))
                if size is None:  # still being composed: the alias is inside its own anchor
                    raise LimitExceeded(
                        f"recursive alias *{event.anchor}: it is inside the node it names",
                        mark.line,
                        mark.column,
                        "an alias may only repeat a node that is complete",
                    )
                self._expanded += size
                if self._expanded > MAX_ALIAS_NODES:
                    raise LimitExceeded(
                        f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes "
                        f"(*{event.anchor} here repeats {size:,})",
                        mark.line,
                        mark.column,
                        "is it an alias bomb? write the repeated parts out, or use fewer aliases",
                    )
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise LimitExceeded(
                f"nested deeper than {MAX_DEPTH} levels",
                mark.line,
                mark.column,
                "a spec needs a few levels of mappings and lists",
            )
        node = super().compose_node(parent, index)
        self._depth -= 1
        if isinstance(node, yaml.MappingNode):
            size = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._size(item) for item in node.value)
        else:
            size = 1
        self._sizes[id(node)] = size
        return node

    def _size(self, node: Any) -> int:
        return self._sizes.get(id(node), 1)

    def compose_document(self) -> Any:
        try:
            return super().compose_document()
        finally:
            self._sizes = {}


if yaml.__with_libyaml__:  # libyaml's parser (several times faster) makes the events
    from yaml.cyaml import CParser  # not exported as yaml.CParser

    class Loader(BoundedComposer, CParser, SafeConstructor, Resolver):
        """A safe loader whose composer is bounded; libyaml parses."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            BoundedComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class Loader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        BoundedComposer,
        SafeConstructor,
        Resolver,
    ):
        """A safe loader whose composer is bounded; PyYAML's own parser."""

        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            BoundedComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def json_depth_problem(text: str) -> LimitExceeded | None:
    """The first place where JSON ``text`` nests deeper than :data:`MAX_DEPTH`, if any."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, m.start())
                column = m.start() - (text.rfind("\n", 0, m.start()) + 1)
                return LimitExceeded(
                    f"nested deeper than {MAX_DEPTH} levels",
                    line,
                    column,
                    "a spec needs a few levels of objects and arrays",
                )
        elif token in "]}":
            depth -= 1
    return None
