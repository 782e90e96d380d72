"""A person's profile: ``bio``, ``avatar_url``, ``locale`` and ``timezone`` (the row's person
of :mod:`datagen.generators.person`, job of :mod:`datagen.generators.people`, city)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .base import register
from .people import job_index, jobs
from .people_data import BIO_LIKES, BIO_PLACES, HOBBIES, WORLD, WORLD_LOCALES, ZONES
from .person import _Text, romanised_names
from .place import part
from .placedata import places
from .text import length_limit

if TYPE_CHECKING:
    from ..columns import Block


@register("bio")
class Bio(_Text):
    """One to three short sentences about the row's person, from their job and city:
    ``Accountant in Lyon. Loves hiking and coffee.``"""

    names = ("bio", "about", "about_me", "biography", "profile_text")
    LIKES = np.array([h.encode() for h in HOBBIES])
    CAPITALS = np.array([h.capitalize().encode() for h in HOBBIES])

    def generate(self, block: Block) -> np.ndarray:
        key, idx, locale = self.ctx.key(), block.idx, self.ctx.dataset.locale
        add = np.strings.add
        job = jobs(locale).words[job_index(self, block)]
        city = places(locale).cities.words[part(self, block, "city")]  # the row's own city
        which = rand.integers(key, idx, len(BIO_PLACES)).astype(np.int64)

        def placed(t: str) -> Any:
            middle = t.split("{job}")[1].split("{city}")[0].encode()
            return lambda rows: add(add(add(job[rows], middle), city[rows]), b".")

        makers = [placed(t) for t in BIO_PLACES[:-1]] + [lambda rows: add(job[rows], b".")]
        out = textops.by_choice(which, makers)
        n = len(self.LIKES)
        a = rand.integers(key, idx, n, 1).astype(np.int64)
        b = (a + 1 + rand.integers(key, idx, n - 1, 2).astype(np.int64)) % n
        like = rand.integers(key, idx, len(BIO_LIKES), 3).astype(np.int64)

        def liked(t: str) -> Any:
            head, _, rest = t.partition("{")
            if "{b}" in t:
                before, after = rest[2:].split("{b}")
                parts = [
                    head.encode(),
                    self.LIKES[a],
                    before.encode(),
                    self.LIKES[b],
                    after.encode(),
                ]
            else:
                word = self.CAPITALS[a] if rest.startswith("A}") else self.LIKES[a]
                parts = [head.encode(), word, rest[2:].encode()]

            def make(rows: np.ndarray) -> np.ndarray:
                text = add(out[rows], b" ")
                for p in parts:
                    text = add(text, p if isinstance(p, bytes) else p[rows])
                return text

            return make if t else lambda rows: out[rows]

        out = textops.by_choice(like, [liked(t) for t in BIO_LIKES])
        limit = length_limit(self.type)
        return textops.truncate_chars(out, limit) if limit else out


@register("avatar_url")
class AvatarUrl(_Text):
    """An avatar image address on example.com named after the row's person:
    ``https://example.com/avatars/jane.doe.png``."""

    names = ("avatar", "avatar_url", "profile_picture", "profile_picture_url", "photo_url",
             "picture", "profile_image", "profile_image_url")  # fmt: skip

    def generate(self, block: Block) -> np.ndarray:
        first, last = romanised_names(self, block)
        size = np.array([b"", b"-64", b"-128", b"-256"])
        pick = rand.integers(self.ctx.key(), block.idx, 4).astype(np.int64)
        name = np.strings.add(np.strings.add(np.strings.add(first, b"."), last), size[pick])
        out = np.strings.add(np.strings.add(b"https://example.com/avatars/", name), b".png")
        return self.finish(out)


def _country(locale: str) -> str:
    return locale.split("_")[-1].upper()


@register("locale")
class Locale(_Text, standalone=True):
    """A locale as a BCP 47 tag (``en-US``, ``de-DE``): mostly the dataset's own."""

    names = ("locale", "locale_code", "language_tag")

    def setup(self) -> None:
        own = self.ctx.dataset.locale.replace("_", "-")
        values = [own] + [v for v in WORLD_LOCALES if v != own]
        weights = [len(values) * 1.5] + [1.0] * (len(values) - 1)  # the dataset's own: ~60%
        self.values = np.array([v.encode() for v in values])
        self.table = rand.alias_table(np.array(weights))

    def generate(self, block: Block) -> np.ndarray:
        return self.finish(self.values[rand.weighted(self.ctx.key(), block.idx, self.table, 0)])


@register("timezone")
class Timezone(_Text, standalone=True):
    """An IANA time zone, mostly of the dataset locale's country (``Europe/Paris``)."""

    names = ("timezone", "time_zone", "tz", "tz_name")

    def setup(self) -> None:
        own = ZONES.get(_country(self.ctx.dataset.locale), [])
        values = own + [z for z in WORLD if z not in own]
        # the country's zones (the first, most populous, twice as often) hold about 80%
        weights = [8.0 * (2 if i == 0 else 1) / (len(own) + 1) for i in range(len(own))]
        weights += [2.0 / (len(values) - len(own))] * (len(values) - len(own))
        self.values = np.array([v.encode() for v in values])
        self.table = rand.alias_table(np.array(weights))

    def generate(self, block: Block) -> np.ndarray:
        return self.finish(self.values[rand.weighted(self.ctx.key(), block.idx, self.table, 0)])
