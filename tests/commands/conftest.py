"""Fixtures for the Discord tests: the real bot on the shipped fact base, inside simcord."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.answers import Engine
from bot.app import CamerabotBot, create_bot
from bot.config import Settings

SHIPPED_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


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
    return simcord_env.create_guild("Phones")


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
    )


@pytest.fixture
def mod_bot(mod_settings: Settings, mod_store) -> CamerabotBot:
    """The real bot over the copy, watching it for changes."""
    return create_bot(mod_settings, Engine(mod_store.base), store=mod_store, watch=True)


@pytest.fixture
async def mod_roles(simcord_env, guild, bot):
    """Mods (a MODERATOR_ROLE_IDS role) and Helpers (may see /fact, /kb, /source; not run them).

    Members without Manage Server see the moderators' commands only where a server admin allowed
    their role; both roles are allowed here, so the run-time check is what refuses Helpers.
    """
    from discord_checks import use_settings

    mods = guild.create_role("Mods")
    helpers = guild.create_role("Helpers")
    use_settings(bot, moderator_role_ids=frozenset({mods.id}))
    for command in await bot.tree.fetch_commands():
        if command.name in ("fact", "kb", "source"):
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
    from discord_checks import use_settings

    channel = guild.create_text_channel("mod-log")
    use_settings(bot, mod_log_channel_id=channel.id)
    return channel
