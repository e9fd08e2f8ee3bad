"""A long reload holds the locks: every moderator interaction still answers within Discord's
3 seconds, and a moderator never loses what they typed.

`held_knowledge_lock` and `held_store_lock` (conftest) park whatever waits on them until the test
releases them; each action returns once the bot has answered (or parked).
"""

from __future__ import annotations

import json

import pytest

from commands.moderation import _render as render
from tests.helpers.discord_checks import fact_of, only_embed
from tests.helpers.moderation import (
    ANSWER,
    LEICA_COUNTRY_FORM,
    NEW_FACT_ID,
    QUESTION,
    SOURCE,
    audit_lines,
    embeds_of,
    fact_form,
    labels,
    prefilled,
    stored,
)


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


@pytest.fixture
def held(held_knowledge_lock, held_store_lock):
    """Both locks, held (a reload rebuilding a large fact base)."""
    held_knowledge_lock.hold()
    held_store_lock.hold()
    return held_knowledge_lock, held_store_lock


async def release(held) -> None:
    for gate in held:
        await gate.release()


async def ask(member, channel, question: str):
    return await member.slash(channel, "ask", question=question)


def fields_of(embed) -> dict[str, str]:
    return {f.name: f.value for f in embed.fields}


async def test_the_fact_form_previews_at_once_and_a_slow_save_keeps_the_typed_text(
    simcord_env, channel, moderator, mod_kb, held
):
    shown = await moderator.slash(channel, "fact add")
    assert shown.acknowledged
    assert prefilled(shown.modal)["source"] == SOURCE

    preview = await moderator.submit_modal(shown, fact_form())

    assert preview.acknowledged
    embed = only_embed(preview.response)
    assert embed.title == f"New fact: {QUESTION}"
    assert fields_of(embed)["Brands (recognised in the text)"] == "`zeiss`, `vivo`"
    assert labels(preview.response) == ["Save", "Edit", "Cancel"]

    saved = await moderator.click(preview.response, label="Save")

    assert saved.acknowledged, "answered before the lock is free"
    assert held[0].waited == 1, "the save waits for the reload"
    message = stored(simcord_env, preview)
    assert [e.title for e in embeds_of(message)] == [f"New fact: {QUESTION}"]
    assert fields_of(embeds_of(message)[0])["Answer"] == ANSWER, "the typed text stays"
    assert labels(message) == ["Save", "Edit", "Cancel"]
    assert audit_lines(mod_kb[1]) == []

    await release(held)

    message = stored(simcord_env, preview)
    assert message.content.startswith(f"Added fact `{NEW_FACT_ID}`")
    assert message.components == []
    answer = await ask(moderator, channel, QUESTION)
    assert fact_of(answer.response) == NEW_FACT_ID
    assert only_embed(answer.response).description.endswith(ANSWER)


async def test_fact_edit_opens_its_form_without_waiting_and_saves_after_the_reload(
    simcord_env, channel, moderator, mod_kb, bot, held
):
    shown = await moderator.slash(channel, "fact edit", fact="leica-country")

    assert shown.acknowledged
    assert shown.modal["title"] == "Edit fact leica-country"
    assert prefilled(shown.modal) == LEICA_COUNTRY_FORM
    typed = {**prefilled(shown.modal), "answer": "Leica is German; it works with Xiaomi."}
    preview = await moderator.submit_modal(shown, typed)
    assert preview.acknowledged
    embed = only_embed(preview.response)
    assert embed.title == "Edit leica-country: Where is Leica from?"
    assert fields_of(embed)["Brands (recognised in the text)"] == "`leica`, `xiaomi`"
    assert fields_of(embed)["Other citations"] == "1 more, kept as they are"

    saved = await moderator.click(preview.response, label="Save")

    assert saved.acknowledged
    assert (held[0].waited, held[1].waited) == (1, 0), "the form and preview never wait"
    assert fields_of(embeds_of(stored(simcord_env, preview))[0])["Answer"] == typed["answer"]
    assert labels(stored(simcord_env, preview)) == ["Save", "Edit", "Cancel"]

    await release(held)

    assert stored(simcord_env, preview).content.startswith("Saved fact `leica-country`")
    answer = await ask(moderator, channel, "Where is Leica from?")
    assert only_embed(answer.response).description.endswith("it works with Xiaomi.")
    [source] = only_embed(answer.response).fields  # both quotes are from one article
    assert source.value.count("\n> ") == 2, "the second citation is kept"
    assert bot.engine.base.facts["leica-country"].brands == ("leica", "xiaomi")
    [entry] = [json.loads(line) for line in audit_lines(mod_kb[1])]
    assert entry["before"]["answer"] == "Leica is a German camera maker."


async def test_a_form_opened_on_the_served_fact_never_overwrites_a_newer_stored_one(
    simcord_env, channel, moderator, mod_store
):
    # Another process changed the fact; the watcher has not served it yet.
    mod_store.edit_fact("leica-country", {"answer": "Newer."}, base_version=None, actor="ann")
    shown = await moderator.slash(channel, "fact edit", fact="leica-country")
    assert prefilled(shown.modal)["answer"] == "Leica is a German camera maker.", "as served"
    preview = await moderator.submit_modal(shown, {**prefilled(shown.modal), "answer": "Mine."})

    await moderator.click(preview.response, label="Save")

    message = stored(simcord_env, preview)
    assert message.content.startswith("Not saved: fact `leica-country` was changed by someone")
    assert "(edit of fact leica-country by ann, " in message.content
    assert embeds_of(message)[0].fields[0].value == "Mine.", "the typed text stays"
    assert mod_store.fact_record("leica-country")["answer"] == "Newer."
    again = await moderator.click(preview.response, label="Edit the new version")
    assert prefilled(again.modal)["answer"] == "Newer."
    redo = await moderator.submit_modal(again, {**prefilled(again.modal), "answer": "Mine, now."})
    await moderator.click(redo.response, label="Save")
    assert mod_store.fact_record("leica-country")["answer"] == "Mine, now."


async def test_after_a_stale_save_the_new_version_opens_without_waiting(
    simcord_env, channel, moderator, mod_store, held_knowledge_lock, held_store_lock
):
    shown = await moderator.slash(channel, "fact edit", fact="leica-country")
    preview = await moderator.submit_modal(shown, {**prefilled(shown.modal), "answer": "Mine."})
    mod_store.edit_fact("leica-country", {"answer": "Theirs."}, base_version=None, actor="bo")
    await moderator.click(preview.response, label="Save")
    assert labels(stored(simcord_env, preview)) == ["Edit the new version", "Cancel"]
    held = (held_knowledge_lock, held_store_lock)
    for gate in held:
        gate.hold()

    again = await moderator.click(preview.response, label="Edit the new version")

    assert again.acknowledged
    assert prefilled(again.modal)["answer"] == "Theirs."
    redo = await moderator.submit_modal(again, {**prefilled(again.modal), "answer": "Mine, again."})
    assert redo.acknowledged
    assert redo.response.id == preview.response.id
    saved = await moderator.click(redo.response, label="Save")
    assert saved.acknowledged
    await release(held)
    assert stored(simcord_env, preview).content.startswith("Saved fact `leica-country`")
    assert mod_store.fact_record("leica-country")["answer"] == "Mine, again."


async def test_remove_answers_before_reading_the_store_and_confirms_after(
    simcord_env, channel, moderator, mod_kb, bot, held
):
    asked = await moderator.slash(channel, "fact remove", fact="leica-country")

    assert asked.acknowledged
    assert asked.deferred
    assert asked.ephemeral
    assert held[1].waited == 1

    await held[1].release()

    assert asked.response.content == "Remove fact `leica-country`?"
    assert labels(asked.response) == ["Remove", "Cancel"]
    removed = await moderator.click(asked.response, label="Remove")
    assert removed.acknowledged
    assert held[0].waited == 1
    await held[0].release()
    assert stored(simcord_env, asked).content == render.removed_text("leica-country")
    assert "leica-country" not in bot.engine.base.facts


async def test_undo_answers_before_reading_the_audit_log_and_undoes_after(
    simcord_env, channel, moderator, mod_store, held_knowledge_lock, held_store_lock
):
    mod_store.edit_fact("leica-country", {"answer": "Changed."}, base_version=None, actor="ann")
    held = (held_knowledge_lock, held_store_lock)
    for gate in held:
        gate.hold()

    confirm = await moderator.slash(channel, "kb undo")

    assert confirm.acknowledged
    assert confirm.ephemeral
    assert held_store_lock.waited == 1
    await held_store_lock.release()
    assert only_embed(confirm.response).title == "Undo the edit of fact leica-country?"
    undone = await moderator.click(confirm.response, label="Undo")
    assert undone.acknowledged
    assert held_knowledge_lock.waited == 1
    await held_knowledge_lock.release()
    assert stored(simcord_env, confirm).content.startswith(
        "Undone: the edit of fact `leica-country`."
    )
    assert mod_store.fact_record("leica-country")["answer"] == "Leica is a German camera maker."


async def test_gaps_answers_before_waiting_for_the_reload(
    simcord_env, channel, moderator, alice, held_knowledge_lock
):
    await alice.slash(channel, "ask", question="What sensor does the Leitz Phone 3 use?")
    held_knowledge_lock.hold()

    listed = await moderator.slash(channel, "kb gaps")

    assert listed.acknowledged
    assert listed.ephemeral
    assert held_knowledge_lock.waited == 1
    await held_knowledge_lock.release()
    lines = only_embed(listed.response).description.splitlines()
    assert lines[0].startswith("**1.** What sensor does the Leitz Phone 3 use? — asked 1×")
    opened = await moderator.click(
        listed.response, label="1. What sensor does the Leitz Phone 3 use?"
    )
    assert prefilled(opened.modal)["question"] == "What sensor does the Leitz Phone 3 use?"


@pytest.mark.parametrize("command", ["fact show", "fact history"])
async def test_show_and_history_answer_before_reading_the_store(
    simcord_env, channel, moderator, held_store_lock, command
):
    held_store_lock.hold()

    result = await moderator.slash(channel, command, fact="leica-country")

    assert result.acknowledged
    assert result.ephemeral
    assert held_store_lock.waited == 1
    await held_store_lock.release()
    assert only_embed(result.response).title in ("Fact leica-country", "History of leica-country")
