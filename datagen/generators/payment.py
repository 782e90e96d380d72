"""Payments: methods, cards (Luhn-valid, real IIN prefixes; last four digits, brand, expiry,
CVV), IBANs (ISO 13616 mod-97 check digits, each country's length), BICs, transaction ids.

Columns of one group share a latent card (``card_number``, ``card_last4``, ``card_brand``,
``card_expiry`` of a row describe one card) and a latent bank account (``iban`` and ``bic`` name
the same country and bank).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .base import INT_TYPES, TEXT_TYPES, Generator, register
from .commerce_base import Vocabulary, data, random_digits, random_letters, text_rules, too_short
from .semantic import rule, tokens
from .text import UNBOUNDED, length_limit

if TYPE_CHECKING:
    from ..columns import Block

PAYMENT_TABLES = r"payment|transaction|charge"
CARD_TABLES = r"card|payment|wallet"


@register("payment_method")
class PaymentMethod(Vocabulary):
    """How a payment was made: ``card`` in half the rows, ``paypal``, ``apple_pay``,
    ``bank_transfer``..."""

    names = (
        *text_rules("payment_method", 8),
        *text_rules("payment_type", 8),
        *text_rules("method", 8, tables=PAYMENT_TABLES, note="in a table of payments"),
    )

    def vocabulary(self) -> dict[str, float]:
        return {"card": 50, "paypal": 15, "apple_pay": 9, "bank_transfer": 8, "google_pay": 6,
                "klarna": 3, "gift_card": 3, "cash": 2}  # fmt: skip


BRANDS = ("visa", "mastercard", "amex", "discover")


@functools.cache
def _iins() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple]:
    """Issuer prefixes: (digits matrix, prefix length, card length, brand index, alias table)."""
    rows: list[tuple[str, int, int, float]] = [("4", 16, 0, 50.0)]
    rows += [(str(p), 16, 1, 5.0) for p in range(51, 56)]
    rows += [(str(p), 16, 1, 0.01) for p in range(2221, 2721)]  # Mastercard's 2-series
    rows += [("34", 15, 2, 4.0), ("37", 15, 2, 8.0), ("6011", 16, 3, 4.0), ("65", 16, 3, 3.0)]
    rows += [(str(p), 16, 3, 0.2) for p in range(644, 650)]
    digits = np.zeros((len(rows), 4), dtype=np.uint8)
    for i, (p, _, _, _) in enumerate(rows):
        digits[i, : len(p)] = [int(c) for c in p]
    plen = np.array([len(p) for p, _, _, _ in rows])
    length = np.array([n for _, n, _, _ in rows])
    brand = np.array([b for _, _, b, _ in rows])
    return digits, plen, length, brand, rand.alias_table(np.array([w for *_, w in rows]))


_DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.uint8)  # 2d, digits summed


def card(ctx: Any, block: Block) -> dict[str, np.ndarray]:
    """The row's latent card: ``number`` (bytes), ``length``, ``brand`` index."""
    key = ctx.table_key("commerce.card", ctx.group)

    def draw() -> dict[str, np.ndarray]:
        idx = block.idx
        digits, plen, lengths, brands, _ = _iins()
        e = issuer(ctx, block)
        d = random_digits(key, idx, 16, 1)
        d[:, :4] = np.where(np.arange(4)[None, :] < plen[e][:, None], digits[e], d[:, :4])
        n = lengths[e]
        # Luhn: double every second digit leftwards from the one before the check digit
        dbl = _DOUBLED[d[:, :15]]
        s16 = dbl[:, 0:15:2].sum(axis=1, dtype=np.int64) + d[:, 1:15:2].sum(axis=1, dtype=np.int64)
        s15 = dbl[:, 1:14:2].sum(axis=1, dtype=np.int64) + d[:, 0:14:2].sum(axis=1, dtype=np.int64)
        total = np.where(n == 16, s16, s15)
        rows = np.arange(len(idx))
        d[rows, n - 1] = (10 - total % 10) % 10
        d += np.uint8(48)
        d[n == 15, 15] = 0  # American Express: 15 digits
        return {"number": textops.from_matrix(d), "length": n, "brand": brands[e]}

    return block.memo(("commerce.card", ctx.group), draw)


def issuer(ctx: Any, block: Block) -> np.ndarray:
    """The row of :func:`_iins` the row's card was issued under."""
    key = ctx.table_key("commerce.card", ctx.group)
    return block.memo(
        ("commerce.card.iin", ctx.group), lambda: rand.weighted(key, block.idx, _iins()[4], 0)
    )


def expiry_month(ctx: Any, block: Block) -> np.ndarray:
    """The month the row's card expires (0 = January 2026, up to December 2032)."""
    key = ctx.table_key("commerce.card", ctx.group)
    return block.memo(
        ("commerce.card.month", ctx.group),
        lambda: rand.integers(key, block.idx, 84, 3).astype(np.int64),
    )


@register("credit_card")
class CreditCard(Generator):
    """A Luhn-valid card number with a real issuer prefix and length: Visa (4, 16 digits),
    Mastercard (51-55 and 2221-2720, 16), American Express (34, 37; 15), Discover (6011, 65, 16)."""

    names = tuple(
        r
        for w in ("credit_card", "credit_card_number", "card_number", "cc_number", "pan")
        for r in text_rules(w, 16)
    )
    types = TEXT_TYPES

    def setup(self) -> None:
        too_short(self, 16, "4111111111111111")

    def generate(self, block: Block) -> np.ndarray:
        return card(self.ctx, block)["number"]


@register("card_last4")
class CardLast4(Generator):
    """The last four digits of the row's card number."""

    names = tuple(r for w in ("card_last4", "last4", "last_four") for r in text_rules(w, 4))
    types = TEXT_TYPES

    def setup(self) -> None:
        too_short(self, 4, "4242")

    def generate(self, block: Block) -> np.ndarray:
        c = card(self.ctx, block)
        m = textops.matrix(c["number"])
        long = (c["length"] == 16)[:, None]
        return textops.from_matrix(np.where(long, m[:, 12:16], m[:, 11:15]))


@register("card_brand")
class CardBrand(Generator):
    """The network of the row's card: ``visa``, ``mastercard``, ``amex`` or ``discover``."""

    names = tuple(r for w in ("card_brand", "card_type", "card_network") for r in text_rules(w, 10))
    types = TEXT_TYPES
    _NAMES = np.array([b.encode() for b in BRANDS])

    def setup(self) -> None:
        too_short(self, 10, "mastercard")

    def generate(self, block: Block) -> np.ndarray:
        return self._NAMES[_iins()[3][issuer(self.ctx, block)]]


_EXPIRY = ("card_expiry", "card_expiration", "expiry", "expiry_date", "exp_date", "expiration", "expiration_date")  # fmt: skip  # noqa: E501
_EXPIRY_PARTS = ("expiry_month", "exp_month", "expiration_month", "expiry_year", "exp_year",
                 "expiration_year")  # fmt: skip


@register("card_expiry")
class CardExpiry(Generator):
    """When the row's card expires, January 2026 to December 2032: ``MM/YY`` in text, the month's
    last day in a date, and the month (1-12) or year in an integer column named ``..._month`` or
    ``..._year``."""

    names = (
        *(r for w in _EXPIRY for r in text_rules(w, 5)),
        *(  # a date named like an expiry is a card's among cards only: else it is expires_at
            rule(w, types={"date"}, tables=None if w.startswith("card") else CARD_TABLES)
            for w in _EXPIRY
        ),
        *(rule(w, types=INT_TYPES) for w in _EXPIRY_PARTS),
    )
    types = TEXT_TYPES | INT_TYPES | {"date"}

    def setup(self) -> None:
        too_short(self, 5, "09/28")
        self.part = "month" if tokens(self.ctx.column.name)[-1:] == ["month"] else "year"

    def generate(self, block: Block) -> np.ndarray:
        month = expiry_month(self.ctx, block)
        if self.type.base == "date":
            first = np.datetime64("2026-01", "M") + month
            last = (first + 1).astype("datetime64[D]") - 1
            return np.datetime_as_string(last, unit="D").astype("S10")
        if self.type.int_range is not None:
            return textops.ints(month % 12 + 1 if self.part == "month" else 2026 + month // 12)
        m = np.full((len(month), 5), ord("/"), dtype=np.uint8)
        textops.fixed_digits(m, 0, month % 12 + 1, 2)
        textops.fixed_digits(m, 3, 26 + month // 12, 2)
        return textops.from_matrix(m)


@register("cvv")
class Cvv(Generator, standalone=True):
    """A card security code: three digits."""

    names = tuple(r for w in ("cvv", "cvc", "security_code", "card_cvv") for r in text_rules(w, 3))
    types = TEXT_TYPES

    def setup(self) -> None:
        too_short(self, 3, "042")

    def generate(self, block: Block) -> np.ndarray:
        return textops.from_matrix(random_digits(self.ctx.key(), block.idx, 3) + np.uint8(48))


@functools.cache
def _countries() -> tuple[list[str], np.ndarray, np.ndarray, list[list[str]], np.ndarray]:
    """IBAN countries: codes, lengths, BBAN kinds per position (1 digit, 2 letter, 0 none), their
    banks' BIC codes, and the ISO 7064 mod 97-10 weight of each BBAN position, with the weighted
    country code in the last column (the check is ``98 - (sum of value * weight) % 97``)."""
    table = data()["iban"]
    codes = sorted(table)
    width = max(table[c]["length"] for c in codes) - 4  # the longest BBAN
    kinds = np.zeros((len(codes), width), dtype=np.uint8)
    weights = np.zeros((len(codes), width + 1), dtype=np.int64)
    for i, c in enumerate(codes):
        pos = 0
        for count, kind in re.findall(r"(\d+)([nac])", table[c]["bban"]):
            kinds[i, pos : pos + int(count)] = 2 if kind == "a" else 1  # c: digits, as most are
            pos += int(count)
        # the number is BBAN + country + "00", a letter standing for its two digits 10..35
        after = 6
        for j in range(pos - 1, -1, -1):
            weights[i, j] = pow(10, after, 97)
            after += 2 if kinds[i, j] == 2 else 1
        weights[i, -1] = ((ord(c[0]) - 55) * 10**4 + (ord(c[1]) - 55) * 100) % 97
    lengths = np.array([table[c]["length"] for c in codes])
    return codes, lengths, kinds, [table[c]["banks"] for c in codes], weights


def bank(ctx: Any, block: Block) -> tuple[np.ndarray, np.ndarray]:
    """The row's latent bank account: (country index, bank number), the dataset locale's
    country in about 60% of rows where it has IBANs."""
    key = ctx.table_key("commerce.bank", ctx.group)

    def draw() -> tuple[np.ndarray, np.ndarray]:
        codes = _countries()[0]
        weights = np.ones(len(codes))
        own = ctx.dataset.locale.rpartition("_")[2]
        if own in codes:
            weights[codes.index(own)] = 1.5 * (len(codes) - 1)
        c = rand.weighted(key, block.idx, rand.alias_table(weights), 0)
        return c, rand.bits(key, block.idx, 1)

    return block.memo(("commerce.bank", ctx.group), draw)


@register("iban")
class Iban(Generator):
    """An IBAN with valid mod-97 check digits and its country's length (DE 22, FR 27, GB 22,
    NL 18, BE 16, ...), electronic form without spaces."""

    names = (*text_rules("iban", 22), *text_rules("iban_number", 22))
    types = TEXT_TYPES

    def setup(self) -> None:
        lengths = _countries()[1]
        limit = length_limit(self.type)
        self.fits = np.array([limit is None or n <= limit for n in lengths])
        if not self.fits.any():
            too_short(self, int(lengths.min()), "NO9386011117947")
            self.fits[:] = True

    TAIL = 10  #: in a unique column the BBAN's last 10 digits spell the distinct ``k``

    def domain(self) -> int:
        return 10**self.TAIL

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self.generate(block, k)

    def generate(self, block: Block, tail: np.ndarray | None = None) -> np.ndarray:
        codes, _, kinds, banks, weights = _countries()
        key, idx = self.ctx.key(), block.idx
        c, b = bank(self.ctx, block)
        if not self.fits.all():  # a country too long for the column: another, for this column
            fitting = np.flatnonzero(self.fits)
            c = np.where(self.fits[c], c, fitting[rand.integers(key, idx, len(fitting), 9)])
        kind = kinds[c]
        m = random_digits(key, idx, kind.shape[1], 1) + np.uint8(48)
        m *= kind != 0  # NUL past the country's BBAN
        # letters only open a BBAN (GB, IE, NL bank codes, Italy's CIN)
        m[:, :4] = np.where(kind[:, :4] == 2, random_letters(key, idx, 4, 3), m[:, :4])
        for i, code in enumerate(codes):  # GB, IE, NL: the BBAN starts with the bank's code
            if data()["iban"][code].get("letters"):
                rows = c == i
                ours = np.array([list(x.encode()) for x in banks[i]], dtype=np.uint8)
                m[rows, :4] = ours[(b[rows] % np.uint64(len(banks[i]))).astype(np.int64)]
        if tail is not None:  # distinct k, distinct last digits: distinct IBANs
            end, k = (kind != 0).sum(axis=1), tail.astype(np.uint64)
            for j in range(1, self.TAIL + 1):  # every BBAN ends in 10 digits or more
                m[np.arange(len(idx)), end - j] = 48 + (k % np.uint64(10)).astype(np.uint8)
                k //= np.uint64(10)
        value = m - np.uint8(48)  # digits 0-9; letters (first four only) 10-35 below
        value[:, :4] -= np.uint8(7) * (m[:, :4] >= 65)
        total = weights[c, -1].astype(np.int32)
        for j in range(value.shape[1]):  # past the BBAN the weight is 0
            total += value[:, j] * weights[c, j].astype(np.int32)
        check = 98 - total % 97
        head = np.zeros((len(idx), 4), dtype=np.uint8)
        head[:, :2] = np.array([list(x.encode()) for x in codes], dtype=np.uint8)[c]
        textops.fixed_digits(head, 2, check, 2)
        return textops.from_matrix(np.concatenate([head, m.astype(np.uint8)], axis=1))


@register("bic")
class Bic(Generator):
    """The BIC (SWIFT code) of the row's bank: bank code, the IBAN's country, location, and in
    columns that hold 11 characters often a branch (``DEUTDEFF``, ``NWBKGB2LXXX``)."""

    names = tuple(
        r for w in ("bic", "bic_code", "swift", "swift_code", "swift_bic") for r in text_rules(w, 8)
    )
    types = TEXT_TYPES
    _PLACES = np.array([b"FF", b"MM", b"2X", b"22", b"PP", b"XX", b"2L", b"HH", b"21", b"BB"])

    def setup(self) -> None:
        too_short(self, 8, "DEUTDEFF")
        limit = length_limit(self.type)
        # char(11) pads shorter values with blanks: there, every code has a branch
        self.branch_rate = 0.0 if limit is not None and limit < 11 else 0.4
        if self.type.base == "char" and limit is not None and limit >= 11:
            self.branch_rate = 1.0

    def generate(self, block: Block) -> np.ndarray:
        codes, _, _, banks, _ = _countries()
        key, idx = self.ctx.key(), block.idx
        c, b = bank(self.ctx, block)
        nbanks = np.array([len(x) for x in banks], dtype=np.uint64)
        flat = np.array([x.encode() for xs in banks for x in xs])
        start = np.concatenate([[0], np.cumsum(nbanks)[:-1]]).astype(np.int64)
        out = flat[start[c] + (b % nbanks[c]).astype(np.int64)]
        out = np.strings.add(out, np.array([x.encode() for x in codes])[c])
        out = np.strings.add(out, self._PLACES[rand.integers(key, idx, len(self._PLACES))])
        letters = textops.from_matrix(random_letters(key, idx, 3, 1))
        branch = np.where(rand.chance(key, idx, 0.7, 2), b"XXX", letters)
        return np.where(
            rand.chance(key, idx, self.branch_rate, 3), np.strings.add(out, branch), out
        )


_B62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)


def base62(v: np.ndarray, width: int) -> np.ndarray:
    """(rows, width) uint8 matrix of ``v`` in base 62."""
    m = np.empty((len(v), width), dtype=np.uint8)
    v = v.astype(np.uint64)
    for pos in range(width - 1, -1, -1):
        m[:, pos] = _B62[(v % np.uint64(62)).astype(np.int64)]
        v = v // np.uint64(62)
    return m


@register("transaction_id")
class TransactionId(Generator, standalone=True):
    """A payment processor's id: ``txn_`` (``ch_`` for a charge) and 24 letters and digits."""

    names = tuple(
        r
        for w in (
            "transaction_id",
            "txn_id",
            "transaction_ref",
            "transaction_reference",
            "payment_reference",
            "payment_ref",
            "charge_id",
        )
        for r in text_rules(w, 28)
    )
    types = TEXT_TYPES

    def setup(self) -> None:
        self.prefix = b"ch_" if "charge" in tokens(self.ctx.column.name) else b"txn_"
        too_short(self, len(self.prefix) + 24, self.prefix.decode() + "3MtwBwLkdIwHu7ix28a3tqPa")

    def _text(self, block: Block, tail: np.ndarray) -> np.ndarray:
        key, idx = self.ctx.key(), block.idx
        head = [base62(rand.bits(key, idx, d) % np.uint64(62**10), 10) for d in (0, 1)]
        m = np.concatenate([*head, tail], axis=1)[:, -24:]
        return np.strings.add(self.prefix, textops.from_matrix(m))

    def generate(self, block: Block) -> np.ndarray:
        return self._text(block, base62(rand.bits(self.ctx.key(), block.idx, 2), 4))

    def domain(self) -> int:
        return UNBOUNDED

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return self._text(block, base62(k, 11))  # the last 11 characters spell k: distinct
