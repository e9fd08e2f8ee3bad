"""The community closes the loop: 👍 and "Wrong or outdated" under answers, /kb feedback, ⓘ."""

from __future__ import annotations

import json

import pytest

from bot.state.feedback import FEEDBACK_FILE
from commands.client import create_bot
from commands.moderation import _render as render
from commands.ui import render as _render
from tests.helpers.discord_checks import custom_ids, fact_of
from tests.helpers.moderation import modal_inputs, prefilled, reply

LEICA = "Where is Leica from?"


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


def votes(settings) -> list[dict]:
    path = settings.state_dir / FEEDBACK_FILE
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return [json.loads(line) for line in lines]


async def test_a_thumbs_up_counts_once_per_person_per_answer(
    simcord_env, guild, channel, alice, bob, bot
):
    asked = await alice.slash(channel, "ask", question=LEICA)
    answer = asked.response

    first = await alice.click(answer, custom_id="cb:fb:up:leica-country")
    again = await alice.click(answer, custom_id="cb:fb:up:leica-country")
    other = await bob.click(answer, custom_id="cb:fb:up:leica-country")

    assert first.ephemeral
    assert first.response.content == _render.THANKS_HELPFUL
    assert again.response.content == _render.ALREADY_VOTED
    assert other.response.content == _render.THANKS_HELPFUL
    stored = votes(bot.settings)
    assert [(v["voter_id"], v["vote"]) for v in stored] == [
        (alice.id, "helpful"),
        (bob.id, "helpful"),
    ]
    assert stored[0]["question"] == LEICA
    assert stored[0]["fact_id"] == "leica-country"
    assert stored[0]["guild_id"] == guild.id
    assert stored[0]["answer_id"] == str(answer.id)


async def test_wrong_asks_a_reason_records_it_and_tells_the_moderators(
    simcord_env, channel, alice, bot, mod_log, moderator
):
    asked = await alice.slash(channel, "ask", question=LEICA)

    form = await alice.click(asked.response, label="Wrong or outdated")

    assert form.modal is not None
    [reason_input] = modal_inputs(form.modal)
    assert reason_input["custom_id"] == "reason"
    assert reason_input.get("required") is False
    sent = await alice.submit_modal(form, {"reason": "They moved to [Mars](https://evil.example)"})
    assert sent.ephemeral
    assert sent.response.content == _render.THANKS_WRONG
    [vote] = votes(bot.settings)
    assert vote["vote"] == "wrong"
    assert vote["reason"] == "They moved to [Mars](https://evil.example)"
    [report] = mod_log.history()
    assert "`leica-country`" in report.content
    assert "\\[Mars\\](https\\://evil.example)" in report.content, "the reason cannot be a link"

    # A change of mind replaces the vote: one vote per person per answer.
    await alice.click(asked.response, custom_id="cb:fb:up:leica-country")
    listed = await moderator.slash(channel, "kb feedback")
    assert reply(listed).content == render.NO_FEEDBACK


async def test_kb_feedback_lists_the_facts_most_reported_wrong_with_an_edit_button(
    simcord_env, guild, channel, alice, bob, bot, moderator
):
    carol = guild.add_member(simcord_env.create_user("carol"))
    for member, question, reason in (
        (alice, LEICA, "Leica is from Wetzlar"),
        (bob, "What nationality is Leica?", ""),
        (carol, "Who is Lei Jun?", "outdated"),
    ):
        asked = await member.slash(channel, "ask", question=question)
        form = await member.click(asked.response, label="Wrong or outdated")
        await member.submit_modal(form, {"reason": reason} if reason else {})

    listed = await moderator.slash(channel, "kb feedback")

    message = reply(listed)
    assert message.ephemeral
    embed = message.embeds[0]
    assert embed.fields[0].name.startswith("1. leica-country — 2 reports wrong")
    assert "“Leica is from Wetzlar”" in embed.fields[0].value
    assert embed.fields[1].name.startswith("2. ")
    assert "“outdated”" in embed.fields[1].value
    edit = await moderator.click(message, label="1. Edit leica-country")
    assert edit.modal is not None
    assert edit.modal["title"] == "Edit fact leica-country"


async def test_an_edit_saved_from_a_report_resolves_it(
    simcord_env, channel, alice, bob, bot, moderator, mod_log
):
    for member, question in ((alice, LEICA), (bob, "Who is Lei Jun?")):
        asked = await member.slash(channel, "ask", question=question)
        form = await member.click(asked.response, label="Wrong or outdated")
        await member.submit_modal(form, {"reason": "outdated"})
    listed = await moderator.slash(channel, "kb feedback")
    # One report each: the newer first, or (asked in the same second) the first asked.
    names = [f.name.split(" — ")[0].split(". ", 1) for f in reply(listed).embeds[0].fields]
    [number] = [n for n, entry in names if entry == "leica-country"]
    [other] = [entry for _, entry in names if entry != "leica-country"]

    edit = await moderator.click(reply(listed), label=f"{number}. Edit leica-country")
    edited = {**prefilled(edit.modal), "answer": "Leica makes cameras in Wetzlar."}
    preview = await moderator.submit_modal(edit, edited)
    await moderator.click(preview.response, label="Save")

    assert [m.content for m in mod_log.history()][-1] == (
        f"<@{moderator.id}> resolved 1 report on `leica-country`"
    )
    listed = await moderator.slash(channel, "kb feedback")
    assert [f.name.split(" — ")[0] for f in reply(listed).embeds[0].fields] == [f"1. {other}"]
    # Reported again after the edit: listed again.
    asked = await alice.slash(channel, "ask", question=LEICA)
    form = await alice.click(asked.response, label="Wrong or outdated")
    await alice.submit_modal(form, {"reason": "still wrong"})
    listed = await moderator.slash(channel, "kb feedback")
    names = [f.name for f in reply(listed).embeds[0].fields]
    assert any("leica-country" in name for name in names)


async def test_reports_on_answers_built_from_records_open_their_forms_and_saving_resolves(
    simcord_env, channel, alice, bob, bot, moderator, mod_log
):
    for member, question in (
        (alice, "who does xiaomi work with?"),
        (bob, "oneplus hasselblad"),
        (bob, "list all partnerships"),
    ):
        asked = await member.slash(channel, "ask", question=question)
        form = await member.click(asked.response, label="Wrong or outdated")
        await member.submit_modal(form, {"reason": "outdated"})
    listed = reply(await moderator.slash(channel, "kb feedback"))
    # Each listed once, in any order (one report each): the label without its number.
    buttons = {
        c["label"].split(". ", 1)[1]: (c["label"], c.get("disabled", False))
        for row in listed.components
        for c in row["components"]
    }
    assert buttons["Edit brand xiaomi"][1] is False
    assert buttons["Edit partnership oneplus-hasselblad"][1] is False
    assert buttons["Edit partnerships:all"][1] is True, "built from every record: no one form"

    brand = await moderator.click(listed, label=buttons["Edit brand xiaomi"][0])
    assert brand.modal["title"] == "Edit brand xiaomi"
    saved = await moderator.submit_modal(brand, {**prefilled(brand.modal), "country": "China"})
    assert reply(saved).content.startswith("Edited brand `xiaomi`")
    pair = await moderator.click(listed, label=buttons["Edit partnership oneplus-hasselblad"][0])
    assert pair.modal["title"] == "Edit partnership oneplus-hasselblad"
    form = prefilled(pair.modal)
    saved = await moderator.submit_modal(pair, {**form, "summary": "A camera partnership."})
    assert reply(saved).content.startswith("Edited partnership `oneplus-hasselblad`")

    lines = [m.content for m in mod_log.history()]
    assert f"<@{moderator.id}> resolved 1 report on `partners:xiaomi`" in lines
    assert f"<@{moderator.id}> resolved 1 report on `partnership:oneplus-hasselblad`" in lines
    listed = reply(await moderator.slash(channel, "kb feedback"))
    assert [f.name.split(" — ")[0] for f in listed.embeds[0].fields] == ["1. partnerships:all"]


async def test_an_edit_made_with_fact_edit_leaves_the_report(
    simcord_env, channel, alice, bot, moderator
):
    asked = await alice.slash(channel, "ask", question=LEICA)
    form = await alice.click(asked.response, label="Wrong or outdated")
    await alice.submit_modal(form, {"reason": "outdated"})
    shown = await moderator.slash(channel, "fact edit", fact="leica-country")
    edited = {**prefilled(shown.modal), "answer": "Leica makes cameras in Wetzlar."}
    preview = await moderator.submit_modal(shown, edited)
    await moderator.click(preview.response, label="Save")
    listed = await moderator.slash(channel, "kb feedback")
    assert reply(listed).embeds[0].fields[0].name.startswith("1. leica-country")


async def test_kb_feedback_on_the_command_line(simcord_env, channel, alice, bot, capsys):
    from bot.cli.main import main

    asked = await alice.slash(channel, "ask", question=LEICA)
    form = await alice.click(asked.response, label="Wrong or outdated")
    await alice.submit_modal(form, {"reason": "moved"})

    state = str(bot.settings.state_dir)
    assert main(["kb", "feedback", "--state", state]) == 0
    out = capsys.readouterr().out
    assert "    1  leica-country  (0 helpful" in out
    assert "- moved" in out
    assert main(["kb", "feedback", "--state", state, "--json"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["reasons"] == ["moved"]


async def test_feedback_buttons_work_after_a_restart(
    simcord_env, channel, alice, bot, mod_settings, mod_store
):
    from bot.engine.engine import Engine

    asked = await alice.slash(channel, "ask", question=LEICA)
    await simcord_env.restart_bot(create_bot(mod_settings, Engine(mod_store.base), store=mod_store))

    pressed = await alice.click(asked.response, custom_id="cb:fb:up:leica-country")

    assert pressed.response.content == _render.THANKS_HELPFUL
    assert len(votes(mod_settings)) == 1


async def test_info_shows_the_matched_question_and_only_moderators_the_fact_id(
    simcord_env, channel, alice, moderator
):
    asked = await alice.slash(channel, "ask", question="leica nationality?")
    assert custom_ids(asked.response)[-2:] == ["cb:in:leica-country", f"cb:dl:{alice.id}"]

    for_alice = await alice.click(asked.response, label="ⓘ")
    for_moderator = await moderator.click(asked.response, label="ⓘ")

    assert for_alice.ephemeral
    assert "“Where is Leica from?”" in for_alice.response.content
    assert "leica-country" not in for_alice.response.content
    assert "Fact id: `leica-country`" in for_moderator.response.content
    assert fact_of(asked.response) == "leica-country"


@pytest.mark.parametrize(
    ("question", "entry", "command"),
    [
        ("who does xiaomi work with?", "partners:xiaomi", "/brand edit xiaomi"),
        ("oneplus hasselblad", "partnership:oneplus-hasselblad",
         "/partnership edit oneplus-hasselblad"),
        ("list all partnerships", "partnerships:all", "/partnership edit or /brand edit"),
    ],
)  # fmt: skip
async def test_info_on_an_answer_built_from_records_names_the_command_that_edits_them(
    simcord_env, channel, alice, moderator, question, entry, command
):
    asked = await alice.slash(channel, "ask", question=question)
    for_moderator = await moderator.click(asked.response, label="ⓘ")
    for_alice = await alice.click(asked.response, label="ⓘ")

    assert f"Answer id: `{entry}`" in for_moderator.response.content
    assert f"(moderators: {command} changes" in for_moderator.response.content
    assert "/fact edit" not in for_moderator.response.content, "no command that does not exist"
    assert entry not in for_alice.response.content
    assert for_alice.response.components == []
    if entry == "partnerships:all":
        assert for_moderator.response.components == [], "built from every record: no one form"
        return
    # The button under it opens the form of what the answer was built from.
    kind, record_id = command.split(" ")[0].removeprefix("/"), command.split(" ")[-1]
    form = await moderator.click(for_moderator.response, label=f"Edit {kind} {record_id}")
    assert form.modal["title"] == f"Edit {kind} {record_id}"


async def test_info_offers_a_moderator_the_fact_form_and_checks_the_role_when_pressed(
    simcord_env, channel, alice, moderator, bot
):
    from tests.helpers.discord_checks import use_settings

    asked = await alice.slash(channel, "ask", question="leica nationality?")
    info = await moderator.click(asked.response, label="ⓘ")
    form = await moderator.click(info.response, label="Edit leica-country")
    assert form.modal["title"] == "Edit fact leica-country"

    use_settings(bot, moderator_role_ids=frozenset())
    refused = await moderator.click(info.response, label="Edit leica-country")
    assert refused.response.content == _render.NO_PERMISSION


async def test_an_answer_reasoned_from_several_records_takes_feedback_too(
    simcord_env, channel, alice, bot, engine, moderator
):
    from bot.engine.engine import Answer
    from tests.helpers.discord_checks import ScriptedEngine

    question = "Did the Huawei P30 Pro have a Leica camera?"
    reasoned = Answer(question, True, "Yes. As reported on 23 May 2022, …", 1.0, fact_id=None)
    bot.engine = ScriptedEngine(bot.engine, {question: reasoned})
    asked = await alice.slash(channel, "ask", question=question)
    assert custom_ids(asked.response) == [
        "cb:fb:up:reasoned",
        "cb:fb:wr:reasoned",
        f"cb:dl:{alice.id}",
    ], "no ⓘ"

    form = await alice.click(asked.response, label="Wrong or outdated")
    await alice.submit_modal(form, {"reason": "the P30 Pro is not listed"})

    [vote] = votes(bot.settings)
    assert (vote["fact_id"], vote["question"]) == ("reasoned", question)
    message = reply(await moderator.slash(channel, "kb feedback"))
    field = message.embeds[0].fields[0]
    assert field.name.startswith("1. answers reasoned from several records — 1 report wrong")
    assert question in field.value


async def test_a_long_history_pages_with_buttons(simcord_env, channel, moderator, mod_store):
    from bot.store import record_version

    for number in range(12):
        record = mod_store.fact_record("leica-country")
        mod_store.edit_fact(
            "leica-country",
            {"answer": f"Leica is a German camera maker ({number})."},
            base_version=record_version(record),
            actor="someone",
        )

    result = await moderator.slash(channel, "fact history", fact="leica-country")

    message = reply(result)
    embed = message.embeds[0]
    assert embed.footer.text == "12 changes, newest first · page 1 of 2"
    assert len(embed.fields) == 10
    assert "more change" not in str(embed.to_dict()), "pages, not '…and N more'"
    turned = await moderator.click(message, label="Next ▶")
    assert turned.acknowledged
    stored = simcord_env.backend.get_message(channel.id, message.id)
    assert stored.embeds[0]["footer"]["text"].endswith("page 2 of 2")
    assert len(stored.embeds[0]["fields"]) == 2
