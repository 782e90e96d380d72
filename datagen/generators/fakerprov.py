"""``faker``: any Faker provider method, called once per row (the slow escape hatch).

Every other generator reads Faker's data once and samples it with numpy; this one calls Faker for
every row, so it runs at Faker's speed (a few thousand to some tens of thousands of values a
second, depending on the method), hundreds of times slower than the rest. It is there for the
values nothing else makes.

Determinism: before each row's call, Faker's random generator is seeded from the column's stream
and the row index, so a value depends only on (seed, locale, table, column, row), never on the
chunk or on other rows. Each thread has its own Faker instance (seeding one is not thread-safe).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand
from ..errors import suggest
from .base import Generator, literal_problem, register
from .text import length_limit

if TYPE_CHECKING:
    from ..columns import Block

#: public callables of a Faker generator that do not make a value
NOT_PROVIDERS = frozenset(
    {
        "add_provider",
        "del_arguments",
        "format",
        "get_arguments",
        "get_formatter",
        "get_providers",
        "parse",
        "provider",
        "random",
        "seed",
        "seed_instance",
        "seed_locale",
        "set_arguments",
        "set_formatter",
    }
)
SAMPLE = 20


@cache
def _faker(locale: str) -> Any:
    """One Faker generator per locale and thread is made from this (import is slow: lazily)."""
    from faker import Faker

    return Faker(locale).factories[0]


@cache
def providers(locale: str) -> tuple[str, ...]:
    """The value-making method names of the locale's Faker."""
    fake = _faker(locale)
    return tuple(
        n
        for n in dir(fake)
        if not n.startswith("_") and n not in NOT_PROVIDERS and callable(getattr(fake, n, None))
    )


def pg_text(value: Any, base: str) -> str:
    """PostgreSQL text of a Python value made by Faker, for a column of base type ``base``."""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        if base == "date":
            return value.date().isoformat()
        if value.tzinfo is not None:  # the instant, in UTC (as the other generators write it)
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(" ") + ("+00" if base == "timestamptz" else "")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds():g} seconds"
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (bytes, bytearray)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, (dict, list, tuple, set)):
        items = sorted(value, key=str) if isinstance(value, set) else value
        if base in ("json", "jsonb") or isinstance(value, dict):
            return json.dumps(items, default=str, ensure_ascii=False)
        return ", ".join(map(str, items))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json.dumps(dataclasses.asdict(value), default=str)
    return str(value)


@register("faker")
class FakerProvider(Generator, standalone=True):
    """A Faker provider method's value per row (``provider``, with ``kwargs``): slow, for values
    no other generator makes."""

    params = {
        "provider": {"type": "string"},
        "kwargs": {"type": "object", "default": {}},
    }
    required = ("provider",)

    def setup(self) -> None:
        self.provider = str(self.p.get("provider", ""))
        self.kwargs = dict(self.param("kwargs"))
        self.limit = length_limit(self.type)
        self.local = threading.local()
        locale = self.ctx.dataset.locale
        try:
            names = providers(locale)
        except Exception as e:  # a locale Faker cannot load: validation reports it elsewhere
            self.problem(f"Faker cannot load locale {locale!r}: {e}")
            return
        if self.provider in NOT_PROVIDERS:
            self.problem(
                f"Faker's {self.provider!r} does not make values",
                "name a provider method such as name, date_between or sentence",
            )
            return
        if self.provider not in names:
            self.problem(
                f"Faker ({locale}) has no provider method {self.provider!r}",
                suggest(self.provider, names) or "see https://faker.readthedocs.io/ for the list",
            )
            return
        try:
            sample = self.texts(np.arange(SAMPLE, dtype=np.int64))
        except Exception as e:  # a bad kwarg or value: the user's to fix, not a traceback
            self.problem(
                f"Faker's {self.provider}(**{self.kwargs!r}) fails: {type(e).__name__}: {e}",
                "check the method's keyword arguments in Faker's documentation",
            )
            return
        for text in sample:
            why = "it contains a NUL character" if "\x00" in text else None
            if why is None and self.limit is None:
                why = literal_problem(text, self.type)
            if why:
                self.problem(
                    f"Faker's {self.provider} makes {text[:60]!r}, which does not fit "
                    f"{self.type.ddl()}: {why}",
                    "choose a provider whose values suit the column's type",
                )
                return

    def fake(self) -> Any:
        """This thread's Faker generator for the dataset's locale."""
        fake = getattr(self.local, "fake", None)
        if fake is None:
            from faker import Faker

            fake = self.local.fake = Faker(self.ctx.dataset.locale).factories[0]
        return fake

    def texts(self, idx: np.ndarray) -> list[str]:
        fake = self.fake()
        method = getattr(fake, self.provider)
        base = self.type.base
        out = []
        for seed in rand.bits(self.ctx.key(), idx).tolist():
            fake.seed_instance(seed)  # the row's own seed: no state carries between rows
            out.append(pg_text(method(**self.kwargs), base))
        return out

    def generate(self, block: Block) -> np.ndarray:
        texts = self.texts(block.idx)
        if self.limit is not None:
            texts = [cut(t, self.limit) for t in texts]
        raw = [t.replace("\x00", "").encode("utf-8") for t in texts]
        return np.array(raw, dtype=f"S{max([1, *map(len, raw)])}")


def cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: at a word boundary where there is one, and
    without trailing blanks (``varchar(n)``, ``char(n)``)."""
    if len(text) > limit:
        head = text[: limit + 1]
        space = head.rfind(" ")
        text = head[:space] if space > 0 else text[:limit]
    return text.rstrip()
