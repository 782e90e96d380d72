"""Network addresses: ``inet`` (IPv4 hosts), ``cidr`` (/24 networks) and ``macaddr``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rand, textops
from .base import Generator, register
from .text import length_limit

if TYPE_CHECKING:
    from ..columns import Block


def need_length(gen: Any, longest: int, example: str) -> None:
    """A problem when the column is a ``varchar(n)`` too short for the longest value (an address
    cut short is no address: refused rather than truncated)."""
    limit = length_limit(gen.type)
    if limit is not None and limit < longest:
        gen.problem(
            f"generator {gen.name!r} makes values of up to {longest} characters "
            f"({example}); {gen.type.ddl()} holds {limit}",
            f"declare the column as varchar({longest}) or longer, or as {gen.name_type}",
        )


_OCTET = np.array([str(i).encode() for i in range(256)])  # "0".."255", looked up, not printed
_OCTET_DOT = np.strings.add(_OCTET, b".")


def dotted(value: np.ndarray, octets: int = 4) -> np.ndarray:
    """``a.b.c.d`` from 32-bit integers (the top ``octets`` bytes)."""
    v = value.astype(np.int64)
    shifts = (24, 16, 8, 0)[:octets]
    out = _OCTET_DOT[(v >> shifts[0]) & 255] if octets > 1 else _OCTET[(v >> 24) & 255]
    for i, shift in enumerate(shifts[1:], 1):
        table = _OCTET if i == octets - 1 else _OCTET_DOT
        out = np.strings.add(out, table[(v >> shift) & 255])
    return out


@register("ipv4")
class Ipv4(Generator, standalone=True):
    """A public-looking IPv4 host address (first octet 1-223, last 1-254)."""

    names = ("ip_address", "ipv4", "ip")
    types = frozenset({"inet", "text", "varchar"})
    name_type = "inet"

    def setup(self) -> None:
        need_length(self, 15, "223.255.255.254")

    def generate(self, block: Block) -> np.ndarray:
        b = rand.bits(self.ctx.key(), block.idx)
        first = 1 + (b >> np.uint64(32)) % np.uint64(223)
        middle = (b >> np.uint64(8)) & np.uint64(0xFFFF)
        last = 1 + (b & np.uint64(0xFF)) % np.uint64(254)
        return dotted((first << np.uint64(24)) | (middle << np.uint64(8)) | last)

    def domain(self) -> int:
        return 1 << 32

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return dotted(k)


@register("cidr")
class Cidr(Generator, standalone=True):
    """A /24 network, ``a.b.c.0/24``."""

    types = frozenset({"cidr", "inet"})

    def generate(self, block: Block) -> np.ndarray:
        return self.at(block, rand.integers(self.ctx.key(), block.idx, 1 << 24))

    def domain(self) -> int:
        return 1 << 24

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        return np.strings.add(dotted(k.astype(np.uint64) << np.uint64(8)), b"/24")


@register("macaddr")
class MacAddr(Generator, standalone=True):
    """A MAC address, ``08:00:2b:01:02:03``."""

    names = ("mac_address",)
    types = frozenset({"macaddr", "text", "varchar"})
    name_type = "macaddr"

    def setup(self) -> None:
        need_length(self, 17, "08:00:2b:01:02:03")

    def generate(self, block: Block) -> np.ndarray:
        return self.at(block, rand.integers(self.ctx.key(), block.idx, 1 << 48))

    def domain(self) -> int:
        return 1 << 48

    def at(self, block: Block, k: np.ndarray) -> np.ndarray:
        raw = k.astype(">u8").view(np.uint8).reshape(len(k), 8)[:, 2:]
        h = textops.hex_bytes(raw)
        m = np.full((len(k), 17), ord(":"), dtype=np.uint8)
        for i in range(6):
            m[:, 3 * i : 3 * i + 2] = h[:, 2 * i : 2 * i + 2]
        return textops.from_matrix(m)
