"""A message of several questions on Discord: every part shown, each with its own quotes."""

from __future__ import annotations

from bot.engine.engine import Engine
from bot.facts.limits import EMBED_TOTAL_MAX
from commands.ui import render as _render
from tests.helpers.discord_checks import custom_ids

TWO = "Who does Xiaomi work with and who does OnePlus work with?"


def _quotes(embed) -> str:
    """The quoted lines of an embed's sources (not their headings)."""
    data = embed if isinstance(embed, dict) else embed.to_dict()
    lines = "\n".join(f["value"] for f in data.get("fields", [])).splitlines()
    return "\n".join(line for line in lines if line.startswith("> "))


def _size(embed) -> int:
    data = embed if isinstance(embed, dict) else embed.to_dict()
    fields = data.get("fields", [])
    return (
        len(data.get("title", ""))
        + len(data.get("description", ""))
        + len(data.get("footer", {}).get("text", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
    )


async def test_both_parts_are_shown_each_with_its_own_quotes(simcord_env, channel, alice, engine):
    result = await alice.slash(channel, "ask", question=TWO)

    xiaomi, oneplus = result.response.embeds
    assert xiaomi.title == TWO
    assert "Xiaomi's camera partnerships" in (xiaomi.description or "")
    assert "Leica" in _quotes(xiaomi)
    assert "Hassleblad" not in _quotes(xiaomi), "no OnePlus quote under the Xiaomi part"
    assert oneplus.title is None
    assert oneplus.description is not None
    assert "Hasselblad" in oneplus.description
    assert "Hassleblad" in _quotes(oneplus)
    assert "Leica" not in _quotes(oneplus)
    # The date is said once, by the first part.
    assert xiaomi.description.startswith("As reported on 23 May 2022, ")
    assert "As reported" not in oneplus.description
    # Votes on two answers are filed as reasoned; each part has its own ⓘ; the asker's 🗑.
    assert custom_ids(result.response) == [
        "cb:fb:up:reasoned",
        "cb:fb:wr:reasoned",
        "cb:in:partners:xiaomi",
        "cb:in:partners:oneplus",
        f"cb:dl:{alice.id}",
    ]
    second = await alice.click(result.response, label="ⓘ 2")
    assert "“Who does OnePlus work with?”" in second.response.content


async def test_a_mention_shows_every_part_as_the_command_line_does(
    simcord_env, channel, alice, bot, engine: Engine
):
    question = "Does Vivo work with Zeiss and does Xiaomi work with Leica?"
    expected = engine.ask(question)
    asked = await alice.send(channel, f"{bot.user.mention} {question}")

    [reply] = [m for m in channel.history() if m.reference and m.reference.message_id == asked.id]
    assert [e.description for e in reply.embeds] == [
        _render.shown(p.answer or "") for p in expected.parts
    ]
    assert reply.embeds[1].description.startswith("Yes. Xiaomi ")
    for embed, part in zip(reply.embeds, expected.parts, strict=True):
        assert all(_render.shown(c.quote)[:30] in _quotes(embed) for c in part.citations)


async def test_a_part_without_an_answer_says_so_in_its_place(simcord_env, channel, alice):
    question = "Who does Xiaomi work with? And what does Leica's CEO eat for breakfast?"
    result = await alice.slash(channel, "ask", question=question)

    first, second = result.response.embeds
    assert "Xiaomi" in (first.description or "")
    assert second.description == "The sources don't answer your second question."
    assert second.fields == []


async def test_many_parts_hold_discords_limit_together(simcord_env, channel, alice):
    question = (
        "Who does Xiaomi work with? Who does OnePlus work with? Who does Vivo work with? "
        "Who does Huawei work with? Who does Leica work with?"
    )
    result = await alice.slash(channel, "ask", question=question)

    embeds = result.response.embeds
    assert len(embeds) == 4
    assert sum(_size(e) for e in embeds) <= EMBED_TOTAL_MAX
    assert embeds[-1].footer.text == (
        "I answer 4 questions at a time: ask the last question again."
    )
    assert all(e.fields for e in embeds), "every part keeps its quotes"


async def test_a_greeting_before_the_question_is_not_a_first_question(
    simcord_env, channel, alice, bot
):
    asked = await alice.send(channel, f"{bot.user.mention} hello there! where is Leica from?")

    [reply] = [m for m in channel.history() if m.reference and m.reference.message_id == asked.id]
    [embed] = reply.embeds
    assert "question" not in (embed.description or "")
    assert "German" in (embed.description or "")


async def test_related_buttons_and_info_read_as_questions(simcord_env, channel, alice):
    refused = await alice.slash(channel, "ask", question="Does Xiaomi make cars?")
    labels = [c["label"] for row in refused.response.components for c in row["components"]]
    assert labels
    assert all(label.endswith(("?", "…")) for label in labels)
    assert "Are Xiaomi and Leica partners?" in labels

    answered = await alice.slash(channel, "ask", question="xiaomi")
    info = await alice.click(answered.response, label="ⓘ")
    assert "“Who does Xiaomi work with?”" in info.response.content
