"""Semantic detection (SPEC section 2, rule 3): a column's name, read as words, picks a generator.

Generators declare the names that select them (:attr:`Generator.names`): snake_case words matched
at the *end* of the column's words, so ``billingCity``, ``billing_city`` and ``Billing-City`` all
end in ``city``; the words before the match name the column's group (``billing``). A name may
carry conditions (:func:`rule`): the table's name (``name`` in a table of products is a product
name), the declared length of ``char(n)``/``varchar(n)`` (``country char(2)`` is a code) or the
types it applies to. A rule never applies against the column's type: an ``integer`` called
``email`` is no email.

Among the rules that match, the one matching more words wins, then one with conditions over one
without, then the generator registered first. A name that matches nothing as written is tried
again without a trailing number (``email2``, ``phone_2``) and in the singular (``emails``,
``categories``), so ``address_line1`` still means line 1 where a rule names it.

Example:
    >>> detect("billingCity", "varchar").generator, detect("billingCity", "varchar").group
    ('city', 'billing')
    >>> detect("email", "integer") is None
    True
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Generator


@dataclass(frozen=True)
class Rule:
    """Column-name words that select ``generator``, under optional conditions."""

    words: tuple[str, ...]
    generator: str = ""
    #: a regex searched in the table's name (snake_case, lower case): ``r"product|item"``
    tables: str | None = None
    #: (min, max) declared length of char(n)/varchar(n); unbounded text never matches
    lengths: tuple[int, int] | None = None
    #: base types the rule applies to (narrower than the generator's own ``types``)
    types: frozenset[str] | None = None
    #: the conditions in words, for the docs (``"in a table of people"``)
    note: str | None = None
    #: words the column's name may add after the rule's (``placed`` + ``at``, ``on``, ``date``)
    tails: tuple[str, ...] = ()

    @property
    def spelled(self) -> str:
        return "_".join(self.words)

    def conditions(self) -> int:
        return sum(x is not None for x in (self.tables, self.lengths, self.types))

    def describe(self) -> str:
        """The rule as the docs and ``datagen generators`` show it."""
        out = self.spelled + (f" (+ _{', _'.join(self.tails)})" if self.tails else "")
        if self.note:
            return f"{out} ({self.note})"
        if self.tables:
            out += f" (in a table named like {self.tables.replace('|', ', ')})"
        if self.lengths:
            lo, hi = self.lengths
            out += f" ({'char/varchar(' + str(lo) + ')' if lo == hi else f'length {lo}-{hi}'})"
        if self.types:
            out += f" ({', '.join(sorted(self.types))})"
        return out


def rule(
    name: str,
    *,
    tables: str | None = None,
    lengths: tuple[int, int] | None = None,
    types: frozenset[str] | set[str] | None = None,
    note: str | None = None,
    tails: tuple[str, ...] = (),
) -> Rule:
    """A name with conditions, for a generator's :attr:`~Generator.names`."""
    return Rule(
        tuple(name.split("_")),
        tables=tables,
        lengths=lengths,
        types=frozenset(types) if types is not None else None,
        note=note,
        tails=tails,
    )


@dataclass(frozen=True)
class Match:
    """What detection chose, and why (``datagen explain`` prints it)."""

    generator: str
    group: str
    rule: Rule
    #: how the column's words were read: "" as written, else "without its number"/"singular"
    reading: str = ""
    #: the tail word after the rule's words (``at`` of ``placed_at``), if any
    tail: str = ""

    def reason(self, column: str) -> str:
        how = f", read {self.reading}" if self.reading else ""
        group = f"; group {self.group!r}" if self.group else ""
        said = self.rule.spelled + (f" + {self.tail}" if self.tail else "")
        note = f" ({self.rule.note})" if self.rule.note else ""
        return f"name: {column!r} ends in {said}{note}{how}{group}"


def tokens(name: str) -> list[str]:
    """``billingCity`` / ``billing_city`` / ``Billing-City`` -> ``['billing', 'city']``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [t for t in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if t]


def singular(word: str) -> str | None:
    """The singular of an English plural noun, or None when ``word`` is not one."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return None
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    return word[:-1]


def readings(words: list[str]) -> list[tuple[list[str], str]]:
    """The column's words as written, then without a trailing number, then in the singular."""
    out = [(words, "")]
    if words:
        last = words[-1]
        bare = re.sub(r"[0-9]+\Z", "", last)
        if bare != last:
            trimmed = [*words[:-1], bare] if bare else words[:-1]
            if trimmed:
                out.append((trimmed, "without its number"))
        one = singular(last)
        if one:
            out.append(([*words[:-1], one], "singular"))
    return out


@functools.cache
def _index() -> dict[str, list[tuple[Rule, int]]]:
    """Rules by their last word, each with the registration rank of its generator."""
    from .base import REGISTRY

    by_last: dict[str, list[tuple[Rule, int]]] = {}
    for rank, (name, cls) in enumerate(REGISTRY.items()):
        for r in declared_rules(cls):
            r = Rule(r.words, name, r.tables, r.lengths, r.types, r.note, r.tails)
            by_last.setdefault(r.words[-1], []).append((r, rank))
    for rules in by_last.values():
        rules.sort(key=lambda x: (-len(x[0].words), -x[0].conditions(), x[1]))
    return by_last


def declared_rules(cls: type[Generator]) -> list[Rule]:
    """A generator's names as rules (plain strings become unconditioned rules)."""
    return [n if isinstance(n, Rule) else Rule(tuple(n.split("_"))) for n in cls.names]


def all_rules() -> list[Rule]:
    """Every rule, in the order detection tries them for a given last word."""
    return [r for rules in _index().values() for r, _ in rules]


def _applies(r: Rule, base: str, length: int | None, table: str) -> bool:
    from .base import REGISTRY

    types = r.types if r.types is not None else REGISTRY[r.generator].types
    if types is not None and base not in types:
        return False
    if r.lengths is not None and (length is None or not r.lengths[0] <= length <= r.lengths[1]):
        return False
    return r.tables is None or re.search(r.tables, "_".join(tokens(table))) is not None


def detect(column: str, base: str, table: str = "", length: int | None = None) -> Match | None:
    """The generator a column's name selects, where its type (``base``, ``length``) can hold
    the values, or None."""
    index = _index()
    for words, reading in readings(tokens(column)):
        if not words:
            continue
        for r, _ in index.get(words[-1], []):
            n = len(r.words)
            matched = len(words) >= n and tuple(words[-n:]) == r.words
            if matched and _applies(r, base, length, table):
                return Match(r.generator, "_".join(words[:-n]), r, reading)
        for r, _ in index.get(words[-2], []) if len(words) > 1 else []:
            n = len(r.words)  # the rule's words, then one of its tails: placed + at
            body = words[:-1]
            matched = words[-1] in r.tails and tuple(body[-n:]) == r.words and len(body) >= n
            if matched and _applies(r, base, length, table):
                return Match(r.generator, "_".join(body[:-n]), r, reading, words[-1])
    return None


def clear_cache() -> None:
    """Forget the rule index (after a generator is registered or its names change)."""
    _index.cache_clear()
