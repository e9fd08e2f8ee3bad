"""/kb stale end to end: facts a newer source about their pair may overtake, for moderators."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import discord
import pytest

from tests.helpers.moderation import knowledge_files, reply, stored

LATER = Path(__file__).resolve().parents[2] / "data" / "later"


@pytest.fixture
def mod_kb(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the fictional later base: the shipped one and two later articles."""
    root = tmp_path / "knowledge"
    shutil.copytree(LATER, root)
    return root, tmp_path / "state"


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


def answer_text(result) -> str:
    """An /ask reply's text (content or embed)."""
    return result.response.content or result.response.embeds[0].description


async def test_stale_lists_facts_with_what_is_newer(simcord_env, channel, moderator):
    result = await moderator.slash(channel, "kb stale")

    messages = [result.response, *result.followups]
    assert all(message.ephemeral for message in messages)
    assert all(len(message.content) <= 2000 for message in messages)
    lines = [line for message in messages for line in message.content.splitlines()]
    first_phone = next(line for line in lines if "xiaomi-leica-first-phone-name" in line)
    assert "cites 23 May 2022" in first_phone
    assert "as of 14 December 2022, Xiaomi works with Leica" in first_phone
    latest = next(line for line in lines if "xiaomi-latest-partner" in line)
    assert "oppo-hasselblad" in latest  # "latest" is judged over every source
    assert not any("lei-jun-role" in line for line in lines)  # one brand, no "only" or "latest"


async def test_a_stale_fact_yields_to_the_records_when_asked(simcord_env, channel, alice):
    result = await alice.slash(
        channel, "ask", question="was the xiaomi 12 ultra the first leica phone?"
    )

    text = result.response.content or result.response.embeds[0].description
    assert "Yes" not in text.split(".")[0]
    assert "the first phone of the Xiaomi–Leica partnership was the Xiaomi 12S Ultra" in text


def _menu(message) -> dict:
    [menu] = [
        item
        for row in message.components
        for item in row["components"]
        if item["type"] == discord.ComponentType.select.value
    ]
    return menu


async def test_a_fact_reviewed_still_true_leaves_the_list_and_its_answer_the_note(
    simcord_env, channel, moderator, alice, mod_log, mod_kb
):
    question = "what does the xiaomi leica partnership cover?"
    before = await alice.slash(channel, "ask", question=question)
    assert "Since then, as of 14 December 2022" in answer_text(before)

    listed = await moderator.slash(channel, "kb stale")
    menu_message = listed.followups[-1]
    assert menu_message.ephemeral
    assert menu_message.content.startswith("Checked one against the newer sources")
    offered = [option["value"] for option in _menu(menu_message)["options"]]
    assert "xiaomi-leica-scope" in offered
    files = knowledge_files(mod_kb[0])

    chosen = await moderator.select(
        menu_message, ["xiaomi-leica-scope"], custom_id=_menu(menu_message)["custom_id"]
    )

    said = chosen.followups[0]
    assert said.ephemeral
    assert said.content.startswith(
        "You reviewed `xiaomi-leica-scope` as still true against the sources up to 14 December 2022"
    )
    left = [o["value"] for o in _menu(stored(simcord_env, chosen))["options"]]
    assert "xiaomi-leica-scope" not in left
    assert len(left) == len(offered) - 1
    [line] = [m.content for m in mod_log.history()]
    assert line.startswith(f"<@{moderator.id}> reviewed `xiaomi-leica-scope` as still true")
    # The state backend keeps who and against what; the knowledge files are untouched.
    kept = json.loads((mod_kb[1] / "values.json").read_text())["stale.reviewed"]
    assert kept["xiaomi-leica-scope"]["against"] == "2022-12-14"
    assert kept["xiaomi-leica-scope"]["by"] == f"{moderator.name} (discord {moderator.id})"
    assert knowledge_files(mod_kb[0]) == files
    after = await alice.slash(channel, "ask", question=question)
    assert "Since then" not in answer_text(after)
    history = await moderator.slash(channel, "fact history", fact="xiaomi-leica-scope")
    description = reply(history).embeds[0].description
    assert description.startswith("Last reviewed as still true ")
    assert "against the sources up to 14 December 2022." in description
    again = await moderator.slash(channel, "kb stale")
    assert not any("xiaomi-leica-scope" in m.content for m in again.followups[:-1])


async def test_a_review_from_another_process_reaches_the_answers_at_the_next_watch_turn(
    simcord_env, channel, alice, bot, mod_kb
):
    from bot.runtime.worklists import review_stale

    question = "what does the xiaomi leica partnership cover?"
    review_stale(bot.store, "xiaomi-leica-scope", actor="cli")  # as `camerabot kb stale review`
    await bot.watch_knowledge()
    after = await alice.slash(channel, "ask", question=question)
    assert "Since then" not in answer_text(after)


async def test_a_moderator_who_loses_the_role_cannot_review(
    simcord_env, channel, bot, moderator, mod_kb
):
    from commands.ui import render as ui_render
    from tests.helpers.discord_checks import use_settings

    listed = await moderator.slash(channel, "kb stale")
    menu_message = listed.followups[-1]
    use_settings(bot, moderator_role_ids=frozenset())
    pressed = await moderator.select(
        menu_message, ["xiaomi-leica-scope"], custom_id=_menu(menu_message)["custom_id"]
    )
    assert pressed.response.content == ui_render.NO_PERMISSION
    assert not (mod_kb[1] / "values.json").exists()
