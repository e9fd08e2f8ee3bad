"""/brand, /partnership and /source show|edit|remove end to end: forms, refusals, undo and redo."""

from __future__ import annotations

import json
import logging

import pytest
import simcord
from discord import app_commands

from commands.moderation._records import RecordFlow, RecordModal
from commands.ui import render as _render
from tests.commands.moderation.test_access import _modal_problems
from tests.helpers.discord_checks import only_embed
from tests.helpers.moderation import (
    SOURCE,
    audit_lines,
    embeds_of,
    knowledge_files,
    labels,
    prefilled,
    reply,
    stored,
)


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


OPPO_ARTICLE = (
    "Oppo has partnered with Hasselblad for the cameras of its Find X6 phones, the company "
    "announced today. The Find X6 Pro carries the Hasselblad name on its camera module.\n"
)
OPPO_SOURCE = "oppo-teams-up-with-hasselblad"
OPPO_QUOTE = "Oppo has partnered with Hasselblad for the cameras of its Find X6 phones"
BRAND_FORM = {
    "name": "Oppo",
    "country": "China",
    "aliases": "OPPO",
    "devices": "Oppo Find X6 Pro = Find X6 Pro, X6 Pro",
    "people": "",
}
PARTNERSHIP_FORM = {
    "details": "status: active\nsince: \nperiod: \nfirst_phone_due: ",
    "devices": "Oppo Find X6 Pro",
    "reported_devices": "",
    "summary": "Oppo works with Hasselblad on the cameras of its Find X6 phones.",
    "citations": f"{OPPO_SOURCE} | {OPPO_QUOTE}",
}


async def add_oppo_source(member, channel):
    """/source add with the article pasted in the form."""
    shown = await member.slash(channel, "source add")
    assert set(prefilled(shown.modal)) == {"title", "date", "url", "id", "text"}
    values = {
        "title": "Oppo teams up with Hasselblad",
        "date": "2023-03-21",
        "url": "https://example.com/oppo",
        "text": OPPO_ARTICLE,
    }
    return await member.submit_modal(shown, values)


async def add_oppo(member, channel):
    """/brand add oppo, the form filled."""
    shown = await member.slash(channel, "brand add", id="oppo", kind="phone_maker")
    return await member.submit_modal(shown, BRAND_FORM)


async def add_oppo_hasselblad(member, channel, **changes: str):
    """/partnership add oppo hasselblad, the form filled."""
    shown = await member.slash(
        channel, "partnership add", phone_maker="oppo", camera_maker="hasselblad"
    )
    return await member.submit_modal(shown, {**PARTNERSHIP_FORM, **changes})


async def undo(member, channel, env, *, redo: bool = False):
    """/kb undo (or redo), confirmed: the confirmation's stored message."""
    command, label = ("kb redo", "Redo") if redo else ("kb undo", "Undo")
    confirm = await member.slash(channel, command)
    await member.click(confirm.response, label=label)
    return stored(env, confirm)


# A later article, from /source add to right answers


async def test_a_pasted_source_a_brand_and_a_partnership_make_the_answers_right(
    simcord_env, channel, moderator, mod_log, mod_kb
):
    before = await moderator.slash(channel, "partner", brand="Oppo")
    assert "know a brand called" in reply(before).content

    added = await add_oppo_source(moderator, channel)
    assert reply(added).content.startswith(f"Added source `{OPPO_SOURCE}`")
    assert (mod_kb[0] / "sources" / f"{OPPO_SOURCE}.txt").read_text() == OPPO_ARTICLE
    brand = await add_oppo(moderator, channel)
    assert reply(brand).content.startswith("Added brand `oppo` in `brands.yaml`")
    pair = await add_oppo_hasselblad(moderator, channel)
    assert reply(pair).content.startswith(
        "Added partnership `oppo-hasselblad` in `partnerships.yaml`"
    )

    partner = await moderator.slash(channel, "partner", brand="Oppo")
    assert "Hasselblad" in only_embed(reply(partner)).description
    asked = await moderator.slash(channel, "ask", question="who does hasselblad work with?")
    text = only_embed(reply(asked)).description
    assert "Oppo" in text
    assert "OnePlus" in text
    entries = [json.loads(line) for line in audit_lines(mod_kb[1])]
    assert [(e["action"], e["kind"], e[f"{e['kind']}_id"]) for e in entries] == [
        ("add-source", "source", OPPO_SOURCE),
        ("add", "brand", "oppo"),
        ("add", "partnership", "oppo-hasselblad"),
    ]
    assert all(f"(discord {moderator.id})" in e["actor"] for e in entries)
    assert entries[1]["after"]["devices"] == [
        {"name": "Oppo Find X6 Pro", "aliases": ["Find X6 Pro", "X6 Pro"]}
    ]
    assert [m.content for m in mod_log.history()] == [
        f"<@{moderator.id}> added source `{OPPO_SOURCE}`",
        f"<@{moderator.id}> added brand `oppo`",
        f"<@{moderator.id}> added partnership `oppo-hasselblad`",
    ]


# /brand


async def test_brand_add_show_undo_redo(simcord_env, channel, moderator, mod_log, mod_kb):
    await add_oppo(moderator, channel)

    shown = await moderator.slash(channel, "brand show", brand="oppo")
    embed = only_embed(reply(shown))
    assert embed.title == "Brand oppo"
    assert "name: Oppo\n" in embed.description
    assert "kind: phone_maker" in embed.description
    assert embed.footer.text.startswith("brands.yaml · version ")

    undone = await undo(moderator, channel, simcord_env)
    assert undone.content.startswith("Undone: the add of brand `oppo`")
    assert "id: oppo\n" not in (mod_kb[0] / "brands.yaml").read_text(encoding="utf-8")
    gone = await moderator.slash(channel, "brand show", brand="oppo")
    assert reply(gone).content.startswith("There is no brand `oppo`")

    redone = await undo(moderator, channel, simcord_env, redo=True)
    assert redone.content.startswith("Redone: the add of brand `oppo`")
    partner = await moderator.slash(channel, "partner", brand="Oppo")
    assert "know a brand called" not in (reply(partner).content or "")
    assert [m.content for m in mod_log.history()][-2:] == [
        f"<@{moderator.id}> undid the add of brand `oppo`",
        f"<@{moderator.id}> redid the add of brand `oppo`",
    ]


async def test_brand_edit_is_prefilled_saves_and_undoes(
    simcord_env, channel, moderator, mod_log, mod_kb
):
    shown = await moderator.slash(channel, "brand edit", brand="xiaomi")

    form = prefilled(shown.modal)
    assert form["name"] == "Xiaomi"
    assert form["devices"].splitlines()[0] == "Xiaomi 12 Ultra = 12 Ultra"
    assert form["people"] == (
        "Lei Jun | founder and CEO | article-2022-05-23 | Lei Jun, Xiaomi’s founder and CEO said."
    )
    saved = await moderator.submit_modal(shown, {**form, "country": "China"})

    assert reply(saved).content.startswith("Edited brand `xiaomi` in `brands.yaml`")
    entries = [json.loads(line) for line in audit_lines(mod_kb[1])]
    assert entries[-1]["before"].get("country") is None
    assert entries[-1]["after"]["country"] == "China"
    assert entries[-1]["after"]["people"] == entries[-1]["before"]["people"], "people kept"
    assert mod_log.history()[-1].content == f"<@{moderator.id}> edited brand `xiaomi`"

    await undo(moderator, channel, simcord_env)
    shown = await moderator.slash(channel, "brand show", brand="xiaomi")
    assert "country" not in only_embed(reply(shown)).description
    await undo(moderator, channel, simcord_env, redo=True)
    shown = await moderator.slash(channel, "brand show", brand="xiaomi")
    assert "country: China" in only_embed(reply(shown)).description


async def test_history_lists_the_changes_of_each_kind_newest_first(
    simcord_env, channel, moderator, mod_kb
):
    await add_oppo(moderator, channel)
    shown = await moderator.slash(channel, "brand edit", brand="oppo")
    await moderator.submit_modal(shown, {**prefilled(shown.modal), "country": ""})

    history = only_embed(reply(await moderator.slash(channel, "brand history", brand="oppo")))

    assert history.title == "History of brand oppo"
    edit, add = history.fields
    assert edit.name.endswith("· edit")
    assert edit.value == "**country**: China → —"
    assert add.name.endswith("· add")
    assert add.value == "added: Oppo"
    assert history.footer.text == "2 changes, newest first"
    pairs = only_embed(
        reply(await moderator.slash(channel, "partnership history", partnership="vivo-zeiss"))
    )
    assert pairs.title == "History of partnership vivo-zeiss"
    assert pairs.description.startswith("No recorded changes")


async def test_an_unchanged_form_saves_nothing(simcord_env, channel, moderator, mod_kb):
    before = knowledge_files(mod_kb[0])
    shown = await moderator.slash(channel, "brand edit", brand="leica")
    saved = await moderator.submit_modal(shown, prefilled(shown.modal))
    assert reply(saved).content == "Nothing to save: brand `leica` already says that."
    assert knowledge_files(mod_kb[0]) == before


# /partnership


async def test_partnership_edit_show_undo_redo(simcord_env, channel, moderator, mod_log, mod_kb):
    shown = await moderator.slash(channel, "partnership edit", partnership="xiaomi-leica")
    form = prefilled(shown.modal)
    assert form["details"] == ("status: announced\nsince: 2022\nperiod: \nfirst_phone_due: 2022-07")
    assert form["reported_devices"] == "Xiaomi 12 Ultra"
    assert len(form["citations"].splitlines()) == 3

    details = form["details"].replace("announced", "active")
    saved = await moderator.submit_modal(
        shown, {**form, "details": details, "devices": "Xiaomi 12S Ultra"}
    )

    assert reply(saved).content.startswith("Edited partnership `xiaomi-leica`")
    record = only_embed(
        reply(await moderator.slash(channel, "partnership show", partnership="xiaomi-leica"))
    ).description
    assert "status: active" in record
    assert "- Xiaomi 12S Ultra" in record
    assert mod_log.history()[-1].content == f"<@{moderator.id}> edited partnership `xiaomi-leica`"

    undone = await undo(moderator, channel, simcord_env)
    assert undone.content.startswith("Undone: the edit of partnership `xiaomi-leica`")
    record = only_embed(
        reply(await moderator.slash(channel, "partnership show", partnership="xiaomi-leica"))
    ).description
    assert "status: announced" in record
    assert "Xiaomi 12S Ultra" not in record
    await undo(moderator, channel, simcord_env, redo=True)
    record = only_embed(
        reply(await moderator.slash(channel, "partnership show", partnership="xiaomi-leica"))
    ).description
    assert "status: active" in record


async def test_partnership_add_undo_redo(simcord_env, channel, moderator, mod_kb):
    await add_oppo_source(moderator, channel)
    await add_oppo(moderator, channel)
    await add_oppo_hasselblad(moderator, channel)

    undone = await undo(moderator, channel, simcord_env)
    assert undone.content.startswith("Undone: the add of partnership `oppo-hasselblad`")
    assert "oppo-hasselblad" not in (mod_kb[0] / "partnerships.yaml").read_text(encoding="utf-8")
    redone = await undo(moderator, channel, simcord_env, redo=True)
    assert redone.content.startswith("Redone: the add of partnership `oppo-hasselblad`")
    shown = await moderator.slash(channel, "partnership show", partnership="oppo-hasselblad")
    assert "- Oppo Find X6 Pro" in only_embed(reply(shown)).description


async def test_a_refused_quote_offers_the_nearest_passage_in_one_click(
    simcord_env, channel, moderator, mod_kb
):
    shown = await moderator.slash(channel, "partnership edit", partnership="oneplus-hasselblad")
    form = prefilled(shown.modal)
    # The article spells it "Hassleblad"; typed right and in lower case, it is not word for word.
    typed = "currently, oneplus has a multi-year partnership with swedish brand hasselblad"
    before = knowledge_files(mod_kb[0])

    refused = await moderator.submit_modal(shown, {**form, "citations": f"{SOURCE} | {typed}"})

    message = simcord_env.backend.get_message(reply(refused).channel_id, reply(refused).id)
    passage = "Currently, OnePlus has a multi-year partnership with Swedish brand Hassleblad"
    assert message.content.startswith(f"Did you mean: “{passage}")
    [problems] = embeds_of(message)
    assert problems.title.startswith("Not saved")
    assert "not word for word" in problems.description
    assert labels(message) == ["Use the nearest passage and save", "Edit again", "Cancel"]
    assert knowledge_files(mod_kb[0]) == before

    accepted = await moderator.click(reply(refused), label="Use the nearest passage and save")

    assert accepted.acknowledged
    message = simcord_env.backend.get_message(reply(refused).channel_id, reply(refused).id)
    assert message.content.startswith("Edited partnership `oneplus-hasselblad`")
    entry = json.loads(audit_lines(mod_kb[1])[-1])
    assert entry["after"]["citations"][0]["quote"].startswith(passage)


async def test_bad_input_is_answered_privately_and_edit_again_keeps_it(
    simcord_env, channel, moderator, mod_kb
):
    before = knowledge_files(mod_kb[0])
    shown = await moderator.slash(channel, "partnership edit", partnership="vivo-zeiss")
    typed = {**prefilled(shown.modal), "details": "status: finished\nwhen: soon"}

    refused = await moderator.submit_modal(shown, typed)

    message = reply(refused)
    assert message.ephemeral
    [problems] = message.embeds
    assert "details line 'when: soon' must be" in problems.description
    assert knowledge_files(mod_kb[0]) == before
    reopened = await moderator.click(message, label="Edit again")
    assert prefilled(reopened.modal) == typed, "nothing typed is lost"

    wrong_status = {**typed, "details": "status: finished"}
    again = await moderator.submit_modal(reopened, wrong_status)
    problems = embeds_of(simcord_env.backend.get_message(message.channel_id, message.id))[0]
    assert "status" in problems.description
    assert "finished" in problems.description
    assert again.acknowledged
    assert knowledge_files(mod_kb[0]) == before
    assert audit_lines(mod_kb[1]) == []


async def test_a_record_changed_since_the_form_opened_is_not_overwritten(
    simcord_env, channel, moderator, mod_store, mod_kb
):
    shown = await moderator.slash(channel, "brand edit", brand="zeiss")
    mod_store.records.edit("brand", "zeiss", {"country": "Germany"}, base_version=None, actor="x")

    stale = await moderator.submit_modal(shown, {**prefilled(shown.modal), "name": "ZEISS"})

    message = reply(stale)
    assert message.content.startswith(
        "Not saved: brand `zeiss` was changed by someone else since you opened it."
    )
    assert labels(message) == ["Edit the new version", "Cancel"]
    assert mod_store.records.record("brand", "zeiss")["name"] == "Zeiss"
    reopened = await moderator.click(message, label="Edit the new version")
    assert prefilled(reopened.modal)["country"] == "Germany"
    saved = await moderator.submit_modal(reopened, {**prefilled(reopened.modal), "name": "ZEISS"})
    assert saved.acknowledged
    record = mod_store.records.record("brand", "zeiss")
    assert (record["name"], record["country"]) == ("ZEISS", "Germany"), "both changes kept"


# /source


async def test_a_pasted_source_with_a_bad_date_is_refused_and_kept(
    simcord_env, channel, moderator, mod_kb
):
    before = knowledge_files(mod_kb[0])
    shown = await moderator.slash(channel, "source add", title="Prefilled")
    assert prefilled(shown.modal)["title"] == "Prefilled"
    typed = {"title": "Oppo", "date": "21 March 2023", "url": "", "id": "", "text": OPPO_ARTICLE}

    refused = await moderator.submit_modal(shown, typed)

    message = reply(refused)
    assert message.ephemeral
    assert "date" in message.embeds[0].description
    assert knowledge_files(mod_kb[0]) == before
    reopened = await moderator.click(message, label="Edit again")
    assert prefilled(reopened.modal) == typed
    saved = await moderator.submit_modal(reopened, {**typed, "date": "2023-03-21"})
    assert saved.acknowledged
    added = simcord_env.backend.get_message(message.channel_id, message.id)
    assert added.content.startswith("Added source `oppo`")


async def test_source_show_pages_the_text_privately(simcord_env, channel, moderator, mod_store):
    long_text = "".join(f"Sentence number {n} of a long article.\n" for n in range(200))
    mod_store.add_source("long", "A long article", "2023-01-02", "", long_text, actor="x")
    shown = await moderator.slash(channel, "source show", source="long")

    message = reply(shown)
    assert message.ephemeral
    embed = only_embed(message)
    assert embed.title == "A long article"
    assert "Sentence number 0 of a long article." in embed.description
    assert embed.footer.text.startswith("long · page 1 of 5")
    assert labels(message) == ["◀ Previous", "Next ▶"]

    await moderator.click(message, label="Next ▶")
    page_two = embeds_of(simcord_env.backend.get_message(message.channel_id, message.id))[0]
    assert page_two.footer.text.startswith("long · page 2 of 5")
    assert "Sentence number 0 of" not in page_two.description


async def test_source_edit_undo_redo(simcord_env, channel, moderator, mod_log, mod_kb):
    shown = await moderator.slash(channel, "source edit", source=SOURCE)
    form = prefilled(shown.modal)
    title = "Xiaomi partners with Leica, the latest phone maker to team up with a camera maker"
    assert form == {
        "title": title,
        "date": "2022-05-23",
        "url": "",
    }
    saved = await moderator.submit_modal(shown, {**form, "url": "https://example.com/a"})
    assert reply(saved).content.startswith(f"Edited source `{SOURCE}` in `sources.yaml`")
    listed = await moderator.slash(channel, "sources")
    assert "(https://example.com/a)" in only_embed(reply(listed)).description, "/sources links it"

    await undo(moderator, channel, simcord_env)
    assert 'url: ""' in (mod_kb[0] / "sources.yaml").read_text(encoding="utf-8")
    await undo(moderator, channel, simcord_env, redo=True)
    assert "url: https://example.com/a" in (mod_kb[0] / "sources.yaml").read_text(encoding="utf-8")
    assert mod_log.history()[0].content == f"<@{moderator.id}> edited source `{SOURCE}`"


async def test_source_remove_is_refused_naming_what_cites_it(
    simcord_env, channel, moderator, mod_kb
):
    before = knowledge_files(mod_kb[0])
    asked = await moderator.slash(channel, "source remove", source=SOURCE)
    confirm = reply(asked)
    await moderator.click(confirm, label="Remove")
    [problems] = embeds_of(simcord_env.backend.get_message(confirm.channel_id, confirm.id))
    assert f"source '{SOURCE}' is still cited by the partnerships" in problems.description
    assert "xiaomi-leica" in problems.description
    assert knowledge_files(mod_kb[0]) == before


async def test_source_remove_then_undo_puts_the_text_back(
    simcord_env, channel, moderator, mod_log, mod_kb
):
    await add_oppo_source(moderator, channel)
    text = (mod_kb[0] / "sources" / f"{OPPO_SOURCE}.txt").read_bytes()
    asked = await moderator.slash(channel, "source remove", source=OPPO_SOURCE)
    confirm = reply(asked)
    await moderator.click(confirm, label="Remove")
    removed = simcord_env.backend.get_message(confirm.channel_id, confirm.id)
    assert removed.content.startswith(f"Removed source `{OPPO_SOURCE}` and its text.")
    assert not (mod_kb[0] / "sources" / f"{OPPO_SOURCE}.txt").exists()
    assert mod_log.history()[-1].content == f"<@{moderator.id}> removed source `{OPPO_SOURCE}`"

    undone = await undo(moderator, channel, simcord_env)
    assert undone.content.startswith(f"Undone: the remove of source `{OPPO_SOURCE}`")
    assert (mod_kb[0] / "sources" / f"{OPPO_SOURCE}.txt").read_bytes() == text
    await undo(moderator, channel, simcord_env, redo=True)
    assert not (mod_kb[0] / "sources" / f"{OPPO_SOURCE}.txt").exists()
    history = await moderator.slash(channel, "source history", source=OPPO_SOURCE)
    names = [field.name.rsplit(" · ", 1)[1] for field in only_embed(reply(history)).fields]
    assert names == ["redo of remove", "undo of remove", "remove", "add-source"], "removed too"


# /kb import


async def test_import_restores_an_export_byte_for_byte(
    simcord_env, channel, moderator, mod_log, mod_kb
):
    exported = reply(await moderator.slash(channel, "kb export"))
    data = await exported.attachments[0].read()
    before = knowledge_files(mod_kb[0])
    await add_oppo(moderator, channel)
    assert knowledge_files(mod_kb[0]) != before

    asked = await moderator.slash(channel, "kb import", archive=("export.zip", data))
    confirm = reply(asked)
    assert confirm.content.startswith("Import this archive?")
    await moderator.click(confirm, label="Import")

    done = simcord_env.backend.get_message(confirm.channel_id, confirm.id)
    assert done.content == "Imported: 1 file changed (`brands.yaml`)."
    assert knowledge_files(mod_kb[0]) == before
    gone = await moderator.slash(channel, "brand show", brand="oppo")
    assert reply(gone).content.startswith("There is no brand `oppo`")
    assert mod_log.history()[-1].content == (
        f"<@{moderator.id}> imported an archive: 1 knowledge file changed"
    )


async def test_import_of_a_file_that_is_not_an_export_changes_nothing(
    simcord_env, channel, moderator, mod_kb
):
    before = knowledge_files(mod_kb[0])
    asked = await moderator.slash(channel, "kb import", archive=("x.zip", b"not a zip"))
    confirm = reply(asked)
    await moderator.click(confirm, label="Import")
    done = simcord_env.backend.get_message(confirm.channel_id, confirm.id)
    assert done.content.startswith("Not imported: the file is not a zip archive")
    assert knowledge_files(mod_kb[0]) == before


# Who may, where, and autocomplete

REFUSED = [
    ("brand add", {"id": "oppo", "kind": "phone_maker"}),
    ("brand edit", {"brand": "xiaomi"}),
    ("brand show", {"brand": "xiaomi"}),
    ("partnership add", {"phone_maker": "oppo", "camera_maker": "hasselblad"}),
    ("partnership edit", {"partnership": "xiaomi-leica"}),
    ("partnership show", {"partnership": "xiaomi-leica"}),
    ("source show", {"source": SOURCE}),
    ("source edit", {"source": SOURCE}),
    ("source remove", {"source": SOURCE}),
    ("source history", {"source": SOURCE}),
    ("brand history", {"brand": "xiaomi"}),
    ("partnership history", {"partnership": "xiaomi-leica"}),
    ("kb import", {"archive": ("x.zip", b"PK")}),
]


@pytest.mark.parametrize(("command", "options"), REFUSED)
async def test_a_member_who_is_not_a_moderator_is_refused(
    simcord_env, channel, helper, mod_kb, caplog, command, options
):
    caplog.set_level(logging.INFO, logger="commands.moderation._base")
    before = knowledge_files(mod_kb[0])

    result = await helper.slash(channel, command, **options)

    assert result.ephemeral
    assert result.modal is None
    assert result.response.content == _render.NO_PERMISSION
    assert knowledge_files(mod_kb[0]) == before
    assert audit_lines(mod_kb[1]) == []
    assert [type(e) for e in simcord_env.errors] == [app_commands.MissingPermissions]
    [record] = [r for r in caplog.records if r.name == "commands.moderation._base"]
    assert f"/{command}" in record.getMessage()
    assert str(helper.id) in record.getMessage()


async def test_the_commands_exist_only_in_the_home_servers(simcord_env, manager, mod_kb):
    import discord

    other = simcord_env.create_guild("Elsewhere")
    other_channel = other.create_text_channel("general")
    admins = other.create_role("Admins", permissions=discord.Permissions(administrator=True))
    admin = other.add_member(simcord_env.create_user("admin"), roles=[admins])
    seen = admin.available_commands(other_channel)
    assert not [n for n in seen if n.split()[0] in ("brand", "partnership", "source")]
    for command, options in REFUSED:
        with pytest.raises(simcord.SetupError):
            await admin.slash(other_channel, command, **options)


async def test_the_run_time_check_refuses_a_server_no_longer_home(
    simcord_env, channel, bot, manager, mod_kb
):
    from tests.commands.conftest import GUILD_ID
    from tests.helpers.discord_checks import use_settings

    use_settings(bot, mod_guild_ids=frozenset({GUILD_ID + 1}))
    refused = await manager.slash(channel, "brand edit", brand="xiaomi")
    assert refused.modal is None
    assert refused.response.content == _render.NO_PERMISSION
    assert [type(e) for e in simcord_env.errors] == [app_commands.MissingPermissions]


async def test_autocomplete_offers_brands_partnerships_and_sources(
    simcord_env, channel, moderator, helper
):
    brands = await moderator.autocomplete(channel, "brand edit", "brand", "lei")
    assert [c["value"] for c in brands] == ["leica"]
    makers = await moderator.autocomplete(
        channel, "partnership add", "camera_maker", "hass", phone_maker="oppo"
    )
    assert [c["value"] for c in makers] == ["hasselblad"]
    pairs = await moderator.autocomplete(channel, "partnership edit", "partnership", "leica")
    assert [c["value"] for c in pairs] == ["huawei-leica", "xiaomi-leica"]
    sources = await moderator.autocomplete(channel, "source show", "source", "xiaomi partners")
    assert [c["value"] for c in sources] == [SOURCE]
    assert await helper.autocomplete(channel, "brand edit", "brand", "") == []


async def test_the_record_forms_fit_discords_limits(simcord_env, bot):
    cog = bot.get_cog("Records")
    huge = "y" * 5000
    for kind in ("brand", "partnership", "source"):
        for opened in (None, {}):
            keys = "name country aliases devices people details summary reported_devices"
            keys += " citations title date url id text"
            texts = dict.fromkeys(keys.split(), huge)
            flow = RecordFlow(1, kind, "a-record-id-" + "x" * 51, texts, opened)
            assert _modal_problems(RecordModal(cog, flow, replace=False)) == [], kind


async def test_a_record_too_long_for_a_form_is_not_opened_cut_short(
    simcord_env, channel, moderator, mod_store, mod_kb
):
    aliases = [f"Leica alias number {n}" for n in range(300)]
    mod_store.records.edit("brand", "leica", {"aliases": aliases}, base_version=None, actor="x")
    await moderator.slash(channel, "kb reload")
    before = knowledge_files(mod_kb[0])

    refused = await moderator.slash(channel, "brand edit", brand="leica")

    assert refused.modal is None
    assert refused.ephemeral
    assert "camerabot brand edit leica" in refused.response.content
    assert knowledge_files(mod_kb[0]) == before
