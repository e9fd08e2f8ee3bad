"""/source drafts end to end: a paged review of a stored source's drafts, with its buttons."""

from __future__ import annotations

from pathlib import Path

import pytest
import simcord
import yaml
from discord import app_commands

from commands.ui import render
from tests.helpers.discord_checks import only_embed
from tests.helpers.moderation import audit_lines, embeds_of, knowledge_files, labels, prefilled

ARTICLE = (
    Path(__file__).resolve().parents[2] / "data" / "articles" / "2022-12-14-xiaomi-12s-oppo.txt"
)
ID = "article-2022-12-14"
BUTTONS = ["◀ Previous", "Accept", "Edit", "Reject", "Next ▶"]


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


@pytest.fixture
def december(mod_store):
    """The December 2022 article, added as a moderator's `source add` would."""
    text = ARTICLE.read_text(encoding="utf-8")
    mod_store.add_source(ID, "Xiaomi 12S Ultra arrives", "2022-12-14", "", text, actor="test")
    return text


def page_of(env, message):
    """The draft a review's message shows now (after the edits its buttons made)."""
    [embed] = embeds_of(env.backend.get_message(message.channel_id, message.id))
    return embed


async def open_review(moderator, channel, env):
    result = await moderator.slash(channel, "source drafts", source=ID)
    assert result.ephemeral
    return result


def message_of(result):
    return result.followups[0] if result.followups else result.response


async def test_the_review_shows_one_draft_a_page_with_its_quote_and_buttons(
    simcord_env, channel, moderator, mod_kb, december
):
    before = knowledge_files(mod_kb[0])
    result = await open_review(moderator, channel, simcord_env)
    message = message_of(result)
    embed = only_embed(message)
    assert embed.title.startswith("Draft 1 of 17: add_brand oppo")
    assert "**name**: Oppo" in embed.description
    assert "Meanwhile, smartphone maker Oppo has announced" in embed.fields[0].value
    assert "*Xiaomi 12S Ultra arrives*, 14 December 2022" in embed.fields[0].value
    assert embed.footer.text == "To review · 17 of 17 left to review"
    assert labels(message) == BUTTONS
    turned = await moderator.click(message, label="Next ▶")
    assert turned.acknowledged
    page = page_of(simcord_env, message)
    assert page.title.startswith("Draft 2 of 17: edit_brand xiaomi")
    assert knowledge_files(mod_kb[0]) == before, "reading changes nothing"


async def test_accept_applies_the_draft_and_shows_the_next(
    simcord_env, channel, moderator, mod_kb, mod_log, december
):
    result = await open_review(moderator, channel, simcord_env)
    message = message_of(result)
    await moderator.click(message, label="Accept")
    page = page_of(simcord_env, message)
    assert page.title.startswith("Draft 2 of 17")
    brands = yaml.safe_load((mod_kb[0] / "brands.yaml").read_text(encoding="utf-8"))
    assert {"id": "oppo", "name": "Oppo", "kind": "phone_maker"} in brands
    assert mod_log.history()[-1].content == f"<@{moderator.id}> added brand `oppo`"
    await moderator.click(message, label="Next ▶")
    await moderator.click(message, label="Accept")  # 3: Xiaomi–Leica launched
    await moderator.click(message, label="Accept")  # 4: the Oppo–Hasselblad partnership
    answer = await moderator.slash(channel, "ask", question="Who does Oppo work with?")
    assert "Hasselblad" in only_embed(answer.response).description
    partners = yaml.safe_load((mod_kb[0] / "partnerships.yaml").read_text(encoding="utf-8"))
    oppo = next(p for p in partners if p["id"] == "oppo-hasselblad")
    assert oppo["citations"][0]["source"] == ID
    await moderator.click(message, label="◀ Previous")
    back = page_of(simcord_env, message)
    assert back.footer.text.startswith("Accepted")
    assert labels(simcord_env.backend.get_message(message.channel_id, message.id)) == BUTTONS


async def test_edit_opens_the_fields_and_accepts_them_as_typed(
    simcord_env, channel, moderator, mod_kb, december
):
    result = await open_review(moderator, channel, simcord_env)
    message = message_of(result)
    await moderator.click(message, label="Accept")  # Oppo, which the fact below names
    for _ in range(13):
        await moderator.click(message, label="Next ▶")
    page = page_of(simcord_env, message)
    assert page.title.startswith("Draft 15 of 17: add_fact article-2022-12-14-4")
    form = await moderator.click(message, label="Edit")
    fields = prefilled(form.modal)["fields"]
    assert "question: What was reported about Oppo and OnePlus in December 2022?" in fields
    typed = fields.replace(
        "What was reported about Oppo and OnePlus in December 2022?",
        "Are Oppo and OnePlus related?",
    )
    await moderator.submit_modal(form, {"fields": typed})
    answer = await moderator.slash(channel, "ask", question="Are Oppo and OnePlus related?")
    assert "share a parent company" in only_embed(answer.response).description


async def test_reject_keeps_the_reason_and_nothing_is_written(
    simcord_env, channel, moderator, mod_kb, december
):
    before = knowledge_files(mod_kb[0])
    history = audit_lines(mod_kb[1])
    result = await open_review(moderator, channel, simcord_env)
    message = message_of(result)
    form = await moderator.click(message, label="Reject")
    await moderator.submit_modal(form, {"reason": "we know Oppo already"})
    page = page_of(simcord_env, message)
    assert page.title.startswith("Draft 2 of 17")
    await moderator.click(message, label="◀ Previous")
    back = page_of(simcord_env, message)
    assert back.footer.text.startswith("Rejected (we know Oppo already")
    assert knowledge_files(mod_kb[0]) == before
    assert audit_lines(mod_kb[1]) == history


async def test_a_base_changed_since_stops_the_review(
    simcord_env, channel, moderator, mod_kb, mod_store, december
):
    result = await open_review(moderator, channel, simcord_env)
    message = message_of(result)
    mod_store.records.edit(
        "partnership", "vivo-zeiss", {"summary": "Changed."}, base_version=None, actor="other"
    )
    before = knowledge_files(mod_kb[0])
    await moderator.click(message, label="Accept")
    now = simcord_env.backend.get_message(message.channel_id, message.id)
    assert "the fact base changed since the drafts of article-2022-12-14 were numbered" in (
        now.content
    )
    assert knowledge_files(mod_kb[0]) == before


async def test_helpers_are_refused_and_members_do_not_see_it(
    simcord_env, channel, helper, alice, december
):
    refused = await helper.slash(channel, "source drafts", source=ID)
    assert refused.response.content == render.NO_PERMISSION
    assert [type(e) for e in simcord_env.errors] == [app_commands.MissingPermissions]
    with pytest.raises(simcord.SetupError):
        await alice.slash(channel, "source drafts", source=ID)


async def test_an_unknown_source_is_named(simcord_env, channel, moderator):
    result = await moderator.slash(channel, "source drafts", source="no-such")
    assert message_of(result).content.startswith("There is no source `no-such`")
