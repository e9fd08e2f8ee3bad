"""An engine no longer served is freed a little at a time, in a thread of its own.

Freeing a 100,000-fact engine at once is one cascade of deallocations, ~60-240 ms during which
no other thread runs: where the bot swaps engines, on the event loop, every shard's answers
would wait that long after each full reload. `retire` hands the old engine to a thread that
waits until nobody else holds it, then empties its containers in small parts, letting other
threads run between them.

Only what the retired object holds alone is taken apart: a list, dict or set, or an object's
attribute, is emptied only when nothing but its holder refers to it (its reference count), so
whatever a handler still holds, or the new engine shares (the facts themselves, a source
dict), is never touched.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

# Items freed between two pauses: ~1 ms of deallocation at most.
CHUNK = 1000
# The pause between two parts. Not 0: a thread that asks for the interpreter lock again at once
# competes with the others at every switch, and beside a reload's worker the event loop could
# lose the lock to one of the two many times in a row (one answer waited 247 ms). Freeing is
# never urgent.
PAUSE_SECONDS = 0.002
# How long a retired object may stay held elsewhere before it is simply let go.
WAIT_SECONDS = 30.0
_POLL_SECONDS = 0.05

_retired: queue.Queue[Any] = queue.Queue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()


def retire(obj: Any) -> None:
    """Free `obj` in the background, in small parts, once nobody else holds it."""
    global _worker
    _retired.put(obj)
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_free_retired, name="retire", daemon=True)
            _worker.start()


def wait_for_retired() -> None:
    """Wait until everything retired so far is freed (benchmarks, tests)."""
    _retired.join()


def _free_retired() -> None:
    while True:
        obj = _retired.get()
        try:
            # Held here alone: this frame's name, and getrefcount's argument.
            deadline = time.monotonic() + WAIT_SECONDS
            while sys.getrefcount(obj) > 2 and time.monotonic() < deadline:
                time.sleep(_POLL_SECONDS)
            if sys.getrefcount(obj) <= 2:
                dismantle(obj)
            else:
                log.info("a retired %s is still held: let go at once", type(obj).__name__)
        except Exception:  # freeing must never stop this thread
            log.exception("freeing a retired object")
        finally:
            del obj
            _retired.task_done()


def dismantle(root: Any) -> None:
    """Take apart what `root` alone holds, in parts of CHUNK items (the caller holds `root`).

    An object's attributes are followed, and large lists and dicts anywhere; the items of a
    list or dict only when they are large lists or dicts themselves: its records (a fact, an
    entry) are freed with their part, each a few small objects.
    """
    stack = [root]
    del root
    while stack:
        item = stack.pop()
        if type(item) is list:
            while item:
                part = item[-CHUNK:]
                del item[-CHUNK:]
                _own(part, stack, containers_only=True)
                del part
                time.sleep(PAUSE_SECONDS)  # let other threads run between parts
        elif type(item) is dict:
            while item:
                part = [item.popitem()[1] for _ in range(min(CHUNK, len(item)))]
                _own(part, stack, containers_only=True)
                del part
                time.sleep(PAUSE_SECONDS)
        else:
            _own(_take_attributes(item), stack, containers_only=False)
        del item


# A list or dict shorter than this is freed at once with its holder.
_LARGE = 100


def _own(values: list[Any], stack: list[Any], *, containers_only: bool) -> None:
    """Put on `stack` the values that only `values` refers to and are worth taking apart."""
    for value in values:
        # References: `values`, this loop's name, getrefcount's argument.
        if sys.getrefcount(value) == 3 and _divisible(value, containers_only=containers_only):
            stack.append(value)


def _divisible(value: Any, *, containers_only: bool) -> bool:
    """A large list or dict, or (unless `containers_only`) an object with attributes."""
    kind = type(value)
    if kind is list or kind is dict:
        return len(value) > _LARGE
    if containers_only or kind in (tuple, set, frozenset, str, bytes, int, float):
        return False
    return hasattr(value, "__dict__") or any(cls.__dict__.get("__slots__") for cls in kind.__mro__)


def _take_attributes(obj: Any) -> list[Any]:
    """Detach the attributes `obj` alone holds, and return them."""
    taken: list[Any] = []
    names = list(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        names += [name for name in cls.__dict__.get("__slots__", ()) if name != "__dict__"]
    for name in names:
        try:
            value = object.__getattribute__(obj, name)
        except AttributeError:
            continue
        # References: the attribute, this name, getrefcount's argument.
        if sys.getrefcount(value) == 3 and _divisible(value, containers_only=False):
            taken.append(value)
            _detach(obj, name)
        del value
    return taken


def _detach(obj: Any, name: str) -> None:
    """Delete an attribute, also of a frozen dataclass (through its slot or its dict)."""
    instance_dict = getattr(obj, "__dict__", None)
    if instance_dict is not None and name in instance_dict:
        del instance_dict[name]
        return
    for cls in type(obj).__mro__:
        descriptor = cls.__dict__.get(name)
        if descriptor is not None and hasattr(descriptor, "__delete__"):
            descriptor.__delete__(obj)
            return
