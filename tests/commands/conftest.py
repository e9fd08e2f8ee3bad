"""Fixtures for the Discord tests: the real bot on the shipped fact base, inside simcord."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import Engine
from bot.app import CamerabotBot, create_bot
from bot.config import Settings


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
