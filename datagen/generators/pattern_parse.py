r"""The regex subset of the ``pattern`` generator, parsed into a small tree of choices.

Supported: literals (unicode too), escapes ``\d \D \w \W \s \S``, escaped punctuation
(``\. \- \\``), ``\t \n \r \f \v``, ``\xHH``, ``\uHHHH``; ``.``; classes ``[a-z0-9_]``
and negated classes ``[^...]``; quantifiers ``? * + {m} {m,n} {m,} {,n}`` and their lazy forms;
groups ``( )``, ``(?: )`` and ``(?P<name> )``; alternation ``|``; ``^`` and ``$`` at the very
ends. Anything else (backreferences, lookarounds, flags, possessive quantifiers, ``\b``...) is
refused with its position and a hint.

What is generated is a subset of what the regex matches, always: ``.``, ``\D``, ``\W``, ``\S``
and negated classes draw from printable ASCII only, ``\s`` is a space, ``\w`` is
``[A-Za-z0-9_]``, and open repeats (``*``, ``+``, ``{m,}``) stop at ``m + 8``.

Example:
    >>> literal(parse(r"^ab\.c$"))
    'ab.c'
    >>> max_chars(parse(r"(Mr|Mrs)\. [A-Z]{2,5}"))
    10
"""

from __future__ import annotations

import string
from dataclasses import dataclass

PRINTABLE = tuple(chr(c) for c in range(32, 127))
DIGITS = tuple(string.digits)
WORD = tuple(string.ascii_letters + string.digits + "_")
SPACE = (" ",)
#: the extra repetitions an open-ended quantifier (``*``, ``+``, ``{m,}``) may add
OPEN_REPEAT = 8
MAX_REPEAT = 1000
_CLASS_ESCAPES = {
    "d": DIGITS,
    "w": WORD,
    "s": SPACE,
    "D": tuple(c for c in PRINTABLE if c not in DIGITS),
    "W": tuple(c for c in PRINTABLE if c not in WORD),
    "S": tuple(c for c in PRINTABLE if c != " "),
}
_CONTROL = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v"}
_ANCHORS = "bBAZ"


@dataclass(frozen=True)
class Chars:
    """One of these distinct strings (single characters, or literal alternatives)."""

    members: tuple[str, ...]


@dataclass(frozen=True)
class Seq:
    """Its items one after the other."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    """One of its options, each equally likely."""

    options: tuple[Node, ...]


@dataclass(frozen=True)
class Repeat:
    """``node`` between ``lo`` and ``hi`` times (each count equally likely)."""

    node: Node
    lo: int
    hi: int


Node = Chars | Seq | Alt | Repeat


class PatternError(ValueError):
    """A regex outside the supported subset, with where (0-based) and what to do instead."""

    def __init__(self, pos: int, message: str, hint: str) -> None:
        super().__init__(f"at position {pos}: {message}")
        self.pos, self.message, self.hint = pos, message, hint


def parse(regex: str) -> Node:
    """The tree of ``regex`` (a :class:`PatternError` if it is outside the subset)."""
    p = _Parser(regex)
    start = 1 if regex.startswith("^") else 0
    end = len(regex)
    if end > start and regex.endswith("$") and not _escaped(regex, end - 1):
        end -= 1
    p.pos, p.end = start, end
    node = p.alternation()
    if p.pos < p.end:  # only a stray ')' stops the top level early
        raise PatternError(p.pos, "unbalanced ')'", "escape a literal parenthesis as \\)")
    return simplify(node)


def _escaped(text: str, i: int) -> bool:
    n = 0
    while i - n - 1 >= 0 and text[i - n - 1] == "\\":
        n += 1
    return n % 2 == 1


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.pos, self.end = text, 0, len(text)

    def peek(self, k: int = 0) -> str:
        i = self.pos + k
        return self.text[i] if i < self.end else ""

    def fail(self, message: str, hint: str, at: int | None = None) -> PatternError:
        return PatternError(self.pos if at is None else at, message, hint)

    def alternation(self) -> Node:
        options = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Alt(tuple(options))

    def sequence(self) -> Node:
        items: list[Node] = []
        while self.pos < self.end and self.peek() not in "|)":
            atom = self.atom()
            items.append(self.quantified(atom))
        return Seq(tuple(items))

    def atom(self) -> Node:
        c, at = self.peek(), self.pos
        self.pos += 1
        if c == "(":
            if self.peek() == "?":
                self.group_prefix(at)
            inner = self.alternation()
            if self.peek() != ")":
                raise self.fail("missing ')'", "close the group opened here", at)
            self.pos += 1
            return inner
        if c == "[":
            return self.char_class(at)
        if c == ".":
            return Chars(PRINTABLE)
        if c == "\\":
            return Chars(self.escape(in_class=False))
        if c in "^$":
            raise self.fail(
                f"anchor {c!r} in the middle of the pattern",
                "anchors are only allowed at the very start (^) and end ($); escape a literal "
                f"as \\{c}",
                at,
            )
        if c in "*+?":
            raise self.fail(f"{c!r} has nothing to repeat", f"escape a literal as \\{c}", at)
        return Chars((c,))

    def group_prefix(self, at: int) -> None:
        rest = self.text[self.pos : self.end]
        if rest.startswith("?:"):
            self.pos += 2
            return
        if rest.startswith("?P<"):
            close = rest.find(">")
            if close > 0:
                self.pos += close + 1
                return
        kinds = {
            "?=": "lookahead",
            "?!": "negative lookahead",
            "?<=": "lookbehind",
            "?<!": "negative lookbehind",
            "?P=": "named backreference",
            "?>": "atomic group",
            "?#": "comment",
            "?(": "conditional",
        }
        kind = next((v for k, v in kinds.items() if rest.startswith(k)), "inline flag")
        raise self.fail(
            f"{kind} '({rest[:3]}...' is not supported",
            "use plain groups ( ) or (?: ); write case variants as classes like [Aa]",
            at,
        )

    def quantified(self, atom: Node) -> Node:
        c, at = self.peek(), self.pos
        if c == "?":
            lo, hi = 0, 1
            self.pos += 1
        elif c == "*":
            lo, hi = 0, OPEN_REPEAT
            self.pos += 1
        elif c == "+":
            lo, hi = 1, 1 + OPEN_REPEAT
            self.pos += 1
        elif c == "{" and (bounds := self.braces()) is not None:
            lo, hi = bounds
        else:
            return atom
        if self.peek() == "?":  # lazy: the same strings match, so the same sampling
            self.pos += 1
        elif self.peek() == "+":
            raise self.fail("possessive quantifiers are not supported", "drop the '+'")
        if self.peek() and self.peek() in "*+{" and (self.peek() != "{" or self.braces(True)):
            raise self.fail("a quantifier cannot follow a quantifier", "wrap the part in ( )")
        if hi > MAX_REPEAT:
            raise self.fail(f"repeat count {hi} is above {MAX_REPEAT}", "use a smaller count", at)
        return Repeat(atom, lo, hi)

    def braces(self, peek_only: bool = False) -> tuple[int, int] | None:
        """``{m}``, ``{m,}``, ``{,n}``, ``{m,n}`` at pos; None when it is a literal brace."""
        close = self.text.find("}", self.pos, self.end)
        if close < 0:
            return None
        body = self.text[self.pos + 1 : close]
        lo_s, comma, hi_s = body.partition(",")
        if not (lo_s.isdigit() or (comma and lo_s == "")) or not (hi_s.isdigit() or hi_s == ""):
            return None
        if not lo_s and not hi_s:
            return None
        if peek_only:
            return (0, 0)
        lo = int(lo_s) if lo_s else 0
        hi = (int(hi_s) if hi_s else lo + OPEN_REPEAT) if comma else lo
        if hi < lo:
            raise self.fail(f"repeat {{{body}}} has its maximum below its minimum", "swap them")
        self.pos = close + 1
        return lo, hi

    def escape(self, in_class: bool) -> tuple[str, ...]:
        at = self.pos - 1
        c = self.peek()
        if not c:
            raise self.fail("the pattern ends with a lone backslash", "write \\\\", at)
        self.pos += 1
        if c in _CLASS_ESCAPES:
            return _CLASS_ESCAPES[c]
        if c in _CONTROL:
            return (_CONTROL[c],)
        if c in "xu":
            width = 2 if c == "x" else 4
            digits = self.text[self.pos : self.pos + width]
            if len(digits) != width or any(d not in string.hexdigits for d in digits):
                raise self.fail(f"\\{c} needs {width} hex digits", f"write \\{c}{'0' * width}", at)
            self.pos += width
            ch = chr(int(digits, 16))
            if ch == "\x00" or 0xD800 <= ord(ch) < 0xE000:
                raise self.fail(
                    f"character \\{c}{digits} cannot be stored in PostgreSQL text", "remove it", at
                )
            return (ch,)
        if c.isdigit():
            raise self.fail(
                f"backreference or octal escape \\{c} is not supported",
                "repeat the part instead of referring back to it",
                at,
            )
        if c in _ANCHORS:
            raise self.fail(
                f"\\{c} is not supported",
                "anchors are only allowed as ^ and $ at the ends"
                if not in_class
                else "write the character itself",
                at,
            )
        if c.isalnum():
            raise self.fail(
                f"unknown escape \\{c}", "escape only punctuation, as in \\. or \\-", at
            )
        return (c,)

    def char_class(self, at: int) -> Node:
        negate = self.peek() == "^"
        if negate:
            self.pos += 1
        chosen: dict[str, None] = {}
        first = True
        while True:
            c = self.peek()
            if not c:
                raise self.fail("missing ']'", "close the class opened here", at)
            if c == "]" and not first:
                self.pos += 1
                break
            first = False
            lo = self.class_item()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                dash = self.pos
                self.pos += 1
                hi = self.class_item()
                if len(lo) != 1 or len(hi) != 1:
                    raise self.fail("a range needs single characters at both ends", "", dash)
                a, b = ord(lo[0]), ord(hi[0])
                if b < a:
                    raise self.fail(f"range {lo[0]}-{hi[0]} is reversed", "swap its ends", dash)
                if b - a > 4096:
                    raise self.fail("range is too wide (over 4096 characters)", "narrow it", dash)
                chosen.update((chr(x), None) for x in range(a, b + 1) if not 0xD800 <= x < 0xE000)
            else:
                chosen.update((x, None) for x in lo)
        members = tuple(c for c in PRINTABLE if c not in chosen) if negate else tuple(chosen)
        if not members:
            raise self.fail(
                "the class matches no printable ASCII character",
                "negated classes draw from printable ASCII; allow at least one such character",
                at,
            )
        return Chars(members)

    def class_item(self) -> tuple[str, ...]:
        c = self.peek()
        self.pos += 1
        if c == "\\":
            return self.escape(in_class=True)
        return (c,)


def simplify(node: Node) -> Node:
    """Fold one-item sequences, nested sequences, and alternations of plain literals
    (``(Mr|Mrs|Dr)`` becomes one choice of three strings)."""
    if isinstance(node, Seq):
        items: list[Node] = []
        for item in map(simplify, node.items):
            items.extend(item.items if isinstance(item, Seq) else (item,))
        return items[0] if len(items) == 1 else Seq(tuple(items))
    if isinstance(node, Repeat):
        inner = simplify(node.node)
        return inner if node.lo == node.hi == 1 else Repeat(inner, node.lo, node.hi)
    if isinstance(node, Alt):
        options = tuple(map(simplify, node.options))
        words = [literal(o) for o in options]
        if all(w is not None for w in words):
            return Chars(tuple(dict.fromkeys(w for w in words if w is not None)))
        return Alt(options)
    return node


def literal(node: Node) -> str | None:
    """The one string a node can make, or None."""
    if isinstance(node, Chars):
        return node.members[0] if len(node.members) == 1 else None
    if isinstance(node, Seq):
        parts = [literal(i) for i in node.items]
        return None if any(p is None for p in parts) else "".join(p or "" for p in parts)
    if isinstance(node, Repeat) and node.lo == node.hi:
        inner = literal(node.node)
        return None if inner is None else inner * node.lo
    return None


def max_chars(node: Node) -> int:
    """The most characters a match can have (as generated: open repeats capped)."""
    if isinstance(node, Chars):
        return max(map(len, node.members))
    if isinstance(node, Seq):
        return sum(map(max_chars, node.items))
    if isinstance(node, Alt):
        return max(map(max_chars, node.options))
    return node.hi * max_chars(node.node)
