"""The entry points: what the `camerabot run` and `camerabot sync` commands call.

Nothing is configured at import time: `run_bot` and `sync_once` wire the bot (commands.client)
from the settings and the fact base, then run or sync it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import discord

from bot.engine.engine import Engine
from bot.engine.loading import ENGINE_CACHE_DIR
from bot.errors import CamerabotError
from bot.facts.problems import KnowledgeError
from bot.runtime.config import Settings
from bot.runtime.git_remote import open_store
from bot.runtime.startup import open_engine, share_the_interpreter
from bot.runtime.state import open_state
from bot.store import KnowledgeStore
from commands.client import CamerabotBot, create_bot
from commands.sync import sync_commands

log = logging.getLogger(__name__)


def load_engine_or_report(
    store: KnowledgeStore, cache_dir: Path | None = None, *, background_writes: bool = False
) -> Engine | None:
    """The engine for the store's knowledge/, or None after logging every validation problem.

    With `cache_dir`, the engine comes from the cache of built engines when the files are the
    ones it was built from (at 100,000 facts that spares about ten seconds of start-up). With
    `background_writes` (the bot's start), caches to write are written by a forked child.
    """
    try:
        return open_engine(store, cache_dir, background_writes=background_writes)
    except KnowledgeError as error:
        log.error(
            "refusing to start: the knowledge files in %s are invalid:\n%s",
            store.root,
            error.report(),
        )
        return None


def run_bot(settings: Settings) -> int:
    """Run the bot until it is stopped (SIGTERM or Ctrl-C: a clean shutdown); the exit status."""
    share_the_interpreter()
    try:
        backend = open_state(settings)
    except CamerabotError as error:
        log.error("cannot start: %s", error)
        return 1
    try:
        store = open_store(settings, backend=backend)
    except CamerabotError as error:  # KNOWLEDGE_REMOTE cannot be cloned
        log.error("cannot start: %s", error)
        backend.close()
        return 1
    engine = load_engine_or_report(
        store, settings.state_dir / ENGINE_CACHE_DIR, background_writes=True
    )
    if engine is None:
        backend.close()
        return 1
    bot = create_bot(settings, engine, store=store, watch=True)
    try:
        asyncio.run(serve(bot, settings.discord_token))
    except discord.LoginFailure:
        log.error("Discord rejected the token: check DISCORD_TOKEN")
        return 1
    except discord.PrivilegedIntentsRequired:
        log.error(
            "ANSWER_CHANNEL_IDS needs the Message Content intent: enable it for the bot in the "
            "developer portal, or clear ANSWER_CHANNEL_IDS"
        )
        return 1
    finally:
        # Queued state is written and the database's connections closed (nothing for the files).
        backend.close()
        # Whatever ended the run, the last lines reach the log.
        for handler in logging.getLogger().handlers:
            handler.flush()
    return 0


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def serve(bot: CamerabotBot, token: str) -> None:
    """Run the bot until it stops, or until SIGTERM or SIGINT: then close it cleanly.

    Closing stops the knowledge/ watcher, closes the gateway and the HTTP session; `docker stop`
    and `systemctl stop` send SIGTERM and then get exit status 0.
    """
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()

    def stop(signum: int) -> None:
        log.info("received %s: shutting down", signal.Signals(signum).name)
        stopping.set()

    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop, signum)
    try:
        async with bot:
            running = asyncio.create_task(bot.start(token), name="camerabot")
            stopped = asyncio.create_task(stopping.wait(), name="camerabot-stop")
            await asyncio.wait({running, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if running.done():
                running.result()  # the bot stopped by itself: raise what stopped it
                return
            await bot.close()
            try:
                await asyncio.wait_for(running, timeout=SHUTDOWN_SECONDS)
            except (TimeoutError, asyncio.CancelledError):
                log.warning("the gateway did not close within %s s", SHUTDOWN_SECONDS)
            except Exception:
                log.debug("the bot's task ended with an error while closing", exc_info=True)
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
    log.info("shut down cleanly")


# How long a shutdown waits for the gateway task to end after closing.
SHUTDOWN_SECONDS = 10.0


class SyncError(CamerabotError, RuntimeError):
    """`camerabot sync` could not sync; the message says why (never with the token)."""


def sync_once(settings: Settings, engine: Engine, guild_id: int | None = None) -> int:
    """Log in over HTTP only, sync the commands (to a guild if given), log out; the count."""

    async def sync() -> int:
        bot = create_bot(settings, engine, auto_sync=False)
        async with bot:
            await bot.login(settings.discord_token)
            if bot.failed_extensions:
                # Syncing would delete the failed extension's commands from every server.
                names = ", ".join(bot.failed_extensions)
                raise SyncError(f"not synced: {names} failed to load (see the log)")
            return await sync_commands(bot, guild_id)

    try:
        return asyncio.run(sync())
    except discord.LoginFailure:
        raise SyncError("Discord rejected the token: check DISCORD_TOKEN") from None
    except discord.HTTPException as error:
        raise SyncError(f"Discord refused the sync: {error.status} {error.text}") from None
