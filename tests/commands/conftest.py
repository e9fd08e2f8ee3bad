"""Fixtures for the Discord tests: the real bot on the shipped fact base, inside simcord."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.engine.engine import Engine
from bot.runtime.config import Settings
from commands.client import CamerabotBot, create_bot

SHIPPED_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
# The test server's id, pinned so that settings can name it (MOD_GUILD_IDS) before it exists.
GUILD_ID = 1_100_000_000_000_000_001


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        state_dir=tmp_path / "state", shard_count=1, cooldown_rate=5, cooldown_seconds=30
    )


@pytest.fixture
def simcord_bot(settings: Settings, engine: Engine) -> CamerabotBot:
    return create_bot(settings, engine)


@pytest.fixture
def bot(simcord_env) -> CamerabotBot:
    return simcord_env.bot


@pytest.fixture
def guild(simcord_env):
    return simcord_env.create_guild("Phones", id=GUILD_ID)


@pytest.fixture
def channel(guild):
    return guild.create_text_channel("general")


@pytest.fixture
def alice(simcord_env, guild):
    return guild.add_member(simcord_env.create_user("alice"))


@pytest.fixture
def bob(simcord_env, guild):
    return guild.add_member(simcord_env.create_user("bob"))


# The moderators' commands: a bot over a private copy of knowledge/ (never the shipped one).


@pytest.fixture
def mod_kb(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the shipped knowledge/ and an empty state directory."""
    root = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, root)
    return root, tmp_path / "state"


@pytest.fixture
def mod_store(mod_kb: tuple[Path, Path]):
    """A KnowledgeStore over the copy, loaded."""
    from bot.store import KnowledgeStore

    store = KnowledgeStore(*mod_kb)
    store.load()
    return store


@pytest.fixture
def mod_settings(mod_kb: tuple[Path, Path]) -> Settings:
    knowledge, state = mod_kb
    return Settings(
        knowledge_dir=knowledge,
        state_dir=state,
        shard_count=1,
        cooldown_rate=50,
        cooldown_seconds=30,
        reload_seconds=2.0,
        mod_guild_ids=frozenset({GUILD_ID}),
    )


@pytest.fixture
def mod_bot(mod_settings: Settings, mod_store) -> CamerabotBot:
    """The real bot over the copy, watching it for changes."""
    return create_bot(mod_settings, Engine(mod_store.base), store=mod_store, watch=True)


@pytest.fixture
async def mod_roles(simcord_env, guild, bot):
    """Mods (a MODERATOR_ROLE_IDS role) and Helpers (see the moderators' commands, cannot run them).

    Members without Manage Server see the moderators' commands only where a server admin allowed
    their role; both roles are allowed here, so the run-time check is what refuses Helpers.
    """
    from tests.helpers.discord_checks import use_settings

    mods = guild.create_role("Mods")
    helpers = guild.create_role("Helpers")
    use_settings(bot, moderator_role_ids=frozenset({mods.id}))
    import discord

    for command in await bot.tree.fetch_commands(guild=discord.Object(guild.id)):
        if command.name in ("fact", "kb", "source", "brand", "partnership"):
            guild.set_command_permissions(command, {mods: True, helpers: True})
    return mods, helpers


@pytest.fixture
def moderator(simcord_env, guild, mod_roles):
    """A member with a moderator role (no Manage Server)."""
    return guild.add_member(simcord_env.create_user("mod"), roles=[mod_roles[0]])


@pytest.fixture
def helper(simcord_env, guild, mod_roles):
    """A member who can see the moderators' commands but is not a moderator."""
    return guild.add_member(simcord_env.create_user("helper"), roles=[mod_roles[1]])


@pytest.fixture
def manager(simcord_env, guild):
    """A member with Manage Server (a moderator without any moderator role)."""
    import discord

    role = guild.create_role("Managers", permissions=discord.Permissions(manage_guild=True))
    return guild.add_member(simcord_env.create_user("manager"), roles=[role])


@pytest.fixture
def mod_log(guild, bot):
    """The moderators' channel (MOD_LOG_CHANNEL_ID)."""
    from tests.helpers.discord_checks import use_settings

    channel = guild.create_text_channel("mod-log")
    use_settings(bot, mod_log_channel_id=channel.id)
    return channel


# Locks held as by a long reload: each wait on them is a declared external wait, so simcord
# settles every action with the waiting task parked there (an undeclared wait fails as a hang).


class HeldGate:
    """A gate a test closes (`hold`) and opens (`release`); `waited` counts the tasks it held."""

    def __init__(self, env, reason: str) -> None:
        self.env = env
        self.reason = reason
        self.open = asyncio.Event()
        self.open.set()
        self.waited = 0

    def hold(self) -> None:
        self.open.clear()

    async def release(self) -> None:
        """Open the gate and let every parked task finish."""
        self.open.set()
        await self.env.settle()

    async def wait(self) -> None:
        if not self.open.is_set():
            self.waited += 1
            await self.env.external_wait(self.open.wait(), reason=self.reason)


class HeldKnowledgeLock(HeldGate):
    """Stands in for `bot.knowledge_lock` (an asyncio.Lock), held while the gate is closed."""

    def __init__(self, env) -> None:
        super().__init__(env, "a reload holds bot.knowledge_lock")
        self.lock = asyncio.Lock()

    def locked(self) -> bool:
        return not self.open.is_set() or self.lock.locked()

    async def __aenter__(self) -> None:
        await self.wait()
        await self.lock.acquire()

    async def __aexit__(self, *exc_info: object) -> None:
        self.lock.release()


@pytest.fixture
def held_knowledge_lock(simcord_env, bot, monkeypatch) -> HeldKnowledgeLock:
    """`bot.knowledge_lock`, open until the test calls `hold()` (as a long reload would)."""
    lock = HeldKnowledgeLock(simcord_env)
    monkeypatch.setattr(bot, "knowledge_lock", lock)
    return lock


@pytest.fixture
def held_store_lock(simcord_env, bot, monkeypatch) -> HeldGate:
    """The store's lock as the moderators' commands meet it: after `hold()`, every store read
    they make (`ModerationCog.read_store`) waits until `release()` (a reload, or another process,
    holding the lock)."""
    gate = HeldGate(simcord_env, "a reload holds the store's lock")
    for name in ("Facts", "KnowledgeBase"):
        cog = bot.get_cog(name)

        async def read_store(operation, original=cog.read_store):
            await gate.wait()
            return await original(operation)

        monkeypatch.setattr(cog, "read_store", read_store)
    return gate
