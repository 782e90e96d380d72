"""Compressed chunks that join into one stream: a table is compressed chunk by chunk, in parallel
and once per chunk, and its pieces are stitched into the one zlib (or gzip) stream a pg_dump
archive holds for it.

A *piece* is a chunk's text deflated on its own (raw deflate, a fresh compressor, ending on a full
flush, so it ends on a byte boundary with no final block), behind a fixed head that says what it
holds: the text's length, its Adler-32 and CRC-32, and its xxh3-128 digest. Raw deflate pieces
written one after the other are one valid deflate stream; :func:`zlib_stream` and
:func:`gzip_stream` wrap them in the zlib or gzip framing and close them with an empty final block
and the checksum of the whole text, combined from the pieces' own (:func:`adler32_combine`,
:func:`crc32_combine`) without reading the text again.

The compressed bytes depend on the zlib build (zlib-ng, for one, deflates differently); the head,
and so everything the lock records about a piece, does not.

Example:
    >>> import zlib
    >>> parts = [piece(b"hello ", 1), piece(b"world\\n", 1)]
    >>> zlib.decompress(b"".join(zlib_stream(parts, 1)))
    b'hello world\\n'
    >>> import gzip
    >>> gzip.decompress(b"".join(gzip_stream(parts)))
    b'hello world\\n'
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import xxhash

HEAD = struct.Struct("<QII16s")  # text length, Adler-32, CRC-32, xxh3-128 of the text
ADLER_BASE = 65521  # the largest prime below 2**16: Adler-32's modulus
CRC_POLY = 0xEDB88320  # CRC-32's generator polynomial, bit-reversed (x^0 in the top bit)
FINAL_BLOCK = b"\x03\x00"  # an empty fixed-Huffman block with the final bit: ends the deflate data
GZIP_HEAD = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, mtime 0, OS unknown


@dataclass(frozen=True)
class Piece:
    """A parsed piece: what its head says, and the deflated bytes."""

    length: int
    adler: int
    crc: int
    digest: bytes
    body: bytes


def piece(text: bytes, level: int) -> bytes:
    """``text`` deflated on its own at zlib ``level`` (1-9), behind its head."""
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)  # raw deflate: no zlib header or trailer
    body = comp.compress(text) + comp.flush(zlib.Z_FULL_FLUSH)
    head = HEAD.pack(len(text), zlib.adler32(text), zlib.crc32(text), xxhash.xxh3_128_digest(text))
    return head + body


def parse(data: bytes) -> Piece:
    """The head and body of a piece made by :func:`piece`."""
    length, adler, crc, digest = HEAD.unpack_from(data)
    return Piece(length, adler, crc, digest, data[HEAD.size :])


def adler32_combine(a1: int, a2: int, len2: int) -> int:
    """The Adler-32 of ``x + y`` from ``a1`` (of ``x``), ``a2`` (of ``y``) and ``len(y)``.

    Adler-32 is two sums modulo 65521: A = 1 + the bytes, B = the sum of every prefix's A. After
    ``x``, each byte of ``y`` adds ``A(x) - 1`` more to B than it does alone, so
    A = A1 + A2 - 1 and B = B1 + B2 + len(y) * (A1 - 1).
    """
    s1, s2 = a1 & 0xFFFF, a1 >> 16
    t1, t2 = a2 & 0xFFFF, a2 >> 16
    low = (s1 + t1 - 1) % ADLER_BASE
    high = (s2 + t2 + (len2 % ADLER_BASE) * (s1 - 1)) % ADLER_BASE
    return low | (high << 16)


def _gf2_multiply(a: int, b: int) -> int:
    """``a * b`` modulo CRC-32's polynomial, both in bit-reversed order (x^0 is bit 31)."""
    product = 0
    for bit in range(31, -1, -1):  # a's terms from x^0 up, while b runs through b * x^k
        if a >> bit & 1:
            product ^= b
        b = (b >> 1) ^ CRC_POLY if b & 1 else b >> 1
    return product


def _x_powers() -> list[int]:
    """x^(2^k) modulo the polynomial for k = 0..63, by squaring: x^1 is bit 30 reversed."""
    powers = [1 << 30]
    for _ in range(63):
        powers.append(_gf2_multiply(powers[-1], powers[-1]))
    return powers


X_POWERS = _x_powers()


def crc32_combine(c1: int, c2: int, len2: int) -> int:
    """The CRC-32 of ``x + y`` from ``c1`` (of ``x``), ``c2`` (of ``y``) and ``len(y)``.

    CRC-32 is linear over GF(2): running ``y`` on after ``x`` is running it from zero (which,
    with the pre- and post-inversions, gives ``c2``) plus ``c1`` pushed through ``len(y)`` zero
    bytes, which is ``c1`` times x^(8 * len(y)) modulo the polynomial.
    """
    shift = 1 << 31  # x^0
    n, k = 8 * len2, 0
    while n:
        if n & 1:
            shift = _gf2_multiply(shift, X_POWERS[k])
        n >>= 1
        k += 1
    return _gf2_multiply(shift, c1) ^ c2


def zlib_head(level: int) -> bytes:
    """The two-byte zlib header deflate at ``level`` writes (window 32K; FLEVEL from level)."""
    cmf = 0x78
    flevel = 0 if level < 2 else 1 if level < 6 else 2 if level == 6 else 3
    flg = flevel << 6
    flg += 31 - (cmf * 256 + flg) % 31  # FCHECK: the header, read as a number, divides by 31
    return bytes([cmf, flg])


def zlib_stream(pieces: Iterable[bytes], level: int) -> Iterator[bytes]:
    """One zlib stream of the pieces' texts in order, stitched from their bodies."""
    yield zlib_head(level)
    adler = 1  # of no bytes
    for p in map(parse, pieces):
        adler = adler32_combine(adler, p.adler, p.length)
        yield p.body
    yield FINAL_BLOCK + adler.to_bytes(4, "big")


def gzip_stream(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """One gzip member (fixed header: no name, mtime 0) of the pieces' texts in order."""
    yield GZIP_HEAD
    crc = size = 0
    for p in map(parse, pieces):
        crc = crc32_combine(crc, p.crc, p.length)
        size += p.length
        yield p.body
    yield FINAL_BLOCK + crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")


def text_of(head: bytes) -> tuple[int, str]:
    """(length, xxh3-128 hex) of the text a piece holds, from its head (the first
    :data:`HEAD` bytes); ValueError when ``head`` is shorter."""
    if len(head) < HEAD.size:
        raise ValueError("shorter than a piece's head")
    length, _, _, digest = HEAD.unpack_from(head)
    return length, digest.hex()
