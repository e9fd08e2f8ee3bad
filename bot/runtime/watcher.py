"""Hot reload: notice changes to knowledge/ on disk and serve them, or keep the last good base.

A git pull, a hand edit or another bot process's moderator edit all change files under
knowledge/. `KnowledgeWatcher.check()` (cheap: a stat of each file when nothing changed) picks
them up through the store, which re-reads only the files that changed; when the new files are
invalid it keeps serving the last good fact base and reports the problems, once per broken state.

Typical use from the bot (the Discord side posts `result.problems` to MOD_LOG_CHANNEL_ID):

    watcher = KnowledgeWatcher(store, interval=settings.reload_seconds)
    async def on_result(result: ReloadResult) -> None:
        bot.engine = apply_reload(bot.engine, result)
        if result.problems:
            await post_to_mod_log(result.report())
    task = asyncio.create_task(watcher.run(on_result))
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.engine.engine import Engine
from bot.facts.models import Fact, FactBase
from bot.facts.problems import Problem

if TYPE_CHECKING:
    from bot.store import KnowledgeStore
log = logging.getLogger(__name__)


class ReloadStatus(StrEnum):
    """What a check found."""

    UNCHANGED = "unchanged"
    RELOADED = "reloaded"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ReloadResult:
    """The outcome of a check: what changed in the served base, or why the disk was refused.

    `base` is always the base to serve (the last good one). When `full` is set, brands, sources
    or partnerships changed and the Engine must be rebuilt; otherwise `upserted` and `removed`
    list the facts to apply incrementally. `problems` is set (status REJECTED) the first time a
    broken state of the files is seen; the base is then the last good one.
    """

    status: ReloadStatus
    base: FactBase | None
    problems: tuple[Problem, ...] = ()
    full: bool = False
    upserted: tuple[Fact, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the served fact base changed."""
        return self.full or bool(self.upserted) or bool(self.removed)

    def report(self, limit: int = 20) -> str:
        """The problems, one a line (at most `limit`), for a log or a moderators' channel."""
        lines = [str(problem) for problem in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"… and {len(self.problems) - limit} more")
        return "\n".join(lines)


UNCHANGED = ReloadResult(ReloadStatus.UNCHANGED, None)


def apply_reload(engine: Engine, result: ReloadResult) -> Engine:
    """The engine to serve after `result`: updated in place, or a new one after a full reload.

    A full rebuild of a large base takes time: call this in a worker thread when `result.full`.
    """
    if result.base is None or not result.changed:
        return engine
    if result.full:
        return Engine(result.base)
    for fact_id in result.removed:
        engine.remove_fact(fact_id, result.base)
    for fact in result.upserted:
        engine.upsert_fact(fact, result.base)
    return engine


class KnowledgeWatcher:
    """Polls knowledge/ through a KnowledgeStore and reports reloads and broken states."""

    def __init__(self, store: KnowledgeStore, *, interval: float = 2.0) -> None:
        self.store = store
        self.interval = interval

    def check(self, *, force: bool = False) -> ReloadResult:
        """Look for changes now; never raises (an unreadable directory is logged and retried).

        Thread-safe; it blocks for a stat of every knowledge file, or a reload when something
        changed, so from asyncio call it through `asyncio.to_thread` (as `run` does).
        """
        try:
            result = self.store.refresh(force=force)
        except Exception:
            log.exception("checking %s for changes failed; will retry", self.store.root)
            return UNCHANGED
        if result.problems:
            log.warning(
                "knowledge/ changed on disk but is invalid; still serving the last good base:\n%s",
                result.report(),
            )
        elif result.changed:
            log.info(
                "knowledge/ reloaded (%s)",
                "full"
                if result.full
                else f"{len(result.upserted)} fact(s) updated, {len(result.removed)} removed",
            )
        return result

    async def run(self, on_result: Callable[[ReloadResult], Awaitable[None]]) -> None:
        """Check every `interval` seconds forever; call `on_result` for each non-empty result."""
        while True:
            result = await asyncio.to_thread(self.check)
            if result.changed or result.problems:
                try:
                    await on_result(result)
                except Exception:
                    log.exception("handling a knowledge reload failed")
            await asyncio.sleep(self.interval)
