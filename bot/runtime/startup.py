"""The engine for a knowledge directory, from the caches the bot and the command line share.

The engine cache (`STATE_DIR/engine-cache`, keyed by the files' content and the engine's code)
answers a start whose files are unchanged in one unpickling; otherwise the store reads the
files (its own records cache spares the parsing when they are unchanged) and the engine is
built, or caught up from the cache of earlier files when only facts changed
(`Engine.cached_or_built`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.caches.digests import DIGESTS_FILE, DigestMemo
from bot.caches.pickles import write_in_background, writes_deferred
from bot.caches.records import RECORDS_CACHE_DIR
from bot.engine.engine import CACHE_PREFIX, ENGINE_CACHE_DIR, Engine, cache_key, read_engine_cache
from bot.store import KnowledgeStore, StateDirError

# How long a thread may hold the interpreter lock while another waits (Python's default: 5 ms).
# A reload parses and indexes in a worker thread beside the event loop: every question waits up
# to one interval per switch, so a shorter one bounds what a reload adds to any answer.
SWITCH_INTERVAL = 0.001


def share_the_interpreter() -> None:
    """Let the event loop take the interpreter lock back sooner from a reloading worker."""
    sys.setswitchinterval(SWITCH_INTERVAL)


def cached_engine(root: Path, cache_dir: Path, memo: DigestMemo | None = None) -> Engine | None:
    """The engine cached for the files as they are now, or None (nothing is read or built)."""
    key = cache_key(root, memo)
    if memo is not None:
        memo.save()
    return read_engine_cache(cache_dir / f"{CACHE_PREFIX}{key}.pickle")


def engine_for(store: KnowledgeStore, cache_dir: Path | None) -> Engine:
    """The engine for the store's files; KnowledgeError when they are invalid.

    The engine serves the store's own fact base (each fact held once).
    """
    if cache_dir is None:
        return Engine(store.load())
    memo = store.digest_memo
    key = cache_key(store.root, memo)
    # The engine cache first: its fact base is then the store's too (no second copy read).
    engine = read_engine_cache(cache_dir / f"{CACHE_PREFIX}{key}.pickle")
    base = store.load(engine.base if engine is not None else None)
    if cache_key(store.root, memo) != key:
        return Engine(base)  # the files changed while they were read
    if memo is not None:
        memo.save()
    if engine is None:
        return Engine.cached_or_built(base, cache_dir, key)
    if engine.base is not base:  # the store read the files itself: serve its base
        engine._adopt(base)
    return engine


def start_engine(store: KnowledgeStore, cache_dir: Path | None) -> Engine:
    """`engine_for` at the bot's start: caches to write are written by a forked child.

    What a start read or built without a cache (parsed records, the engine) is pickled while
    the bot already serves (~4 s at 100,000 facts); the next start finds the caches as usual.
    """
    with writes_deferred() as pending:
        engine = engine_for(store, cache_dir)
    write_in_background(pending)
    return engine


def load_engine(root: Path, state_dir: Path) -> Engine:
    """The engine for `root` on the command line; KnowledgeError when the files are invalid."""
    cache_dir = state_dir / ENGINE_CACHE_DIR
    engine = cached_engine(
        root, cache_dir, DigestMemo(state_dir / RECORDS_CACHE_DIR / DIGESTS_FILE)
    )
    if engine is not None:
        return engine
    try:
        return engine_for(KnowledgeStore(root, state_dir), cache_dir)
    except StateDirError:
        # No usable state directory: no caches either (a warning says why), still an answer.
        return Engine.load(root, cache_dir)
