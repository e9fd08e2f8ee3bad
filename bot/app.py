"""The composition root: settings and fact base in, a running Discord bot out.

Nothing is configured at import time. `create_bot` wires the bot from its dependencies;
`run_bot` and `sync_once` are what the `camerabot run` and `camerabot sync` commands call.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import discord
from discord.ext.commands import AutoShardedBot, when_mentioned

from bot.answers import Engine
from bot.config import Settings
from bot.gaps import GapLog
from bot.loader import check_knowledge
from bot.validation import KnowledgeError
from commands._cooldown import UserCooldown
from commands._errors import CamerabotTree

log = logging.getLogger(__name__)

# Loaded in this order; one that fails to load is logged and skipped.
EXTENSIONS = ("commands.ask", "commands.partner", "commands.help")
SYNC_STATE_FILE = "command-sync.json"
GAPS_FILE = "gaps.jsonl"


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
        self.cooldown = UserCooldown(settings.cooldown_rate, settings.cooldown_seconds)
        self.auto_sync = auto_sync
        self.extension_names = extensions
        self.failed_extensions: list[str] = []

    async def setup_hook(self) -> None:
        """Load the extensions, then sync the commands if they changed since the last sync."""
        for name in self.extension_names:
            try:
                await self.load_extension(name)
            except Exception:
                log.exception("could not load extension %s; the bot runs without it", name)
                self.failed_extensions.append(name)
        if self.auto_sync:
            try:
                await sync_if_changed(self)
            except discord.HTTPException:
                log.exception("could not sync the commands; run `camerabot sync` later")

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
    gap_log: GapLog | None = None,
    auto_sync: bool = True,
    extensions: tuple[str, ...] = EXTENSIONS,
) -> CamerabotBot:
    """The bot with its dependencies; unanswered questions go to STATE_DIR/gaps.jsonl by default."""
    if gap_log is None:
        gap_log = GapLog(settings.state_dir / GAPS_FILE)
    return CamerabotBot(
        settings, engine, gap_log=gap_log, auto_sync=auto_sync, extensions=extensions
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


class SyncRecord:
    """The hash of what was last synced to each scope, kept in STATE_DIR."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, str]:
        """Every scope's last hash; an unreadable file counts as never synced."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("ignoring an unreadable %s", self.path)
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def save(self, scope: str, digest: str) -> None:
        """Record a sync (written atomically)."""
        data = {**self.load(), scope: digest}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".sync-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
            Path(tmp).replace(self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


async def sync_commands(bot: CamerabotBot, guild_id: int | None = None) -> int:
    """Sync the commands globally, or copied into one guild; records the hash. Returns a count."""
    tree = bot.tree
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    payload = command_payload(tree, guild_id)
    synced = await tree.sync(guild=guild)
    SyncRecord(bot.settings.state_dir / SYNC_STATE_FILE).save(
        _scope(guild_id), payload_hash(payload)
    )
    log.info("synced %d command(s) to %s", len(synced), _scope(guild_id))
    return len(synced)


async def sync_if_changed(bot: CamerabotBot) -> bool:
    """The start-up sync: to the development guild when set, else global; only if changed."""
    guild_id = bot.settings.guild_id
    if guild_id:
        bot.tree.copy_global_to(guild=discord.Object(guild_id))
    digest = payload_hash(command_payload(bot.tree, guild_id))
    if SyncRecord(bot.settings.state_dir / SYNC_STATE_FILE).load().get(_scope(guild_id)) == digest:
        log.info("commands unchanged since the last sync to %s; not syncing", _scope(guild_id))
        return False
    await sync_commands(bot, guild_id)
    return True


# Entry points


def load_engine_or_report(settings: Settings) -> Engine | None:
    """The engine for KNOWLEDGE_DIR, or None after logging every validation problem."""
    base, problems = check_knowledge(settings.knowledge_dir)
    if problems or base is None:
        log.error(
            "refusing to start: the knowledge files in %s are invalid:\n%s",
            settings.knowledge_dir,
            KnowledgeError(problems).report(),
        )
        return None
    return Engine(base)


def run_bot(settings: Settings) -> int:
    """Run the bot until it is stopped; the exit status."""
    engine = load_engine_or_report(settings)
    if engine is None:
        return 1
    bot = create_bot(settings, engine)
    try:
        bot.run(settings.discord_token, log_handler=None)
    except discord.LoginFailure:
        log.error("Discord rejected the token: check DISCORD_TOKEN")
        return 1
    except discord.PrivilegedIntentsRequired:
        log.error(
            "ANSWER_CHANNEL_IDS needs the Message Content intent: enable it for the bot in the "
            "developer portal, or clear ANSWER_CHANNEL_IDS"
        )
        return 1
    return 0


class SyncError(RuntimeError):
    """`camerabot sync` could not sync; the message says why (never with the token)."""


def sync_once(settings: Settings, engine: Engine, guild_id: int | None = None) -> int:
    """Log in over HTTP only, sync the commands (to a guild if given), log out; the count."""

    async def sync() -> int:
        bot = create_bot(settings, engine, auto_sync=False)
        async with bot:
            await bot.login(settings.discord_token)
            return await sync_commands(bot, guild_id)

    try:
        return asyncio.run(sync())
    except discord.LoginFailure:
        raise SyncError("Discord rejected the token: check DISCORD_TOKEN") from None
    except discord.HTTPException as error:
        raise SyncError(f"Discord refused the sync: {error.status} {error.text}") from None
