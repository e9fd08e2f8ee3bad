"""The composition root: settings and fact base in, a running Discord bot out.

Nothing is configured at import time. `create_bot` wires the bot from its dependencies;
`run_bot` and `sync_once` are what the `camerabot run` and `camerabot sync` commands call.

The bot owns the fact base's life while it runs: moderators' changes go through
`change_knowledge` (the store's write, then the engine updated at once), and a background loop
(`watch=True`) picks up changes made on disk — git, a text editor, another process — swapping
the engine, or keeping the last good one and telling MOD_LOG_CHANNEL_ID what is broken.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import logging
import os
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord
from discord.ext.commands import AutoShardedBot, when_mentioned
from discord.ext.tasks import Loop, loop

from bot.engine.engine import Engine
from bot.engine.loading import ENGINE_CACHE_DIR
from bot.errors import CamerabotError
from bot.facts.limits import MESSAGE_CONTENT_MAX
from bot.facts.problems import KnowledgeError, Problem
from bot.runtime.config import Settings
from bot.runtime.startup import open_engine, share_the_interpreter
from bot.runtime.sync import apply_change, apply_reload
from bot.runtime.watcher import KnowledgeWatcher
from bot.state.feedback import FEEDBACK_FILE, FeedbackLog
from bot.state.gaps import GapLog
from bot.store import Change, KnowledgeStore, ReloadResult
from commands.cooldown import UserCooldown
from commands.errors import CamerabotTree
from commands.ui.persistent import PERSISTENT_ITEMS

log = logging.getLogger(__name__)

# Loaded in this order; one that fails to load is logged and skipped.
EXTENSIONS = (
    "commands.ask._cog",
    "commands.partner._cog",
    "commands.help._cog",
    "commands.moderation._cog",
)
SYNC_STATE_FILE = "command-sync.json"
GAPS_FILE = "gaps.jsonl"
# The problems of a broken knowledge/ last posted to the moderators' channel, by any process.
REPORTED_FILE = "reported-problems.json"
# At most this many problems of a broken knowledge/ are posted to the moderators' channel.
REPORTED_PROBLEMS_MAX = 15


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
        gap_log: GapLog,
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
            shard_ids=list(settings.shard_ids) if settings.shard_ids else None,
        )
        self.settings = settings
        # Read on every use, never captured: a reload may swap it while the bot runs.
        self.engine = engine
        self.gap_log = gap_log
        self.feedback = FeedbackLog(settings.state_dir / FEEDBACK_FILE)
        self.cooldown = UserCooldown(settings.cooldown_rate, settings.cooldown_seconds)
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

    async def setup_hook(self) -> None:
        """Load the extensions, sync the commands if they changed, start watching knowledge/."""
        # Buttons of earlier messages, from before a restart too, are served by their custom_id.
        self.add_dynamic_items(*PERSISTENT_ITEMS)
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
                self.engine = await asyncio.to_thread(apply_change, self.engine, change)
            else:
                self.engine = apply_change(self.engine, change)
        if change.reload is not None:
            await self.report_reload(change.reload)
        return change

    async def read_knowledge(self, operation: Callable[[], Any]) -> Any:
        """Run a blocking read of the store or the engine in a worker thread, between changes."""
        async with self.knowledge_lock:
            return await asyncio.to_thread(operation)

    async def reload_knowledge(self, *, force: bool = False) -> ReloadResult:
        """Look for changes on disk now and serve them (or keep the last good base)."""
        async with self.knowledge_lock:
            result = await asyncio.to_thread(self.watcher.check, force=force)
            if result.full:
                self.engine = await asyncio.to_thread(apply_reload, self.engine, result)
            else:
                self.engine = apply_reload(self.engine, result)
        await self.report_reload(result)
        return result

    async def watch_knowledge(self) -> None:
        """One turn of the background watch (every RELOAD_SECONDS); never raises."""
        try:
            await self.reload_knowledge()
        except Exception:
            log.exception("watching %s failed; will retry", self.store.root)

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

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: messages are handled by the cogs' listeners only."""

    async def on_ready(self) -> None:
        """Log where the bot is connected."""
        shards = sorted(self.shards)
        log.info("connected as %s: %d guild(s), shards %s", self.user, len(self.guilds), shards)


FIXED_KNOWLEDGE_TEXT = "knowledge/ is valid again: the bot now answers from the files on disk."


def problems_digest(problems: tuple[Problem, ...]) -> str:
    """A stable digest of a set of problems."""
    text = "\n".join(f"{p.file}:{p.line}:{p.message}" for p in problems)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReportedProblems:
    """What the moderators' channel was last told about knowledge/, shared by every process."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def claim(self, digest: str) -> bool:
        """Record `digest` ("" = valid) as reported; False when it was the state reported last.

        The file is read and written under an exclusive lock, so of several processes seeing
        the same change, exactly one posts it. An unwritable STATE_DIR posts (better twice than
        never).
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                handle.seek(0)
                if handle.read().strip() == digest:
                    return False
                handle.seek(0)
                handle.truncate()
                handle.write(digest)
                handle.flush()
                return True
        except OSError:
            log.warning("could not record the reported problems in %s", self.path, exc_info=True)
            return True


def clip_text(text: str, limit: int) -> str:
    """Text cut to `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def broken_knowledge_text(result: ReloadResult) -> str:
    """The moderators' channel message for invalid files on disk: every problem's file and line."""
    head = (
        "knowledge/ changed on disk but is invalid; still answering from the last good version. "
        "Fix these (`camerabot validate` or /kb validate):"
    )
    body = result.report(limit=REPORTED_PROBLEMS_MAX).replace("```", "`\u200b``")
    room = MESSAGE_CONTENT_MAX - len(head) - len("\n```\n\n```")
    return f"{head}\n```\n{clip_text(body, room)}\n```"


def create_bot(
    settings: Settings,
    engine: Engine,
    *,
    store: KnowledgeStore | None = None,
    watch: bool = False,
    gap_log: GapLog | None = None,
    auto_sync: bool = True,
    extensions: tuple[str, ...] = EXTENSIONS,
) -> CamerabotBot:
    """The bot with its dependencies.

    `store` is the KnowledgeStore moderators' commands change (default: one for KNOWLEDGE_DIR and
    STATE_DIR); `engine` must answer from its base. `watch` starts the hot reload of knowledge/
    every RELOAD_SECONDS. Unanswered questions go to the store's STATE_DIR/gaps.jsonl by default.
    """
    if store is None:
        store = KnowledgeStore(settings.knowledge_dir, settings.state_dir)
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


# Syncing commands: only when they changed, or on request


def command_payload(
    tree: discord.app_commands.CommandTree[Any], guild_id: int | None = None
) -> Any:
    """What a sync sends for one scope (global, or a guild)."""
    guild = discord.Object(guild_id) if guild_id else None
    return [cmd.to_dict(tree) for cmd in tree.get_commands(guild=guild)]


def payload_hash(payload: Any) -> str:
    """A stable hash of a command payload."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _scope(guild_id: int | None) -> str:
    return f"guild:{guild_id}" if guild_id else "global"


def _guild_of(scope: str) -> int | None:
    return int(scope.split(":", 1)[1]) if scope.startswith("guild:") else None


class SyncRecord:
    """The hash of what was last synced to each scope, per application, kept in STATE_DIR.

    Keyed by the application id: a new token (another application) with the same STATE_DIR has
    synced nothing yet.
    """

    def __init__(self, path: Path, application_id: int | None) -> None:
        self.path = path
        self.application = str(application_id or 0)

    def _all(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("ignoring an unreadable %s", self.path)
            return {}
        applications = data.get("applications") if isinstance(data, dict) else None
        return applications if isinstance(applications, dict) else {}

    def load(self) -> dict[str, str]:
        """Every scope's last hash for this application; an unreadable file counts as none."""
        scopes = self._all().get(self.application)
        return {str(k): str(v) for k, v in scopes.items()} if isinstance(scopes, dict) else {}

    def save(self, scope: str, digest: str) -> None:
        """Record a sync (written atomically)."""
        applications = self._all()
        scopes = applications.get(self.application)
        applications[self.application] = {
            **(scopes if isinstance(scopes, dict) else {}),
            scope: digest,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".sync-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"applications": applications}, handle, indent=2, sort_keys=True)
            Path(tmp).replace(self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def sync_record(bot: CamerabotBot) -> SyncRecord:
    """The sync record of the bot's application."""
    return SyncRecord(bot.settings.state_dir / SYNC_STATE_FILE, bot.application_id)


def sync_plan(bot: CamerabotBot) -> dict[str, Any]:
    """What each scope should hold: its command payload ([] for a scope to clear).

    Global commands go everywhere, or, with DISCORD_GUILD_ID, only to that development guild
    (and the global set is cleared, so no command shows twice there). The moderators' commands
    are registered in MOD_GUILD_IDS only. A scope synced before and no longer wanted is cleared.
    """
    tree = bot.tree
    dev = bot.settings.guild_id
    plan: dict[str, Any] = {}
    if dev:
        tree.copy_global_to(guild=discord.Object(dev))
        plan["global"] = []
    else:
        plan["global"] = command_payload(tree)
    for guild_id in sorted({*bot.settings.mod_guild_ids, *([dev] if dev else [])}):
        plan[_scope(guild_id)] = command_payload(tree, guild_id)
    for scope in sync_record(bot).load():
        plan.setdefault(scope, [])
    return plan


async def _sync_scope(bot: CamerabotBot, scope: str, payload: Any) -> int:
    """Sync one scope to its payload and record it; the count."""
    guild_id = _guild_of(scope)
    if payload:
        synced = len(await bot.tree.sync(guild=discord.Object(guild_id) if guild_id else None))
    else:
        # Clearing: the tree still holds its commands (they serve the other scopes).
        application_id = bot.application_id
        if application_id is None:
            raise RuntimeError("the application id is not known before login")
        if guild_id:
            await bot.http.bulk_upsert_guild_commands(application_id, guild_id, [])
        else:
            await bot.http.bulk_upsert_global_commands(application_id, [])
        synced = 0
    sync_record(bot).save(scope, payload_hash(payload))
    log.info("synced %d command(s) to %s", synced, scope)
    return synced


async def sync_commands(bot: CamerabotBot, guild_id: int | None = None) -> int:
    """Sync now, whatever the record says: every scope of the plan, or one guild; the count."""
    plan = sync_plan(bot)
    if guild_id is not None:
        plan = {_scope(guild_id): command_payload(bot.tree, guild_id)}
    return sum([await _sync_scope(bot, scope, payload) for scope, payload in plan.items()])


async def sync_if_changed(bot: CamerabotBot) -> bool:
    """The start-up sync: each scope whose commands changed since its last sync; whether any."""
    record = sync_record(bot).load()
    synced = False
    for scope, payload in sync_plan(bot).items():
        if record.get(scope) == payload_hash(payload):
            log.info("commands unchanged since the last sync to %s; not syncing", scope)
            continue
        await _sync_scope(bot, scope, payload)
        synced = True
    return synced


# Entry points


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
    store = KnowledgeStore(settings.knowledge_dir, settings.state_dir)
    engine = load_engine_or_report(
        store, settings.state_dir / ENGINE_CACHE_DIR, background_writes=True
    )
    if engine is None:
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
