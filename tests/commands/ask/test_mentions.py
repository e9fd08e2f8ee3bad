"""Mentions and auto-answer channels: replies with the same embed, silence when unsure."""

from __future__ import annotations

import json

import discord
import pytest

from bot.engine.engine import Answer, Suggestion
from commands.ask._cog import strip_mention
from commands.ui import render as _render
from tests.helpers.discord_checks import ScriptedEngine, custom_ids, gap_lines

QUESTION = "Which Huawei phones used Leica cameras?"
UNKNOWN = "Do periscope lenses dream?"


def replies_to(channel, message):
    return [m for m in channel.history() if m.reference and m.reference.message_id == message.id]


async def test_a_mention_gets_a_reply_with_the_same_embed(simcord_env, channel, alice, bot, engine):
    slash = await alice.slash(channel, "ask", question=QUESTION)
    asked = await alice.send(channel, f"{bot.user.mention} {QUESTION}")

    [reply] = replies_to(channel, asked)
    assert reply.author.id == bot.user.id
    assert [e.to_dict() for e in reply.embeds] == [e.to_dict() for e in slash.response.embeds]
    assert reply.embeds[0].title == QUESTION


@pytest.mark.simcord(approved_intents=discord.Intents.default())
async def test_the_bot_asks_for_no_privileged_intent_by_default(simcord_env, channel, alice, bot):
    intents = bot.intents
    assert not (intents.message_content)
    assert not (intents.members)
    assert not (intents.presences)
    # Simcord blanks content without the intent, except for mentions: the question still arrives.
    asked = await alice.send(channel, f"<@{bot.user.id}> {QUESTION}")
    assert len(replies_to(channel, asked)) == 1


async def test_a_bare_mention_explains_how_to_ask(simcord_env, channel, alice, bot):
    asked = await alice.send(channel, bot.user.mention)
    [reply] = replies_to(channel, asked)
    assert reply.content == _render.EMPTY_MENTION


async def test_an_unknown_mention_offers_suggestions_only_to_the_asker(
    simcord_env, channel, alice, bob, bot, engine, settings
):
    fact = next(iter(engine.base.facts.values()))
    suggestion = Suggestion(fact.id, fact.question)
    bot.engine = ScriptedEngine(
        engine, {UNKNOWN: Answer(UNKNOWN, False, None, 0.5, suggestions=(suggestion,))}
    )
    asked = await alice.send(channel, f"{bot.user.mention} {UNKNOWN}")
    [reply] = replies_to(channel, asked)
    assert reply.content.startswith(_render.DONT_KNOW)
    assert json.loads(gap_lines(settings)[0])["where"] == "mention"

    refused = await bob.click(reply, label=_render.button_label(fact.question))
    assert refused.acknowledged
    assert refused.ephemeral
    assert refused.response.content == _render.NOT_YOURS
    assert simcord_env.backend.get_message(channel.id, reply.id).components, (
        "buttons stay for alice"
    )

    answered = await alice.click(reply, label=_render.button_label(fact.question))
    assert answered.acknowledged
    stored = simcord_env.backend.get_message(channel.id, reply.id)
    assert stored.embeds[0]["title"] == fact.question
    assert not any(i.startswith("cb:sg:") for i in custom_ids(stored)), "suggestions gone"


async def test_other_bots_and_plain_messages_are_ignored(simcord_env, guild, channel, alice, bot):
    await alice.send(channel, QUESTION)
    other = guild.add_member(simcord_env.create_user("otherbot", bot=True))
    await other.send(channel, f"{bot.user.mention} {QUESTION}")
    assert all(m.author.id != bot.user.id for m in channel.history())


def test_strip_mention_keeps_other_mentions() -> None:
    assert strip_mention("<@42> which phones? <@!42>", 42) == "which phones?"
    assert strip_mention("<@7> and <@42> who", 42) == "<@7> and who"
