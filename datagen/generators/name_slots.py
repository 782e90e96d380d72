"""Distinct people for unique emails: a permuted position decoded into a (first, last) pair.

A unique email made of the row's names must differ from every other row's, and the rows' names
are random draws: two rows may share them. Rather than a number in every address, the row's
*person* comes from the email's permuted position ``k`` (the plan gives ``k`` to the group's name
columns too, so ``first_name``, ``last_name`` and ``email`` still agree): ``k`` is decoded, in
mixed radix, into a first name, a last name of that name's gender, and a *copy* index ``D`` that
picks the separator and the domain (``jane.doe@example.org``, ``jane_doe@example.net``) and only
past those six a number (``jane.doe2@...``).

Names are weighted by giving frequent names more *slots*: 1, 2 or 3 by the tercile of their
weight. A pair with more slots has more copies, so common pairs carry numbers sooner, as real
addresses do.

Why distinct ``k`` give distinct addresses: write ``k = t * F + a`` (``F`` first-name slots) and,
for the first name's gender ``g``, ``t = q * L_g + b``. Slot ``a`` gives the first name ``e`` and
its copy ``ca``; slot ``b`` the last name ``l`` and its copy ``cb``; then
``D = (q * cf + ca) * cl + cb`` with ``cf``, ``cl`` their slot counts. The address spells the two
names' ASCII forms (distinct within each list: duplicates are dropped from the slots), the
separator ``D % 2``, the domain ``D // 2 % 3`` and the number ``D // 6`` (none for 0). Names hold
only letters, so the text gives back ``e``, ``l``, ``D``, hence ``ca``, ``cb``, ``q``, ``a``, ``b``,
``t`` and ``k``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .locales import _gendered, names
from .semantic import detect
from .words import _provider, _words_and_weights

SEPARATORS = np.array([b".", b"_"])
FREE = 2 * 3  # separators x domains: copies told apart without a number


@dataclass(frozen=True)
class Slots:
    """One list's slots: the pool index, slot count and first slot of each distinct name."""

    index: np.ndarray
    count: np.ndarray
    start: np.ndarray

    @property
    def size(self) -> int:
        return int(self.count.sum())

    def decode(self, slot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(entry, copy) of each slot."""
        entry = np.searchsorted(self.start, slot, side="right") - 1
        return entry, slot - self.start[entry]


def _slots(ascii: np.ndarray, weights: list[float], offset: int, taken: set[bytes]) -> Slots:
    """Slots of the names ``ascii[i]`` (pool index ``offset + i``) not in ``taken``."""
    keep = []
    for i, a in enumerate(ascii.tolist()):
        if a and a.isalpha() and a not in taken:
            taken.add(a)
            keep.append(i)
    w = np.array([weights[i] for i in keep], dtype=np.float64)
    cuts = np.quantile(w, [1 / 3, 2 / 3]) if len(w) else np.zeros(2)
    count = 1 + (w > cuts[0]).astype(np.int64) + (w > cuts[1]).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    return Slots(np.array(keep, dtype=np.int64) + offset, count, start)


@dataclass(frozen=True)
class NameSlots:
    """The slots of a locale's first names (both genders) and last names (per gender)."""

    first: Slots
    first_gender: np.ndarray  # per first-name entry: 0 female, 1 male
    last: tuple[Slots, Slots]

    @property
    def domain(self) -> int:
        return self.first.size * max(s.size for s in self.last)

    def decode(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(first pool index, last pool index, name gender, copy D) of each position ``k``."""
        k = k.astype(np.int64)
        a, t = k % self.first.size, k // self.first.size
        e, ca = self.first.decode(a)
        g = self.first_gender[e]
        out = []
        for half in self.last:
            b, q = t % half.size, t // half.size
            entry, cb = half.decode(b)
            out.append((half.index[entry], half.count[entry], cb, q))
        last, cl, cb, q = (np.where(g == 0, f, m) for f, m in zip(*out, strict=True))
        copy = (q * self.first.count[e] + ca) * cl + cb
        return self.first.index[e], last, g, copy


def _weights(locale: str, kind: str) -> tuple[list[float], int]:
    """The weights of a pool of :func:`names`, in its order, and where its male half starts."""
    female, male = _gendered(_provider("person", locale), kind)
    fw, fweights = _words_and_weights(female)
    mw, mweights = _words_and_weights(male)
    return (fweights or [1.0] * len(fw)) + (mweights or [1.0] * len(mw)), len(fw)


@functools.cache
def name_slots(locale: str) -> NameSlots:
    """The locale's :class:`NameSlots` (made once per process)."""
    people = names(locale)
    fw, fmale = _weights(locale, "first_names")
    taken: set[bytes] = set()
    female = _slots(people.first.ascii[:fmale], fw[:fmale], 0, taken)
    male = _slots(people.first.ascii[fmale:], fw[fmale:], fmale, taken)
    first = Slots(
        np.concatenate([female.index, male.index]),
        np.concatenate([female.count, male.count]),
        np.concatenate([female.start, male.start + female.size]),
    )
    gender = np.concatenate([np.zeros(len(female.index)), np.ones(len(male.index))]).astype(
        np.int64
    )
    lw, lmale = _weights(locale, "last_names")
    last = (
        _slots(people.last.ascii[:lmale], lw[:lmale], 0, set()),
        _slots(people.last.ascii[lmale:], lw[lmale:], lmale, set()),
    )
    return NameSlots(first, gender, last)


def usable(locale: str, rows: int) -> NameSlots | None:
    """The locale's slots when they hold ``rows`` people with room to spare, else None."""
    slots = name_slots(locale)
    return slots if slots.last[0].size and slots.last[1].size and slots.domain >= 4 * rows else None


def people_owner(ctx: Any) -> bool:
    """Whether this unique email column is the one of its group whose positions are the group's
    people: the first by name of the group's unique email columns (a second one cannot take
    its names from the first's positions and stay distinct: it numbers its addresses)."""
    t = ctx.table
    singles = {k.columns[0] for k in t.key_constraints() if len(k.columns) == 1}
    singles |= {ix.columns[0] for ix in t.indexes if ix.unique and len(ix.columns) == 1}
    emails = []
    for col in t.columns:
        if col.name not in singles or col.type.is_array:
            continue
        if col.generator:
            group = "" if col.generator == "email" else None
        else:
            found = detect(col.name, col.type.base, t.name, col.type.length)
            group = found.group if found is not None and found.generator == "email" else None
        if group == ctx.group:
            emails.append(col.name)
    # a column named for it wins over an explicit generator, then the shortest name, then A-Z
    first = min(emails, key=lambda c: (bool(t.column(c).generator), len(c), c), default=None)
    return first == ctx.column.name
