"""Engines from knowledge files, through the engine cache of built engines.

Built engines are pickled in a cache folder as `engine-<cache_key>.pickle`, keyed by the
knowledge files' content and the code that builds engines; a missing, stale or unreadable cache
is rebuilt, or caught up fact by fact from the engine of earlier files. Callers get engines from
`bot.runtime.startup.open_engine`, which uses these.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.caches.pickles import (
    collection_paused,
    read_pickle,
    remove_dead_temporaries,
    write_pickle,
)
from bot.engine.engine import Engine
from bot.engine.fingerprint import cache_key, engine_code_hash
from bot.facts.models import FactBase
from bot.facts.problems import KnowledgeError
from bot.facts.yaml_loading import check_knowledge

log = logging.getLogger(__name__)

CACHE_PREFIX = "engine-"
# A cached engine of earlier files is brought up to date fact by fact when at most this many
# facts changed (a moderator's edits, a pull); more, and a build is as quick.
MAX_CATCH_UP = 5_000
# The engine cache's folder in STATE_DIR, shared by the bot and the command line.
ENGINE_CACHE_DIR = "engine-cache"


def cache_file(cache_dir: Path, key: str) -> Path:
    """Where the engine of `key` is cached."""
    return cache_dir / f"{CACHE_PREFIX}{key}.pickle"


def checked_base(root: Path) -> FactBase:
    """The fact base of a knowledge directory; KnowledgeError when it is invalid."""
    base, problems = check_knowledge(root)
    if problems or base is None:
        raise KnowledgeError(problems)
    return base


def load_from_files(root: Path, cache_dir: Path | None = None) -> Engine:
    """The engine for a knowledge directory read directly, from `cache_dir` when nothing changed.

    Invalid knowledge raises KnowledgeError.
    """
    if cache_dir is None:
        return Engine(checked_base(root))
    key = cache_key(root)
    engine = read_engine_cache(cache_file(cache_dir, key))
    if engine is not None:
        return engine
    engine = Engine(checked_base(root))
    # Not when the files changed while they were read: the key would not describe them.
    if cache_key(root) == key:
        save_engine(engine, cache_dir, key)
    return engine


def cached_or_built(base: FactBase, cache_dir: Path, key: str) -> Engine:
    """The engine for an already validated `base`: from the cache under `key`, else built.

    `key` must be the `cache_key` of the files `base` was read from; a built engine is saved
    under it, so the next start with the same files skips the build.
    """
    remove_dead_temporaries(cache_dir)  # a killed writer's, even when nothing is written now
    engine = read_engine_cache(cache_file(cache_dir, key))
    if engine is None:
        engine = caught_up(base, cache_dir) or Engine(base)
        save_engine(engine, cache_dir, key)
    elif engine.base is not base:
        engine.adopt(base)
    return engine


def caught_up(base: FactBase, cache_dir: Path) -> Engine | None:
    """The engine cached for earlier files, brought up to `base` fact by fact, if it can be.

    Only when the same code built it and only facts changed (sources, brands and
    partnerships are equal): edits keep an engine equal to a fresh build of the edited base,
    so the first start after a change costs the changed facts, not a build (~20 s at
    100,000 facts).
    """
    previous = sorted(cache_dir.glob(f"{CACHE_PREFIX}*.pickle"))
    engine = read_engine_cache(previous[-1]) if len(previous) == 1 else None
    if engine is None or getattr(engine, "built_by", None) != engine_code_hash():
        return None
    old = engine.base
    if (old.sources, old.brands, old.partnerships) != (
        base.sources,
        base.brands,
        base.partnerships,
    ):
        return None
    removed = [fact_id for fact_id in old.facts if fact_id not in base.facts]
    changed = [fact for fact_id, fact in base.facts.items() if old.facts.get(fact_id) != fact]
    if len(removed) + len(changed) > MAX_CATCH_UP:
        return None
    with collection_paused():
        # Each step unindexes the fact the engine's base holds, so that base stays the old
        # one until all are done; then the engine serves `base` itself.
        for fact_id in removed:
            engine.remove_fact(fact_id, old)
        for fact in changed:
            engine.upsert_fact(fact, old)
        engine.adopt(base)
    log.info("engine cache caught up: %d facts changed, %d removed", len(changed), len(removed))
    return engine


def save_engine(engine: Engine, cache_dir: Path, key: str) -> bool:
    """Write an engine to the cache under `key`, replacing older engines.

    After incremental edits an engine is exactly what a fresh build of the edited files
    gives, so saving it under the edited files' `cache_key` spares the next start a rebuild.
    """
    return write_pickle(cache_file(cache_dir, key), engine)


def read_engine_cache(path: Path) -> Engine | None:
    """A cached engine, or None when there is none or it cannot be read (it is then rebuilt)."""
    engine = read_pickle(path)
    if engine is not None and not isinstance(engine, Engine):
        log.warning("ignoring the engine cache %s: it holds %s", path, type(engine).__name__)
        return None
    return engine
