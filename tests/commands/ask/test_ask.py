"""/ask end to end: answers with citations, abstentions with suggestion buttons, the gap log."""

from __future__ import annotations

import json

import discord
import pytest
import simcord

from bot.engine.engine import Answer, Engine, Suggestion
from commands.client import create_bot
from commands.ui import render as _render
from tests.helpers.discord_checks import (
    ScriptedEngine,
    callbacks_since,
    custom_ids,
    fact_of,
    gap_lines,
    only_embed,
)

UNKNOWN = "What do penguins think of periscope lenses?"


@pytest.fixture
def suggestions(engine: Engine) -> tuple[Suggestion, ...]:
    facts = list(engine.base.facts.values())[:3]
    return tuple(Suggestion(f.id, f.question) for f in facts)


@pytest.fixture
def scripted(bot, engine: Engine, suggestions) -> ScriptedEngine:
    """The bot's engine abstains on UNKNOWN, suggesting three real facts."""
    scripted = ScriptedEngine(
        engine, {UNKNOWN: Answer(UNKNOWN, False, None, 0.5, suggestions=suggestions)}
    )
    bot.engine = scripted
    return scripted


async def test_ask_answers_with_an_embed_and_its_citation(simcord_env, channel, alice, engine):
    question = "Which Huawei phones used Leica cameras?"
    expected = engine.ask(question)
    assert expected.answered

    result = await alice.slash(channel, "ask", question=question)

    assert result.acknowledged
    assert not result.ephemeral
    embed = only_embed(result.response)
    assert embed.title == question, "the question as asked, not the matched one"
    assert embed.description == _render.shown(expected.answer)
    count = len({c.source_id for c in expected.citations})
    names = ["Source"] if count == 1 else [f"Source {n}" for n in range(1, count + 1)]
    assert [f.name for f in embed.fields] == names
    citation = expected.citations[0]
    heading, first_quote = embed.fields[0].value.split("\n")[:2]
    assert heading == f"*{citation.title}* · {citation.date}", "title and date once, on top"
    assert first_quote.startswith("> " + _render.shown(citation.quote)[:40])
    # No fact id and no score in public: they sit behind "ⓘ" for those who want them.
    assert embed.footer.text is None
    assert expected.fact_id not in str(embed.to_dict())
    assert custom_ids(result.response) == [
        f"cb:fb:up:{expected.fact_id}",
        f"cb:fb:wr:{expected.fact_id}",
        f"cb:in:{expected.fact_id}",
        f"cb:dl:{alice.id}",  # 🗑 for the asker
    ]
    assert gap_lines(simcord_env.bot.settings) == []


async def test_ask_abstains_privately_with_suggestion_buttons(
    simcord_env, channel, alice, scripted, suggestions, settings
):
    result = await alice.slash(channel, "ask", question=UNKNOWN)

    assert result.acknowledged
    assert result.ephemeral
    assert result.response.content.startswith(_render.DONT_KNOW)
    labels = [c["label"] for row in result.response.components for c in row["components"]]
    assert labels == [_render.button_label(s.question) for s in suggestions]
    [line] = gap_lines(settings)
    record = json.loads(line)
    assert record["question"] == UNKNOWN
    assert record["user_id"] == alice.id
    assert record["where"] == "slash"


async def test_ask_abstains_without_buttons_when_nothing_is_close(
    simcord_env, channel, alice, bot, engine, settings
):
    bot.engine = ScriptedEngine(engine, {UNKNOWN: Answer(UNKNOWN, False, None, 0.0)})
    result = await alice.slash(channel, "ask", question=UNKNOWN)
    assert result.acknowledged
    assert result.ephemeral
    assert result.response.content == _render.abstain_text(Answer(UNKNOWN, False, None, 0.0))
    assert result.response.components == []
    assert len(gap_lines(settings)) == 1


async def test_pressing_a_suggestion_answers_it(
    simcord_env, channel, alice, scripted, engine, suggestions
):
    shown = await alice.slash(channel, "ask", question=UNKNOWN)
    chosen = suggestions[1]

    pressed = await alice.click(shown.response, label=_render.button_label(chosen.question))

    assert pressed.acknowledged
    message = simcord_env.backend.get_message(channel.id, shown.response.id)
    [embed] = message.embeds
    expected = engine.answer_entry(UNKNOWN, chosen.fact_id)
    assert embed["title"] == chosen.question
    assert embed["description"] == _render.shown(expected.answer)
    assert [c["custom_id"] for row in message.components for c in row["components"]] == [
        f"cb:fb:up:{chosen.fact_id}",
        f"cb:fb:wr:{chosen.fact_id}",
        f"cb:in:{chosen.fact_id}",
    ], "the suggestions are gone once answered; the answer's own buttons are there"
    assert message.content == ""


async def test_only_the_asker_sees_the_private_suggestions(
    simcord_env, channel, alice, bob, scripted, suggestions
):
    shown = await alice.slash(channel, "ask", question=UNKNOWN)
    with pytest.raises(simcord.SetupError):
        await bob.click(shown.response, label=_render.button_label(suggestions[0].question))


async def test_a_suggestion_removed_by_a_reload_says_so(simcord_env, channel, alice, bot, engine):
    gone = Suggestion("no-such-fact", "A fact removed since")
    bot.engine = ScriptedEngine(
        engine, {UNKNOWN: Answer(UNKNOWN, False, None, 0.5, suggestions=(gone,))}
    )
    shown = await alice.slash(channel, "ask", question=UNKNOWN)
    pressed = await alice.click(shown.response, label=gone.question)
    assert pressed.acknowledged
    assert (
        simcord_env.backend.get_message(channel.id, shown.response.id).content
        == _render.ANSWER_GONE
    )


async def test_suggestion_buttons_survive_a_restart(
    simcord_env, channel, alice, bob, scripted, settings, engine, suggestions
):
    shown = await alice.slash(channel, "ask", question=UNKNOWN)
    assert custom_ids(shown.response)[0] == f"cb:sg:{alice.id}:{suggestions[0].fact_id}"
    await simcord_env.advance_time(3600)
    await simcord_env.restart_bot(create_bot(settings, engine))

    pressed = await alice.click(shown.response, label=_render.button_label(suggestions[0].question))

    assert pressed.acknowledged
    message = simcord_env.backend.get_message(channel.id, shown.response.id)
    assert message.embeds[0]["title"] == suggestions[0].question


async def test_a_leftover_button_the_bot_cannot_serve_says_it_expired(
    simcord_env, channel, alice, bot, settings, engine
):
    # A session button (a private list's page, a moderator's form) from before a restart, and a
    # button of the previous version (random custom_id, no persistent view).
    import discord

    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Old session", custom_id="cb:x:0badc0de:1234abcd"))
    view.add_item(discord.ui.Button(label="Old version", custom_id="ab" * 16))
    view.add_item(discord.ui.Button(label="Old kind", custom_id="cb:zz:1:2"))
    message = await bot.get_channel(channel.id).send("old buttons", view=view)
    await simcord_env.restart_bot(create_bot(settings, engine))

    for label in ("Old session", "Old version", "Old kind"):
        pressed = await alice.click(message, label=label)
        assert pressed.acknowledged
        assert pressed.ephemeral
        assert pressed.response.content == _render.EXPIRED_BUTTON


async def test_the_engine_is_read_at_each_question(simcord_env, channel, alice, bot, engine):
    question = "Which Huawei phones used Leica cameras?"
    first = await alice.slash(channel, "ask", question=question)
    assert fact_of(first.response) == engine.ask(question).fact_id
    bot.engine = ScriptedEngine(engine, {question: Answer(question, False, None, 0.0)})
    second = await alice.slash(channel, "ask", question=question)
    assert second.ephemeral
    assert second.response.content.startswith("I don't know")


async def test_every_ask_is_acknowledged_exactly_once(simcord_env, channel, alice, scripted):
    mark = len(simcord_env.http_requests)
    for question in ("Where is Leica from?", UNKNOWN, "Who does Vivo work with?"):
        result = await alice.slash(channel, "ask", question=question)
        assert result.acknowledged
    assert len(callbacks_since(simcord_env, mark)) == 3


async def test_a_refusal_shows_what_the_sources_do_say_on_buttons(
    simcord_env, channel, alice, bot, engine, settings
):
    question = "When did Huawei start working with Leica?"
    facts = list(engine.base.facts.values())
    related = tuple(Suggestion(f.id, f.question) for f in facts[:2])
    refusal = Answer(
        question,
        False,
        None,
        0.0,
        suggestions=(related[1], Suggestion(facts[2].id, facts[2].question)),
        related=related,
        reply="The sources don't say that about Huawei and Leica. Here is what they do say:",
        kind="refusal",
    )
    bot.engine = ScriptedEngine(engine, {question: refusal})

    result = await alice.slash(channel, "ask", question=question)

    assert result.ephemeral
    assert result.response.content.startswith(refusal.reply)
    assert _render.DID_YOU_MEAN_ALSO in result.response.content
    buttons = [c for row in result.response.components for c in row["components"]]
    assert [b["label"] for b in buttons] == [
        _render.button_label(q) for q in (facts[0].question, facts[1].question, facts[2].question)
    ], "what they do say first, then the other suggestion, each once"
    assert [b["style"] for b in buttons] == [2, 2, 1]
    pressed = await alice.click(result.response, label=_render.button_label(facts[0].question))
    assert pressed.acknowledged
    stored = simcord_env.backend.get_message(channel.id, result.response.id)
    assert stored.embeds[0]["title"] == facts[0].question
    assert [json.loads(line)["question"] for line in gap_lines(settings)] == [question]


async def test_small_talk_gets_its_reply_without_buttons_and_is_no_gap(
    simcord_env, channel, alice, bot, engine, settings
):
    thanks = "thanks, that's great!"
    chat = Answer(thanks, False, None, 0.0, reply="You're welcome!", kind="chat")
    bot.engine = ScriptedEngine(engine, {thanks: chat})

    asked = await alice.send(channel, f"{bot.user.mention} {thanks}")

    reply = channel.last_message
    assert reply.reference.message_id == asked.id
    assert reply.content == "You're welcome!"
    assert reply.components == []
    assert gap_lines(settings) == []


# 🗑: the asker deletes a public answer


async def test_only_the_asker_or_a_moderator_deletes_a_public_answer(
    simcord_env, guild, channel, alice, bob, bot
):
    def answers(title: str) -> int:
        return sum(1 for m in channel.history() if m.embeds and m.embeds[0].title == title)

    shown = await alice.slash(channel, "ask", question="Where is Leica from?")
    delete = f"cb:dl:{alice.id}"
    refused = await bob.click(shown.response, custom_id=delete)
    assert refused.response.ephemeral
    assert refused.response.content == _render.NOT_YOUR_ANSWER
    assert answers("Where is Leica from?") == 1
    pressed = await alice.click(shown.response, custom_id=delete)
    assert pressed.response.content == _render.ANSWER_DELETED
    assert answers("Where is Leica from?") == 0

    sent = await alice.send(channel, f"{bot.user.mention} Who does Vivo work with?")
    [reply] = [m for m in channel.history() if m.reference and m.reference.message_id == sent.id]
    keeper = guild.create_role("Keeper", permissions=discord.Permissions(manage_messages=True))
    carol = guild.add_member(simcord_env.create_user("carol"), roles=[keeper])
    await carol.click(reply, custom_id=delete)
    assert [m for m in channel.history() if m.reference and m.reference.message_id == sent.id] == []


async def test_a_private_answer_has_no_delete_button(simcord_env, channel, alice):
    shown = await alice.slash(channel, "ask", question="Where is Leica from?", private=True)
    with pytest.raises(simcord.SetupError):
        await alice.click(shown.response, custom_id=f"cb:dl:{alice.id}")
