"""Who may moderate, what is logged, autocomplete, and the forms' and buttons' Discord limits."""

from __future__ import annotations

import logging

import discord
import pytest
import simcord
from discord import app_commands

from bot.state.gaps import Gap
from commands.moderation._forms import INPUT_MAX, EditTarget, FactDraft
from commands.moderation._views import FactFlow, FactModal, GapsView
from commands.ui import render as _render
from tests.helpers.discord_checks import callbacks_since
from tests.helpers.moderation import (
    audit_lines,
    fact_form,
    knowledge_files,
    menu_id,
    modal_inputs,
    reply,
)


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


REFUSED = [
    ("fact add", {}),
    ("fact show", {"fact": "leica-country"}),
    ("fact remove", {"fact": "leica-country"}),
    ("kb undo", {}),
    ("kb redo", {}),
    ("kb validate", {}),
    ("kb gaps", {}),
    ("kb stats", {}),
    ("kb stale", {}),
    ("kb coverage", {}),
    ("source add", {"title": "T", "date": "2022-05-23", "text": ("a.txt", b"Some text.")}),
]


@pytest.mark.parametrize(("command", "options"), REFUSED)
async def test_a_member_who_is_not_a_moderator_is_refused_and_nothing_changes(
    simcord_env, channel, helper, mod_kb, caplog, command, options
):
    caplog.set_level(logging.INFO, logger="commands.moderation._base")
    before = knowledge_files(mod_kb[0])
    mark = len(simcord_env.http_requests)

    result = await helper.slash(channel, command, **options)

    assert result.acknowledged
    assert result.ephemeral
    assert result.modal is None
    assert result.response.content == _render.NO_PERMISSION
    assert len(callbacks_since(simcord_env, mark)) == 1
    assert knowledge_files(mod_kb[0]) == before
    assert audit_lines(mod_kb[1]) == []
    [record] = [r for r in caplog.records if r.name == "commands.moderation._base"]
    assert record.levelno == logging.WARNING
    assert str(helper.id) in record.getMessage()
    assert f"/{command}" in record.getMessage()
    assert [type(e) for e in simcord_env.errors] == [app_commands.MissingPermissions]


async def test_the_commands_are_hidden_from_plain_members(simcord_env, channel, alice, bot):
    for command in ("fact add", "kb validate", "source add"):
        with pytest.raises(simcord.SetupError):
            await alice.slash(channel, command)


async def test_manage_server_and_a_moderator_role_both_pass_and_are_logged(
    simcord_env, channel, manager, moderator, caplog
):
    caplog.set_level(logging.INFO, logger="commands.moderation._base")
    for member in (manager, moderator):
        caplog.clear()

        shown = await member.slash(channel, "fact add")
        shown_kb = await member.slash(channel, "kb validate")

        assert shown.modal is not None
        assert shown.modal["title"] == "Add a fact"
        assert reply(shown_kb).embeds[0].title == "knowledge/ is valid"
        records = [r for r in caplog.records if r.name == "commands.moderation._base"]
        assert [r.levelno for r in records] == [logging.INFO, logging.INFO]
        assert f"moderation: /fact add by user {member.id} " in records[0].getMessage()
        assert f"moderation: /kb validate by user {member.id} " in records[1].getMessage()
    assert simcord_env.errors == []


async def test_a_moderator_who_loses_the_role_cannot_save_an_open_form(
    simcord_env, guild, channel, bot, moderator, mod_kb
):
    shown = await moderator.slash(channel, "fact add")
    preview = await moderator.submit_modal(shown, fact_form())
    from tests.helpers.discord_checks import use_settings

    use_settings(bot, moderator_role_ids=frozenset())

    pressed = await moderator.click(preview.response, label="Save")

    assert pressed.ephemeral
    assert pressed.response.content == _render.NO_PERMISSION
    assert audit_lines(mod_kb[1]) == []


async def test_a_moderator_who_loses_the_role_cannot_add_a_phrasing(
    simcord_env, channel, bot, moderator, alice, mod_kb
):
    await alice.slash(channel, "ask", question="how many summers did huawei and leica share")
    listed = await moderator.slash(channel, "kb gaps")
    chooser = await moderator.select(
        listed.response, ["0"], custom_id=menu_id(listed.response, "Add a question")
    )
    from tests.helpers.discord_checks import use_settings

    use_settings(bot, moderator_role_ids=frozenset())
    before = knowledge_files(mod_kb[0])
    pressed = await moderator.select(
        chooser.response, ["huawei-leica-duration"], custom_id=menu_id(chooser.response, "The")
    )

    assert pressed.response.content == _render.NO_PERMISSION
    assert knowledge_files(mod_kb[0]) == before
    assert audit_lines(mod_kb[1]) == []


# Autocomplete of fact ids


@pytest.mark.parametrize("command", ["fact edit", "fact remove", "fact show", "fact history"])
async def test_fact_ids_autocomplete_with_at_most_25_valid_choices(
    simcord_env, channel, moderator, bot, command
):
    everything = await moderator.autocomplete(channel, command, "fact", "")
    leica = await moderator.autocomplete(channel, command, "fact", "leica")
    by_question = await moderator.autocomplete(channel, command, "fact", "wher is leica frm")

    facts = bot.engine.base.facts
    assert 0 < len(everything) <= 25
    assert len(everything) == min(25, len(facts))
    for choices in (everything, leica, by_question):
        assert len(choices) <= 25
        for choice in choices:
            assert choice["value"] in facts
            assert 1 <= len(choice["name"]) <= 100
            assert len(choice["value"]) <= 100
    assert leica[0]["value"].startswith("leica")
    assert "leica-country" in [c["value"] for c in by_question]


async def test_autocomplete_offers_nothing_to_members_who_are_not_moderators(
    simcord_env, channel, helper
):
    assert await helper.autocomplete(channel, "fact show", "fact", "") == []


async def test_free_text_works_and_an_unknown_id_gets_a_did_you_mean(
    simcord_env, channel, moderator
):
    typed = await moderator.slash(channel, "fact show", fact="leica-country")
    unknown = await moderator.slash(channel, "fact show", fact="leica-contry")
    nothing = await moderator.slash(channel, "fact edit", fact="zzzz")

    assert typed.response.embeds[0].title == "Fact leica-country"
    assert unknown.ephemeral
    assert unknown.response.content.startswith("There is no fact with id `leica-contry`.")
    assert "`leica-country`" in unknown.response.content
    assert nothing.ephemeral
    assert nothing.modal is None
    assert nothing.response.content.startswith("There is no fact with id `zzzz`.")


# Limits of the forms and buttons


def _modal_problems(modal: FactModal) -> list[str]:
    data = modal.to_dict()
    problems = []
    if not 1 <= len(data["title"]) <= 45:
        problems.append(f"title of {len(data['title'])}")
    if len(data["custom_id"]) > 100:
        problems.append("modal custom_id over 100")
    inputs = modal_inputs(data)
    if not 1 <= len(inputs) <= 5:
        problems.append(f"{len(inputs)} inputs")
    for item in inputs:
        if not 1 <= len(item["label"]) <= 45:
            problems.append(f"label {item['label']!r}")
        if item["description"] and len(item["description"]) > 100:
            problems.append(f"description of {item['custom_id']}")
        if not 1 <= len(item["custom_id"]) <= 100:
            problems.append("input custom_id")
        if not 1 <= item.get("max_length", 4000) <= 4000:
            problems.append(f"max_length of {item['custom_id']}")
        if len(item.get("value") or "") > item.get("max_length", 4000):
            problems.append(f"pre-filled {item['custom_id']} over its max_length")
    return problems


async def test_the_fact_form_fits_discords_limits(simcord_env, bot):
    cog = bot.get_cog("Facts")
    long_id = "a-fact-id-" + "x" * 53
    huge = FactDraft(*(["y" * (INPUT_MAX + 500)] * 5))
    forms = [
        FactModal(cog, FactFlow(1, FactDraft()), replace=False),
        FactModal(cog, FactFlow(1, huge, EditTarget(long_id, "v", {})), replace=True),
    ]
    assert len(forms[1].title) == 45
    for form in forms:
        assert _modal_problems(form) == []
    broken = FactModal(cog, FactFlow(1, FactDraft()), replace=False)
    broken.title = "t" * 46
    assert _modal_problems(broken) == ["title of 46"], "the check itself can fail"


async def test_the_gaps_buttons_fit_discords_limits(simcord_env, bot):
    cog = bot.get_cog("Facts")
    gaps = [Gap(f"{n} " + "why " * 100 + "?", 30 - n, "2024-01-01", f"k{n}") for n in range(30)]
    view = GapsView(cog, 1, gaps)
    rows = view.to_components()
    items = [c for row in rows for c in row["components"]]
    buttons = [c for c in items if c["type"] == discord.ComponentType.button.value]
    menus = [c for c in items if c["type"] == discord.ComponentType.select.value]
    assert [m["placeholder"].split(" ")[0] for m in menus] == ["Dismiss", "Add"]
    assert len(rows) == 5
    assert all(len(row["components"]) <= 5 for row in rows)
    assert len(buttons) == 12, "10 questions a page, then Previous and Next"
    assert [b["label"] for b in buttons[-2:]] == ["◀ Previous", "Next ▶"]
    assert all(1 <= len(b["label"]) <= 80 for b in buttons)
    assert all(len(b["custom_id"]) <= 100 for b in items)
    assert all("why" not in b["custom_id"] for b in items), "no user text in custom_ids"
    for menu in menus:
        assert len(menu["options"]) == 10
        assert all(1 <= len(o["label"]) <= 100 and "why" not in o["value"] for o in menu["options"])
    assert buttons[0]["label"].startswith("1. 0 why")
