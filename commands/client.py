"""The Discord bot: settings and fact base in, a bot with its extensions out.

The bot owns the fact base's life while it runs: moderators' changes go through
`change_knowledge` (the store's write, then the engine updated at once), and a background loop
(`watch=True`) picks up changes made on disk — git, a text editor, another process — swapping
the engine, or keeping the last good one and telling MOD_LOG_CHANNEL_ID what is broken.

This module imports no cog, view or check: they import it (for the bot's type), never the reverse.
Each extension registers its own persistent buttons in its `setup()`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import discord
from discord.ext.commands import AutoShardedBot, when_mentioned
from discord.ext.tasks import Loop, loop

from bot.caches.retire import retire
from bot.engine.engine import Engine
from bot.errors import CamerabotError
from bot.facts.limits import MESSAGE_CONTENT_MAX
from bot.facts.problems import Problem
from bot.runtime.config import Settings
from bot.runtime.git_remote import open_store
from bot.runtime.sync import apply_change, apply_reload
from bot.runtime.watcher import KnowledgeWatcher
from bot.runtime.worklists import stale_reviews
from bot.state.backend import GapStore
from bot.state.settings import REPORTERS_EVERYONE, ServerSettings
from bot.state.usage import USAGE_FILE, UsageLog
from bot.store import Change, KnowledgeStore, ReloadResult
from commands.cooldown import UserCooldown
from commands.errors import CamerabotTree
from commands.modlog import (
    FIXED_KNOWLEDGE_TEXT,
    REPORTED_FILE,
    ReportedProblems,
    broken_knowledge_text,
    clip_text,
    problems_digest,
)
from commands.origin import ServerTaggedGaps, asked_in
from commands.sync import sync_if_changed

log = logging.getLogger(__name__)

# How many more look-ups (/partner, /partners, /sources) than questions a user may make.
LOOKUP_RATE_FACTOR = 3
T = TypeVar("T")


# Loaded in this order; one that fails to load is logged and skipped.
@dataclass(frozen=True, slots=True)
class EffectiveSettings:
    """A server's settings in effect: its own, else the .env defaults."""

    answer_channel_ids: frozenset[int]
    cooldown_rate: int
    cooldown_seconds: float
    reporters: str


EXTENSIONS = (
    "commands.ask",
    "commands.partner",
    "commands.help",
    "commands.config",
    "commands.moderation",
)


def bot_intents(settings: Settings) -> discord.Intents:
    """The gateway intents: none privileged, unless auto-answer channels need message content."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    # Mentions carry their content without it; plain questions in answer channels do not.
    intents.message_content = bool(settings.answer_channel_ids)
    return intents


class CamerabotBot(AutoShardedBot):
    """The Discord bot: slash commands and mention replies over a swappable answer engine."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        gap_log: GapStore,
        store: KnowledgeStore,
        watch: bool = False,
        auto_sync: bool = True,
        extensions: tuple[str, ...] = EXTENSIONS,
    ) -> None:
        super().__init__(
            command_prefix=when_mentioned,
            help_command=None,
            intents=bot_intents(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=CamerabotTree,
            shard_count=settings.shard_count,
            # The stub says list[int]; None (the default) lets the library pick the shards.
            shard_ids=list(settings.shard_ids) if settings.shard_ids else None,  # type: ignore[arg-type]
        )
        self.settings = settings
        # Read on every use, never captured: a reload may swap it while the bot runs.
        self.engine = engine
        # Unanswered questions are filed under the server they were asked in (commands.origin).
        self.gap_log: GapStore = ServerTaggedGaps(gap_log)
        # Votes and per-server settings live in the store's state backend (files or PostgreSQL).
        self.feedback = store.backend.feedback
        self.state = store.backend
        self.usage = UsageLog(settings.state_dir / USAGE_FILE)
        self.cooldown = UserCooldown(settings.cooldown_rate, settings.cooldown_seconds)
        # The look-ups read a few records and never run the engine: a budget of their own,
        # so browsing /partners does not use up a user's questions (and the other way round).
        self.lookup_cooldown = UserCooldown(
            settings.cooldown_rate * LOOKUP_RATE_FACTOR, settings.cooldown_seconds
        )
        # Each server's /config, read at start-up and kept in memory: answers never wait on it.
        self.server_settings: dict[int, ServerSettings] = {}
        self.settings_unread = False  # the last reading of them failed (logged once)
        self._cooldowns: dict[tuple[int, bool, int, float], UserCooldown] = {}
        self.auto_sync = auto_sync
        self.extension_names = extensions
        self.failed_extensions: list[str] = []
        # Moderators' edits and reloads: the store's write and the engine update happen together,
        # one at a time, so a reload never swaps out an engine that holds a newer edit.
        self.store = store
        self.watcher = KnowledgeWatcher(store, interval=settings.reload_seconds)
        self.watch = watch
        self.watch_loop: Loop[Any] | None = None
        self.knowledge_lock = asyncio.Lock()
        self.reported_problems: tuple[Problem, ...] = ()
        self.reported = ReportedProblems(settings.state_dir / REPORTED_FILE)
        # Command mentions (</ask:ID>) for /help, read from Discord once.
        self.command_mentions: dict[str, str] | None = None

    def effective_settings(self, guild_id: int | None) -> EffectiveSettings:
        """A server's settings in effect: its /config, else the .env defaults (DMs: defaults)."""
        own = self.server_settings.get(guild_id or 0, ServerSettings())
        defaults = self.settings
        return EffectiveSettings(
            answer_channel_ids=(
                own.answer_channel_ids
                if own.answer_channel_ids is not None
                else defaults.answer_channel_ids
            ),
            cooldown_rate=own.cooldown_rate or defaults.cooldown_rate,
            cooldown_seconds=own.cooldown_seconds or defaults.cooldown_seconds,
            reporters=own.reporters or REPORTERS_EVERYONE,
        )

    def cooldown_for(self, guild_id: int | None, *, lookup: bool = False) -> UserCooldown:
        """The question cooldown in a server: the shared one unless /config chose another.

        `lookup`: the look-ups' own budget instead, LOOKUP_RATE_FACTOR times the questions'.
        """
        chosen = self.effective_settings(guild_id)
        rate, per = chosen.cooldown_rate, chosen.cooldown_seconds
        if (rate, per) == (self.settings.cooldown_rate, self.settings.cooldown_seconds):
            return self.lookup_cooldown if lookup else self.cooldown
        if lookup:
            rate *= LOOKUP_RATE_FACTOR
        # A server's own buckets, never another's: two servers that chose the same numbers
        # (or one server's look-ups and another's questions) must not share a user's budget.
        key = (guild_id or 0, lookup, rate, per)
        cooldown = self._cooldowns.get(key)
        if cooldown is None:
            cooldown = self._cooldowns[key] = UserCooldown(rate, per)
        return cooldown

    async def load_server_settings(self) -> None:
        """Read every server's /config from the state backend (kept on failure, with a warning)."""
        try:
            self.server_settings = await asyncio.to_thread(self.state.settings.all)
        except (CamerabotError, OSError) as error:
            # Read again every watch turn: an outage is logged once, not every RELOAD_SECONDS.
            if not self.settings_unread:
                log.warning(
                    "servers' settings not read (those read before apply, else the defaults): %s",
                    error,
                )
            self.settings_unread = True
            return
        if self.settings_unread:
            log.info("servers' settings read again")
        self.settings_unread = False

    async def load_reviews(self) -> None:
        """Read the stale facts moderators reviewed into the served engine (kept on failure)."""
        try:
            reviewed = await asyncio.to_thread(stale_reviews, self.state)
        except (CamerabotError, OSError) as error:
            log.debug("the reviews of stale facts were not read now: %s", error)
            return
        # Between changes: a change's new engine carries the reviews of the one it replaces.
        async with self.knowledge_lock:
            self.engine.reviewed = reviewed

    async def setup_hook(self) -> None:
        """Load the extensions, sync the commands if they changed, start watching knowledge/."""
        await self.load_server_settings()
        await self.load_reviews()
        for name in self.extension_names:
            try:
                await self.load_extension(name)
            except Exception:
                log.exception("could not load extension %s; the bot runs without it", name)
                self.failed_extensions.append(name)
        if self.auto_sync and self.failed_extensions:
            # Syncing now would delete the failed extension's commands from every server.
            log.error(
                "not syncing the commands: %s failed to load; the commands registered before "
                "stay as they were (fix it and restart)",
                ", ".join(self.failed_extensions),
            )
        elif self.auto_sync:
            try:
                await sync_if_changed(self)
            except discord.HTTPException:
                log.exception("could not sync the commands; run `camerabot sync` later")
        if self.watch:
            self.watch_loop = loop(seconds=self.settings.reload_seconds)(self.watch_knowledge)
            self.watch_loop.start()

    async def close(self) -> None:
        """Stop watching knowledge/, then disconnect."""
        if self.watch_loop is not None:
            self.watch_loop.cancel()
            self.watch_loop = None
        await super().close()

    # The fact base: moderators' changes and reloads

    async def change_knowledge(self, operation: Callable[[], Change]) -> Change:
        """Run a store operation (in a worker thread) and serve its result at once.

        The operation's errors (ChangeRejected, StaleEdit, …) propagate; nothing is applied then.
        """
        async with self.knowledge_lock:
            change = await asyncio.to_thread(operation)
            if change.reload is not None and change.reload.full:
                # Brands or sources changed on disk meanwhile: the rebuild takes a while.
                self._serve(await asyncio.to_thread(apply_change, self.engine, change))
            else:
                self._serve(apply_change(self.engine, change))
        if change.reload is not None:
            await self.report_reload(change.reload)
        return change

    def _serve(self, engine: Engine) -> None:
        """Answer from `engine` now; the one it replaces is freed in the background."""
        # Freeing a large engine at once would hold every shard's event loop for ~0.1 s.
        replaced, self.engine = self.engine, engine
        if replaced is not engine:
            retire(replaced)

    async def read_knowledge(self, operation: Callable[[], Any]) -> Any:
        """Run a blocking read of the store or the engine in a worker thread, between changes."""
        async with self.knowledge_lock:
            return await asyncio.to_thread(operation)

    async def reload_knowledge(self, *, force: bool = False) -> ReloadResult:
        """Look for changes on disk now and serve them (or keep the last good base)."""
        async with self.knowledge_lock:
            result = await asyncio.to_thread(self.watcher.check, force=force)
            if result.full:
                self._serve(await asyncio.to_thread(apply_reload, self.engine, result))
            else:
                self._serve(apply_reload(self.engine, result))
        await self.report_reload(result)
        return result

    async def watch_knowledge(self) -> None:
        """One turn of the background watch (every RELOAD_SECONDS): knowledge/, then /config."""
        try:
            await self.reload_knowledge()
        except Exception:
            log.exception("watching %s failed; will retry", self.store.root)
        # Another process's (or host's) /config and reviews arrive the same way as its changes.
        await self.load_server_settings()
        await self.load_reviews()

    async def report_reload(self, result: ReloadResult) -> None:
        """Tell the moderators' channel that knowledge/ broke, or was fixed: once, not per process.

        Every process serving the same knowledge/ sees the same files; the first to see a state
        (recorded in STATE_DIR) posts it, the others stay quiet.
        """
        if result.problems:
            if result.problems == self.reported_problems:
                return
            self.reported_problems = result.problems
            if await asyncio.to_thread(self.reported.claim, problems_digest(result.problems)):
                await self.post_mod_log(broken_knowledge_text(result))
        elif result.changed and self.reported_problems:
            self.reported_problems = ()
            if await asyncio.to_thread(self.reported.claim, ""):
                await self.post_mod_log(FIXED_KNOWLEDGE_TEXT)

    async def mentions_of_commands(self) -> dict[str, str]:
        """Each top-level command's clickable mention (</ask:ID>), read from Discord once."""
        if self.command_mentions is None:
            guild = discord.Object(self.settings.guild_id) if self.settings.guild_id else None
            try:
                commands = await self.tree.fetch_commands(guild=guild)
            except discord.HTTPException:
                log.warning("could not read the command ids; /help shows plain names")
                return {}
            self.command_mentions = {command.name: command.mention for command in commands}
        return self.command_mentions

    async def post_mod_log(self, text: str) -> bool:
        """Post a line to MOD_LOG_CHANNEL_ID when it is set; whether it was posted."""
        channel_id = self.settings.mod_log_channel_id
        if channel_id is None:
            return False
        try:
            channel = self.get_channel(channel_id) or await self.fetch_channel(channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                log.warning("MOD_LOG_CHANNEL_ID %s is not a text channel", channel_id)
                return False
            await channel.send(
                clip_text(text, MESSAGE_CONTENT_MAX),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException:
            log.warning("could not post to the moderators' channel %s", channel_id, exc_info=True)
            return False
        return True

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """Hand an event to the listeners, a message's server noted for what they record."""
        if event_name != "message" or not args or not isinstance(args[0], discord.Message):
            super().dispatch(event_name, *args, **kwargs)
            return
        token = asked_in.set(args[0].guild.id if args[0].guild is not None else None)
        try:
            super().dispatch(event_name, *args, **kwargs)  # the listeners' tasks inherit it
        finally:
            asked_in.reset(token)

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: messages are handled by the cogs' listeners only."""

    async def on_ready(self) -> None:
        """Log where the bot is connected."""
        shards = sorted(self.shards)
        log.info("connected as %s: %d guild(s), shards %s", self.user, len(self.guilds), shards)


def create_bot(
    settings: Settings,
    engine: Engine,
    *,
    store: KnowledgeStore | None = None,
    watch: bool = False,
    gap_log: GapStore | None = None,
    auto_sync: bool = True,
    extensions: tuple[str, ...] = EXTENSIONS,
) -> CamerabotBot:
    """The bot with its dependencies.

    `store` is the KnowledgeStore moderators' commands change (default: one for KNOWLEDGE_DIR and
    STATE_DIR); `engine` must answer from its base. `watch` starts the hot reload of knowledge/
    every RELOAD_SECONDS. Unanswered questions go to the store's STATE_DIR/gaps.jsonl by default.
    """
    if store is None:
        store = open_store(settings)
    if gap_log is None:
        gap_log = store.gap_log
    return CamerabotBot(
        settings,
        engine,
        gap_log=gap_log,
        store=store,
        watch=watch,
        auto_sync=auto_sync,
        extensions=extensions,
    )
