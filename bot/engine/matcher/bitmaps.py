"""Sets of slots as bitmaps (an int, bit s for slot s), and a sort that lets other threads run."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar, overload

# Bytes that are not zero, and the bits set in each byte value: a bitmap's slots.
_NONZERO = re.compile(rb"[^\x00]")
_BITS_IN = tuple(tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256))
# Sorts longer than this are done in parts (see sorted_gently).
SORT_PART = 8192


def bitmap(slots: Sequence[int]) -> int:
    """Sorted slots as a bitmap (bit s set for slot s)."""
    if not slots:
        return 0
    buffer = bytearray((slots[-1] >> 3) + 1)
    for slot in slots:
        buffer[slot >> 3] |= 1 << (slot & 7)
    return int.from_bytes(buffer, "little")


def members(bits: int, limit: int | None = None) -> list[int]:
    """The slots a bitmap holds, in order (the first `limit` of them)."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    found: list[int] = []
    for match in _NONZERO.finditer(data):
        at = match.start()
        base = at << 3
        found.extend([base + bit for bit in _BITS_IN[data[at]]])
        if limit is not None and len(found) >= limit:
            return found[:limit]
    return found


class _Ordered(Protocol):
    """What `sorted` needs of the items it compares."""

    def __lt__(self, other: Any, /) -> bool: ...


_T = TypeVar("_T")
_O = TypeVar("_O", bound=_Ordered)


@overload
def sorted_gently(items: Iterable[_O], key: None = None) -> list[_O]: ...
@overload
def sorted_gently(items: Iterable[_T], key: Callable[[_T], _Ordered]) -> list[_T]: ...
def sorted_gently(items: Iterable[Any], key: Callable[[Any], _Ordered] | None = None) -> list[Any]:
    """`sorted(items, key=key)`, without holding the interpreter lock for long.

    Sorting 100,000 strings is one C call of ~40 ms during which no other thread runs: an
    engine built in a worker froze the event loop that long. Parts are sorted alone, then
    merged in Python, where the interpreter switches threads as usual.
    """
    ordered = list(items)
    if len(ordered) <= SORT_PART:
        return sorted(ordered, key=key)
    parts = [
        sorted(ordered[at : at + SORT_PART], key=key) for at in range(0, len(ordered), SORT_PART)
    ]
    return list(heapq.merge(*parts, key=key))
