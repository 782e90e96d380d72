"""A row's lifecycle in time: ``created_at`` and the moments named after it, in order.

Each row of a group has an *origin*, the moment it was created, and fixed gaps to each later
stage: created <= confirmed/placed <= paid <= shipped <= completed/delivered; ``updated_at``
after all of those; ``deleted_at`` and ``cancelled_at`` later still (and mostly NULL);
``last_seen_at`` somewhere between creation and the end of the window; ``expires_at`` and
``due_at`` weeks to years ahead. Every gap is drawn for every row whether or not its column
exists, so adding a column changes no other column.

Across tables, a row is created after the rows it references (an order after its customer
signed up, a payment after its order): the table's plan computes each row's *anchor*, the
latest origin among its timed parents at the parent rows its foreign keys picked, by evaluating
the parents' own timelines at those rows (never by reading their data), and the row's origin
is drawn between its anchor and the end of the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .. import rand
from .base import Generator, register
from .semantic import Rule, rule
from .temporal import DAY, DEFAULT_END, DEFAULT_START, TEMPORAL, render, to_seconds

if TYPE_CHECKING:
    from ..columns import Block

WINDOW_START = to_seconds(DEFAULT_START)
#: origins stop two months before the window's end, so later stages stay near the window
WINDOW_END = to_seconds(DEFAULT_END) - 60 * DAY
HOUR = 3600

# Gaps between stages, as (median seconds, spread factor): log-uniform between median/spread and
# median*spread. Stage 1 follows creation by minutes, payment by minutes to hours, shipping by
# days, delivery by days more.
_GAPS = (
    (20 * 60, 6.0),  # created -> confirmed / placed / submitted
    (2 * HOUR, 8.0),  # -> paid / processed / approved
    (2 * DAY, 2.5),  # -> shipped / dispatched
    (3 * DAY, 2.5),  # -> delivered / completed / closed
)


#: what a time column's name may end with after its verb: ``placed_at``, ``paid_on``
TIME_TAILS = ("at", "on", "date", "time", "timestamp", "ts", "datetime")


def _names(*verbs: str) -> tuple[Rule, ...]:
    """``placed`` -> placed, placed_at, placed_on, placed_date, ... (:data:`TIME_TAILS`)."""
    return tuple(rule(v, tails=TIME_TAILS) for v in verbs)


def timeline_key(gen: Generator) -> int:
    return gen.ctx.table_key("timeline", gen.ctx.group)


def origin(gen: Generator, block: Block) -> np.ndarray:
    """Each row's creation moment (epoch seconds) in the generator's group, shared by every
    lifecycle column of the group. Group "" starts at the row's anchor (its parents' latest
    creation), if its table has timed parents."""

    def draw() -> np.ndarray:
        key, idx = timeline_key(gen), block.idx
        anchor = block.anchor() if gen.ctx.group == "" else None
        if anchor is None:
            return WINDOW_START + rand.integers(key, idx, WINDOW_END - WINDOW_START + 1).astype(
                np.int64
            )
        lo = np.clip(anchor, WINDOW_START, WINDOW_END)
        span = (WINDOW_END - lo + 1).astype(np.float64)
        return lo + np.floor(rand.uniform(key, idx) * span).astype(np.int64)

    return block.memo(("timeline", gen.ctx.group), draw)


def stage_offsets(gen: Generator, block: Block) -> np.ndarray:
    """Seconds from creation to each stage (columns 0..4, cumulative; stage 0 is creation)."""

    def draw() -> np.ndarray:
        key, idx = timeline_key(gen), block.idx
        out = np.zeros((len(idx), len(_GAPS) + 1), dtype=np.int64)
        for s, (median, spread) in enumerate(_GAPS):
            u = rand.uniform(key, idx, 10 + s)
            gap = median * np.exp((2 * u - 1) * np.log(spread))
            out[:, s + 1] = out[:, s] + gap.astype(np.int64)
        return out

    return block.memo(("stages", gen.ctx.group), draw)


class Moment(Generator):
    """Base of the lifecycle moments: the row's origin plus the offset of its ``stage``."""

    types = TEMPORAL
    stage = 0
    #: place in the chain created <= confirmed <= paid <= shipped <= completed <= updated <=
    #: deleted that every row holds (None: only after creation)
    chain: ClassVar[int | None] = None

    def seconds(self, block: Block) -> np.ndarray:
        base = origin(self, block)
        if self.stage == 0:
            return base
        return base + stage_offsets(self, block)[:, self.stage]

    def generate(self, block: Block) -> np.ndarray:
        return render(self.seconds(block), self.type.base)


@register("created_at")
class CreatedAt(Moment):
    """When the row was created: 2020 to late 2025, after the rows it references were created."""

    chain = 0

    version = 2  # 2: part of a lifecycle, after the row's parents
    names = (
        *_names("created", "inserted", "registered", "registration", "joined", "join"),
        *_names("signed_up", "signup", "enrolled", "hired", "hire", "onboarded", "initiated"),
        *_names("originated", "opened_account"),
        "date_created",
        "date_joined",
    )


@register("confirmed_at")
class ConfirmedAt(Moment):
    """Minutes after creation: the row was confirmed, placed, submitted, verified, started."""

    chain = 1

    stage = 1
    names = _names(
        "confirmed", "placed", "ordered", "submitted", "verified", "activated", "accepted",
        "published", "started", "start", "opened", "requested", "booked", "issued", "order",
        "effective", "scheduled",
    )  # fmt: skip


@register("paid_at")
class PaidAt(Moment):
    """Hours after confirmation: paid, processed, approved, authorized, charged."""

    chain = 2

    stage = 2
    names = _names("paid", "processed", "approved", "authorized", "charged", "captured", "payment")


@register("shipped_at")
class ShippedAt(Moment):
    """Days after payment: shipped, dispatched, sent, fulfilled."""

    chain = 3

    stage = 3
    names = _names("shipped", "dispatched", "sent", "fulfilled", "ship")


@register("completed_at")
class CompletedAt(Moment):
    """Days after shipping: delivered, completed, closed, resolved, finished, ended."""

    chain = 4

    stage = 4
    names = _names(
        "completed", "delivered", "closed", "resolved", "finished", "ended", "end", "received",
        "returned", "delivery",
    )  # fmt: skip


def last_change(gen: Generator, block: Block) -> np.ndarray:
    """The row's last change (``updated_at``): up to 120 days after its last stage, in 30% of
    rows the last stage itself; drawn from the group's timeline, so ``deleted_at`` follows it."""
    key, idx = timeline_key(gen), block.idx
    delta = rand.integers(key, idx, 120 * DAY + 1, 20).astype(np.int64)
    delta = np.where(rand.chance(key, idx, 0.3, 21), 0, delta)
    return origin(gen, block) + stage_offsets(gen, block)[:, -1] + delta


@register("updated_at")
class UpdatedAt(Moment):
    """The row's last change: at or after every other moment of its lifecycle (up to four
    months after its last stage; in 30% of the rows the last stage itself)."""

    version = 3  # 2: after the whole lifecycle; 3: drawn from the timeline (deleted follows)
    chain = 5
    names = (*_names("updated", "modified", "changed", "last_modified", "edited"), "date_modified")

    def seconds(self, block: Block) -> np.ndarray:
        return last_change(self, block)


@register("deleted_at")
class DeletedAt(Moment):
    """When the row was soft-deleted: 1 to 365 days after its last change; NULL in 90% of rows
    of a nullable column detected by name."""

    version = 2  # 2: after updated_at
    chain = 6
    default_null_rate = 0.9
    names = _names("deleted", "archived", "removed", "deactivated", "disabled", "revoked")

    def seconds(self, block: Block) -> np.ndarray:
        gap = DAY + rand.integers(self.ctx.key(), block.idx, 365 * DAY).astype(np.int64)
        return last_change(self, block) + gap


@register("cancelled_at")
class CancelledAt(Moment):
    """When the row was cancelled: hours after creation; NULL in 85% of rows of a nullable
    column detected by name."""

    default_null_rate = 0.85
    names = _names("cancelled", "canceled", "refunded", "rejected", "failed")

    def seconds(self, block: Block) -> np.ndarray:
        gap = rand.integers(self.ctx.key(), block.idx, 3 * DAY).astype(np.int64)
        return origin(self, block) + gap


@register("last_seen_at")
class LastSeenAt(Moment):
    """The row's most recent activity: between its creation and the end of the window."""

    names = (
        *_names("last_seen", "last_login", "last_active", "last_activity", "last_sign_in"),
        *_names("last_signed_in", "last_logged_in", "last_used", "last_visit", "last_accessed"),
    )

    def seconds(self, block: Block) -> np.ndarray:
        base = origin(self, block)
        span = np.maximum(to_seconds(DEFAULT_END) - base, 1).astype(np.float64)
        u = np.sqrt(rand.uniform(self.ctx.key(), block.idx))  # recent activity is likelier
        return base + np.floor(u * span).astype(np.int64)


@register("expires_at")
class ExpiresAt(Moment):
    """When the row expires or falls due: 2 weeks to 2 years after creation."""

    names = _names(
        "expires", "expiry", "expiration", "valid_until", "due", "renews", "renewal", "ends",
        "maturity", "trial_ends", "trial_end",
    )  # fmt: skip

    def seconds(self, block: Block) -> np.ndarray:
        gap = rand.integers(self.ctx.key(), block.idx, 716 * DAY).astype(np.int64) + 14 * DAY
        return origin(self, block) + gap
