"""Hot reload: notice changes to knowledge/ on disk and serve them, or keep the last good base.

A git pull, a hand edit or another bot process's moderator edit all change files under
knowledge/. `KnowledgeWatcher.check()` (cheap: a stat of each file when nothing changed) picks
them up through the store, which re-reads only the files that changed; when the new files are
invalid it keeps serving the last good fact base and reports the problems, once per broken state.
The results are the store's (`bot.store.events`); `bot.runtime.sync.apply_reload` serves them.

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

from bot.store.events import UNCHANGED, ReloadResult
from bot.store.knowledge_store import KnowledgeStore

log = logging.getLogger(__name__)


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
