"""The one way to get an engine: `open_engine`, from the caches the bot and the command line share.

The engine cache (`STATE_DIR/engine-cache`, keyed by the files' content and the engine's code)
answers a start whose files are unchanged in one unpickling; otherwise the store reads the
files (its own records cache spares the parsing when they are unchanged) and the engine is
built, or caught up from the cache of earlier files when only facts changed
(`bot.engine.loading.cached_or_built`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.caches.digests import DIGESTS_FILE, DigestMemo
from bot.caches.pickles import write_in_background, writes_deferred
from bot.caches.records import RECORDS_CACHE_DIR
from bot.engine.engine import Engine
from bot.engine.fingerprint import cache_key
from bot.engine.loading import (
    ENGINE_CACHE_DIR,
    cache_file,
    cached_or_built,
    load_from_files,
    read_engine_cache,
)
from bot.store import KnowledgeStore, StateDirError

# How long a thread may hold the interpreter lock while another waits (Python's default: 5 ms).
# A reload parses and indexes in a worker thread beside the event loop: every question waits up
# to one interval per switch, so a shorter one bounds what a reload adds to any answer.
SWITCH_INTERVAL = 0.001


def share_the_interpreter() -> None:
    """Let the event loop take the interpreter lock back sooner from a reloading worker."""
    sys.setswitchinterval(SWITCH_INTERVAL)


def open_engine(
    knowledge: KnowledgeStore | Path,
    cache_dir: Path | None = None,
    *,
    state_dir: Path | None = None,
    background_writes: bool = False,
) -> Engine:
    """The engine for a knowledge directory; KnowledgeError when its files are invalid.

    - A KnowledgeStore (the bot): the engine serves the store's own fact base (each fact held
      once), from the engine cache in `cache_dir` when there is one.
    - A knowledge directory with `state_dir` (the command line): the caches of that state
      directory (the engine cache in `cache_dir`, by default `state_dir/engine-cache`); without
      a usable state directory, the files are read directly.
    - A knowledge directory alone: the files read directly, through the engine cache in
      `cache_dir` when given, else without any cache.

    With `background_writes` (the bot's start), caches to write are pickled by a forked child
    while the bot already serves (~4 s at 100,000 facts).
    """
    if background_writes:
        with writes_deferred() as pending:
            engine = open_engine(knowledge, cache_dir, state_dir=state_dir)
        write_in_background(pending)
        return engine
    if isinstance(knowledge, KnowledgeStore):
        return _engine_for(knowledge, cache_dir)
    if state_dir is None:
        return load_from_files(knowledge, cache_dir)
    return _command_line_engine(knowledge, state_dir, cache_dir or state_dir / ENGINE_CACHE_DIR)


def _engine_for(store: KnowledgeStore, cache_dir: Path | None) -> Engine:
    """The engine for the store's files, serving the store's own fact base."""
    if cache_dir is None:
        return Engine(store.load())
    memo = store.digest_memo
    key = cache_key(store.root, memo)
    # The engine cache first: its fact base is then the store's too (no second copy read).
    engine = read_engine_cache(cache_file(cache_dir, key))
    base = store.load(engine.base if engine is not None else None)
    if cache_key(store.root, memo) != key:
        return Engine(base)  # the files changed while they were read
    if memo is not None:
        memo.save()
    if engine is None:
        return cached_or_built(base, cache_dir, key)
    if engine.base is not base:  # the store read the files itself: serve its base
        engine.adopt(base)
    return engine


def _command_line_engine(root: Path, state_dir: Path, cache_dir: Path) -> Engine:
    """The engine cached for the files as they are now, else the store's (nothing else read)."""
    memo = DigestMemo(state_dir / RECORDS_CACHE_DIR / DIGESTS_FILE)
    key = cache_key(root, memo)
    memo.save()
    engine = read_engine_cache(cache_file(cache_dir, key))
    if engine is not None:
        return engine
    try:
        return _engine_for(KnowledgeStore(root, state_dir), cache_dir)
    except StateDirError:
        # No usable state directory: no caches either (a warning says why), still an answer.
        return load_from_files(root, cache_dir)
