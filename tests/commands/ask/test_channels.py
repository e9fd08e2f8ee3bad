"""Auto-answer channels: plain questions answered when the bot is confident, silence otherwise."""

from __future__ import annotations

import json

import pytest
from simcord.builders import ChannelHandle

from bot.engine.engine import Answer
from bot.runtime.config import Settings
from commands.client import bot_intents
from tests.helpers.discord_checks import ScriptedEngine, gap_lines, use_settings

QUESTION = "Which Huawei phones used Leica cameras?"
UNKNOWN = "Do periscope lenses dream?"


def replies_to(channel, message):
    return [m for m in channel.history() if m.reference and m.reference.message_id == message.id]


@pytest.fixture
def settings(tmp_path) -> Settings:
    # Auto-answer channels are on: the bot then needs (and asks for) message content.
    return Settings(state_dir=tmp_path / "state", shard_count=1, answer_channel_ids=frozenset({1}))


async def test_auto_answer_channels_answer_only_when_confident(
    simcord_env, guild, channel, alice, bot, engine, settings
):
    assert bot_intents(settings).message_content
    answers = guild.create_text_channel("answers")
    use_settings(bot, answer_channel_ids=frozenset({answers.id}))
    bot.engine = ScriptedEngine(engine, {UNKNOWN: Answer(UNKNOWN, False, None, 0.5)})

    confident = await alice.send(answers, QUESTION)
    unsure = await alice.send(answers, UNKNOWN)
    chatter = await alice.send(answers, "good morning all")
    elsewhere = await alice.send(channel, QUESTION)

    [reply] = replies_to(answers, confident)
    assert reply.embeds[0].title == QUESTION
    assert replies_to(answers, unsure) == []
    assert replies_to(answers, chatter) == []
    assert replies_to(channel, elsewhere) == []
    recorded = [json.loads(line) for line in gap_lines(bot.settings)]
    assert [(r["question"], r["where"]) for r in recorded] == [(UNKNOWN, "channel")]


async def test_threads_and_forum_posts_of_an_answer_channel_are_answered(
    simcord_env, guild, alice, bot
):
    answers = guild.create_text_channel("answers")
    forum = guild.create_forum_channel("ask-here")
    use_settings(bot, answer_channel_ids=frozenset({answers.id, forum.id}))
    for parent in (answers, forum):
        thread_model = simcord_env.backend.create_thread(parent.id, "leica talk", alice.id)
        thread = ChannelHandle(simcord_env, guild, thread_model)

        asked = await alice.send(thread, QUESTION)

        [reply] = replies_to(thread, asked)
        assert reply.embeds[0].title == QUESTION


async def test_a_mention_of_the_bots_own_role_is_a_question(
    simcord_env, guild, channel, alice, bot
):
    # People pick the bot's integration role from the @ menu as often as the bot itself.
    # (Discord shows the bot a role mention's text with the Message Content intent, which
    # answer channels need anyway; the bot's own mention comes with its text in any case.)
    me = bot.get_guild(guild.id).me
    [own] = [r for r in me.roles if r.managed]
    other = guild.create_role("Photographers", mentionable=True)

    asked = await alice.send(channel, f"<@&{own.id}> {QUESTION}")
    not_asked = await alice.send(channel, f"<@&{other.id}> {QUESTION}")

    [reply] = replies_to(channel, asked)
    assert reply.embeds[0].title == QUESTION
    assert replies_to(channel, not_asked) == []
