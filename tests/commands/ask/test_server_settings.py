"""A server's /config in effect end to end: its answer channels and cooldown, others unaffected."""

from __future__ import annotations

import pytest
from discord import app_commands

from bot.runtime.config import Settings
from bot.state.settings import ServerSettings
from commands.config._cog import NO_MESSAGE_CONTENT_NOTE
from commands.ui import render as _render
from tests.helpers.discord_checks import use_settings

QUESTION = "Which Huawei phones used Leica cameras?"
LEICA = "Where is Leica from?"
# A placeholder until the test's own channel exists: .env sets answer channels, so the bot
# asks for the Message Content intent.
PLACEHOLDER_CHANNEL_ID = 1


def replies_to(channel, message):
    return [m for m in channel.history() if m.reference and m.reference.message_id == message.id]


@pytest.fixture
def settings(tmp_path) -> Settings:
    # .env: one default answer channel (in the other server), 5 questions every 30 s.
    return Settings(
        state_dir=tmp_path / "state",
        shard_count=1,
        cooldown_rate=5,
        cooldown_seconds=30,
        answer_channel_ids=frozenset({PLACEHOLDER_CHANNEL_ID}),
    )


@pytest.fixture
def other(simcord_env):
    """A second server."""
    return simcord_env.create_guild("Other phones")


async def test_a_servers_own_answer_channels_apply_there_only(
    simcord_env, guild, channel, other, alice, manager, bot
):
    own = guild.create_text_channel("ask-here")
    default_here = guild.create_text_channel("questions")
    default_there = other.create_text_channel("answers")
    use_settings(bot, answer_channel_ids=frozenset({default_there.id}))  # .env's, in the other
    other_alice = other.add_member(alice.user)
    # The defaults first: this server's channel is not an answer channel yet.
    before = await alice.send(own, QUESTION)
    assert replies_to(own, before) == []

    saved = await manager.slash(channel, "config answer-channel", action="add", channel=own)
    assert saved.response.content.startswith("Saved.")
    assert NO_MESSAGE_CONTENT_NOTE not in saved.response.content  # the intent is on
    assert bot.state.settings.get(guild.id).answer_channel_ids == {
        default_there.id,
        own.id,
    }, "add starts from the channels in effect"

    asked = await alice.send(own, QUESTION)
    [reply] = replies_to(own, asked)
    assert reply.embeds[0].title == QUESTION
    elsewhere = await alice.send(default_here, QUESTION)
    assert replies_to(default_here, elsewhere) == []
    # The other server keeps .env's channel.
    there = await other_alice.send(default_there, QUESTION)
    [reply_there] = replies_to(default_there, there)
    assert reply_there.embeds[0].title == QUESTION

    await manager.slash(channel, "config answer-channel", action="none")
    silenced = await alice.send(own, QUESTION)
    assert replies_to(own, silenced) == []
    there_again = await other_alice.send(default_there, QUESTION)
    assert len(replies_to(default_there, there_again)) == 1


async def test_a_servers_cooldown_applies_to_every_way_of_asking_there_only(
    simcord_env, guild, channel, other, alice, bob, manager, bot
):
    await manager.slash(channel, "config cooldown", questions=1, seconds=60)
    first = await alice.send(channel, f"{bot.user.mention} {LEICA}")
    assert len(replies_to(channel, first)) == 1
    # Over this server's 1 question a minute: a mention, /ask and "Ask camerabot" all wait.
    second = await alice.send(channel, f"{bot.user.mention} {LEICA}")
    assert replies_to(channel, second) == []
    [warning] = alice.user.dm_channel.history()
    assert warning.content == _render.cooldown_text(60)
    slash = await alice.slash(channel, "ask", question=LEICA)
    assert slash.ephemeral
    assert slash.response.content == _render.cooldown_text(60)
    assert isinstance(simcord_env.errors[0], app_commands.CommandOnCooldown)
    message = await bob.send(channel, LEICA)
    menu = await alice.context_menu(channel, "Ask camerabot", message)
    assert menu.ephemeral
    assert menu.response.content.startswith("You're asking quickly")
    # Bob has a budget of his own.
    bobs = await bob.send(channel, f"{bot.user.mention} {LEICA}")
    assert len(replies_to(channel, bobs)) == 1

    # Another server and DMs keep .env's 5 every 30 s, and alice's budget there is untouched.
    there = other.create_text_channel("general")
    other_alice = other.add_member(alice.user)
    for _ in range(5):
        asked = await other_alice.send(there, f"{bot.user.mention} {LEICA}")
        assert len(replies_to(there, asked)) == 1
    over = await other_alice.send(there, f"{bot.user.mention} {LEICA}")
    assert replies_to(there, over) == []


async def test_direct_messages_use_the_defaults(simcord_env, guild, channel, alice, manager, bot):
    await manager.slash(channel, "config cooldown", questions=1, seconds=60)
    dm_replies = []
    for _ in range(5):
        sent = await alice.send_dm(LEICA)
        dm_replies += replies_to(alice.user.dm_channel, sent)
    assert len(dm_replies) == 5, "a DM is not counted against a server's own cooldown"
    assert bot.effective_settings(None).cooldown_rate == 5


async def test_another_process_config_is_read_on_the_next_watch_turn(guild, bot):
    # /config saved by another process (or host) sharing the state backend.
    bot.state.settings.put(guild.id, ServerSettings(cooldown_rate=2, cooldown_seconds=10))
    assert bot.effective_settings(guild.id).cooldown_rate == 5
    await bot.watch_knowledge()
    assert bot.effective_settings(guild.id).cooldown_rate == 2
    assert bot.cooldown_for(guild.id) is not bot.cooldown_for(None)


async def test_settings_unreadable_keep_those_read_and_warn_once(guild, bot, monkeypatch, caplog):
    bot.state.settings.put(guild.id, ServerSettings(cooldown_rate=2, cooldown_seconds=10))
    await bot.load_server_settings()

    def unreachable() -> dict:
        raise OSError("the state cannot be read")

    monkeypatch.setattr(bot.state.settings, "all", unreachable)
    for _ in range(3):
        await bot.load_server_settings()
    warnings = [r for r in caplog.records if "servers' settings not read" in r.getMessage()]
    assert len(warnings) == 1
    assert bot.effective_settings(guild.id).cooldown_rate == 2  # kept, not the defaults
