"""Caches of what start-up builds from the knowledge files, pickled under a key of their content.

The engine cache (`bot.engine.engine`) and the store's parsed records (`RecordCache`) share the
rules here: a file is read only when it and its folder belong to this user and nobody else can write
them (unpickling runs code), writes are atomic, a newer entry replaces the older ones, and a
missing, stale or unreadable file is simply rebuilt. While a cache is read, cyclic garbage
collection waits (`collection_paused`): a full collection over a million new objects would
hold the interpreter lock for hundreds of milliseconds.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import importlib.util
import logging
import operator
import os
import pickle
import re
import stat
import sys
import tempfile
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

log = logging.getLogger(__name__)
_T = TypeVar("_T")

_pauses_lock = threading.Lock()
_pauses = 0  # how many `collection_paused` blocks are open, in any thread
_collecting = True  # whether collection was on when the first of them opened


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (nestable, any thread); then freeze what is left.

    Building or unpickling an engine makes about 650,000 objects at 100,000 facts: collecting
    while they arrive only slows the build, and a full collection over them holds the
    interpreter lock for hundreds of milliseconds (every shard's event loop waits). On the way
    out, `gc.freeze()` moves everything alive into the permanent generation, so that later
    collections walk only what was made since: the engine itself is never walked again.
    """
    global _pauses, _collecting
    with _pauses_lock:
        if _pauses == 0:
            _collecting = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0:
                gc.freeze()
                if _collecting:
                    gc.enable()


def fast_pickling(cls: type[_T]) -> type[_T]:
    """A slotted dataclass pickled as the tuple of its fields, and unpickled without lookups.

    dataclasses' own `__setstate__` for slotted classes looks up the fields of every object it
    unpickles: with the half million such objects of a 100,000-fact engine, that alone took
    seconds of each start. Here each field is set through its slot's own descriptor (which a
    frozen class's `__setattr__` does not stand in front of), one call a field written out in
    a function made for the class: ~0.2 s of unpickling a 100,000-fact engine instead of ~0.65 s
    through a loop over the names.
    """
    names = tuple(field.name for field in dataclasses.fields(cls))  # type: ignore[arg-type]
    get = operator.attrgetter(*names)
    single = len(names) == 1

    def __getstate__(self: object) -> tuple[Any, ...]:  # noqa: N807
        return (get(self),) if single else get(self)

    cls.__getstate__ = __getstate__  # type: ignore[method-assign]
    cls.__setstate__ = _slot_setter(cls, names)  # type: ignore[attr-defined]
    return cls


def _slot_setter(cls: type, names: tuple[str, ...]) -> Callable[[object, tuple[Any, ...]], None]:
    """`__setstate__(self, state)` setting each slot of `names` from `state`, in that order."""
    # Only the class's own field names reach this text (identifiers by dataclasses' rules),
    # so no outside text is ever compiled; dataclasses writes its methods the same way.
    setters = {f"_set{number}": _slot(cls, name).__set__ for number, name in enumerate(names)}
    body = "".join(f"\n    _set{number}(self, state[{number}])" for number in range(len(names)))
    namespace: dict[str, Any] = dict(setters)
    exec(f"def __setstate__(self, state):{body or chr(10) + '    pass'}", namespace)  # noqa: S102
    setstate: Callable[[object, tuple[Any, ...]], None] = namespace["__setstate__"]
    setstate.__qualname__ = f"{cls.__qualname__}.__setstate__"
    return setstate


def _slot(cls: type, name: str) -> types.MemberDescriptorType:
    """The slot descriptor of field `name` (the class's own, or a base's)."""
    for klass in cls.__mro__:
        found = vars(klass).get(name)
        if isinstance(found, types.MemberDescriptorType):
            return found
    raise TypeError(f"{cls.__qualname__}.{name} is not a slot: fast_pickling needs slots=True")


def code_files(packages: Iterable[str]) -> list[Path]:
    """Every module of these packages, found where Python imports them from (sorted, no repeats).

    A package that cannot be found is an error: a key over no code would never change.
    """
    files: set[Path] = set()
    for package in packages:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError(f"no package {package!r} to hash", name=package)
        for folder in spec.submodule_search_locations:
            files.update(Path(folder).resolve().rglob("*.py"))
    return sorted(files)


def code_hash(packages: Iterable[str], *extra: str) -> str:
    """A hash of every module of some of camerabot's packages (and `extra`): other code, other keys.

    Whole packages, not chosen modules, so a module a cache's content comes to depend on is in
    the key without anyone listing it.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sys.version} {' '.join(extra)}".encode())
    for module in code_files(packages):
        digest.update(f"\0{module.parent.name}/{module.name}\0".encode())
        digest.update(module.read_bytes())
    return digest.hexdigest()


def trusted(path: Path) -> bool:
    """Whether the file and its folder belong to this user and nobody else can write them."""
    try:
        checks = [path.stat(), path.parent.stat()]
    except FileNotFoundError:
        return False
    except OSError as error:
        log.warning("ignoring the cache %s: %s", path, error)
        return False
    for status in checks:
        if status.st_uid != os.getuid() or status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            log.warning("ignoring the cache %s: it or its folder is writable by other users", path)
            return False
    return True


def read_pickle(path: Path) -> Any | None:
    """What a trusted cache file holds, or None when there is none or it cannot be read."""
    if not trusted(path):
        return None
    try:
        # Millions of new objects: collecting while they arrive only slows loading.
        with collection_paused(), path.open("rb") as file:
            # Unpickling runs code, so only a file this process's user wrote and alone can
            # change is read (`trusted`); anything else is rebuilt from the YAML instead.
            return pickle.load(file)  # noqa: S301
    except FileNotFoundError:
        return None
    except Exception as error:  # a corrupt cache is not fatal: it is rebuilt
        log.warning("ignoring the unreadable cache %s: %r", path, error)
        return None


# While `writes_deferred` is open: the cache writes asked for, to be made later.
_deferred: list[tuple[Path, Any]] | None = None
# The threads reaping children that write caches (`write_in_background`).
_writers: list[threading.Thread] = []


@contextmanager
def writes_deferred() -> Iterator[list[tuple[Path, Any]]]:
    """Collect the cache writes made inside instead of making them (for `write_in_background`).

    For a start's single thread only: at 100,000 facts, pickling its caches takes ~4 s that
    the bot need not wait for.
    """
    global _deferred
    previous, _deferred = _deferred, []
    try:
        yield _deferred
    finally:
        _deferred = previous


def write_in_background(pending: list[tuple[Path, Any]]) -> int | None:
    """Make these cache writes in a forked child, the caller going on at once; its process id.

    The child holds a copy-on-write image of this process, so it writes what the caller
    holds now, and it is reaped by a thread of the caller. Where there is no fork (or it
    fails), the writes are made here and None is returned.
    """
    if not pending:
        return None
    try:
        child = os.fork() if hasattr(os, "fork") else -1
    except OSError as error:
        log.warning("writing the caches before serving: %s", error)
        child = -1
    if child == 0:  # the child: write, then leave without running the parent's exit handlers
        status = 0
        try:
            for path, value in pending:
                status |= 0 if write_pickle(path, value) else 1
        finally:
            os._exit(status)
    if child < 0:
        for path, value in pending:
            write_pickle(path, value)
        return None
    reaper = threading.Thread(target=os.waitpid, args=(child, 0), name="cache-writer", daemon=True)
    reaper.start()
    _writers.append(reaper)
    return child


def wait_for_background_writes() -> None:
    """Wait until the caches `write_in_background` writes are on disk (benchmarks, tests)."""
    while _writers:
        _writers.pop().join()


def write_pickle(path: Path, value: Any) -> bool:
    """Write `value` to `path` atomically, then remove the folder's older files of its kind.

    The kind is the file name up to its last '-' ("engine-<key>.pickle" replaces "engine-*").
    Inside `writes_deferred` the write is only noted.
    """
    if _deferred is not None:
        _deferred.append((path, value))
        return True
    folder = path.parent
    prefix = path.name.rsplit("-", 1)[0]
    try:
        write_atomically(path, lambda file: pickle.dump(value, file, pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError) as error:
        log.warning("could not write the cache %s: %s", path, error)
        return False
    for old in folder.glob(f"{prefix}-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    return True


# A temporary whose name has no writer's pid (an older release's) is removed this old.
_STALE_SECONDS = 3600


def write_atomically(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write a cache file through a temporary named after this process, then swap it in.

    The temporary is removed on any error; those of writers that were killed (a killed `ask`
    left a 5.9 MB one) are removed by the next write to the folder (`remove_dead_temporaries`).
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    kind = path.name.rsplit("-", 1)[0].rsplit(".", 1)[0]
    handle, temporary = tempfile.mkstemp(
        dir=folder, prefix=f".{kind}-{os.getpid()}-", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    remove_dead_temporaries(folder)


def remove_dead_temporaries(folder: Path) -> list[str]:
    """Remove the cache temporaries in `folder` whose writer is dead (or, unnamed, an hour old)."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(".tmp")):
            continue
        parts = entry.name.split("-")
        # ASCII digits of a real process id only: "²" is a digit to str.isdigit, and a number
        # past a C long makes os.kill raise OverflowError.
        named = len(parts) >= 3 and re.fullmatch(r"[0-9]{1,9}", parts[1]) is not None
        try:
            # An hour-old one is stale even when its pid is alive: that pid is another process's
            # now (no cache takes an hour to write).
            old = entry.stat(follow_symlinks=False).st_mtime < time.time() - _STALE_SECONDS
            stale = old or (named and not _alive(int(parts[1])))
            if stale:
                Path(entry.path).unlink()
                removed.append(entry.name)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
