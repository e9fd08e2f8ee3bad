"""Syncing the slash commands: only when they changed since the last sync, or on request.

The hash of what was last synced to each scope (global, or a guild) is kept per application in
STATE_DIR, so a restart with unchanged commands makes no API call.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

import discord
from discord.app_commands import CommandTree
from discord.http import HTTPClient

from bot.runtime.config import Settings
from bot.state.backend import ValueStore

log = logging.getLogger(__name__)

SYNC_STATE_FILE = "command-sync.json"
# The same record as a named value in the state backend, when that is PostgreSQL.
SYNC_VALUE = "command-sync"


class SyncingBot(Protocol):
    """What syncing needs of the bot (the bot class imports this module, so not the class)."""

    settings: Settings

    @property
    def tree(self) -> CommandTree[Any]:
        """The bot's command tree."""
        ...

    @property
    def http(self) -> HTTPClient:
        """The bot's HTTP client."""
        ...

    @property
    def application_id(self) -> int | None:
        """The application's id, known after login."""
        ...


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

    def __init__(
        self, path: Path, application_id: int | None, values: ValueStore | None = None
    ) -> None:
        self.path = path
        self.application = str(application_id or 0)
        # With PostgreSQL the hashes are a named value there, shared by every host.
        self.values = values

    def _all(self) -> dict[str, Any]:
        if self.values is not None:
            stored = self.values.get(SYNC_VALUE)
            return stored if isinstance(stored, dict) else {}
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
        if self.values is not None:
            self.values.put(SYNC_VALUE, applications)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".sync-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"applications": applications}, handle, indent=2, sort_keys=True)
            Path(tmp).replace(self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def sync_record(bot: SyncingBot) -> SyncRecord:
    """The sync record of the bot's application."""
    state = getattr(bot, "state", None)
    values = state.values if state is not None and state.name != "files" else None
    return SyncRecord(bot.settings.state_dir / SYNC_STATE_FILE, bot.application_id, values)


def sync_plan(bot: SyncingBot) -> dict[str, Any]:
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


async def _sync_scope(bot: SyncingBot, scope: str, payload: Any) -> int:
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


async def sync_commands(bot: SyncingBot, guild_id: int | None = None) -> int:
    """Sync now, whatever the record says: every scope of the plan, or one guild; the count."""
    plan = sync_plan(bot)
    if guild_id is not None:
        plan = {_scope(guild_id): command_payload(bot.tree, guild_id)}
    return sum([await _sync_scope(bot, scope, payload) for scope, payload in plan.items()])


async def sync_if_changed(bot: SyncingBot) -> bool:
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
