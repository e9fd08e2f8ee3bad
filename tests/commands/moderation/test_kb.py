"""/kb undo, reload, validate, export and gaps, and /source add, end to end."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from bot.facts.yaml_loading import load_fact_base
from commands.moderation import _render as render
from commands.moderation._base import SOURCE_BYTES_MAX
from tests.helpers.discord_checks import fact_of, only_embed
from tests.helpers.moderation import (
    NEW_FACT_ID,
    QUESTION,
    SOURCE,
    add_fact,
    audit_lines,
    embeds_of,
    fact_form,
    knowledge_files,
    labels,
    menu_id,
    option_of,
    prefilled,
    reply,
    stored,
)


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


def footer_id(result) -> str | None:
    return fact_of(result.response)


# /kb undo


async def test_undo_shows_the_last_change_then_restores_it(
    simcord_env, channel, moderator, mod_log, mod_kb
):
    shown = await moderator.slash(channel, "fact edit", fact="leica-country")
    edited = {**prefilled(shown.modal), "answer": "Leica makes cameras in Wetzlar."}
    preview = await moderator.submit_modal(shown, edited)
    await moderator.click(preview.response, label="Save")
    asked = await moderator.slash(channel, "ask", question="Where is Leica from?")
    assert only_embed(asked.response).description.endswith("in Wetzlar.")

    confirm = await moderator.slash(channel, "kb undo")

    embed = only_embed(confirm.response)
    assert embed.title == "Undo the edit of fact leica-country?"
    assert "**answer**: Leica is a German camera maker. → Leica makes cameras" in embed.description
    assert labels(confirm.response) == ["Undo", "Cancel"]
    undone = await moderator.click(confirm.response, label="Undo")

    assert undone.acknowledged
    assert stored(simcord_env, confirm).content.startswith(
        "Undone: the edit of fact `leica-country`."
    )
    asked = await moderator.slash(channel, "ask", question="Where is Leica from?")
    assert only_embed(asked.response).description.endswith("Leica is a German camera maker.")
    entries = [json.loads(line) for line in audit_lines(mod_kb[1])]
    assert [e["action"] for e in entries] == ["edit", "undo"]
    assert entries[1]["reverts"] == entries[0]["id"]
    assert [m.content for m in mod_log.history()][-1] == (
        f"<@{moderator.id}> undid the edit of fact `leica-country`"
    )


async def test_undo_refuses_when_a_newer_change_came_since_it_was_shown(
    simcord_env, channel, moderator, mod_store, mod_kb
):
    await add_fact(moderator, channel, simcord_env)
    confirm = await moderator.slash(channel, "kb undo")
    assert only_embed(confirm.response).title == f"Undo the add of fact {NEW_FACT_ID}?"
    mod_store.edit_fact("leica-country", {"answer": "Newer."}, base_version=None, actor="other")

    await moderator.click(confirm.response, label="Undo")

    assert stored(simcord_env, confirm).content.startswith("Not undone: another change was made")
    assert NEW_FACT_ID in mod_store.base.facts
    assert mod_store.fact_record("leica-country")["answer"] == "Newer."
    assert len(audit_lines(mod_kb[1])) == 2


async def test_undo_with_nothing_to_undo_and_cancel(simcord_env, channel, moderator, mod_kb):
    nothing = await moderator.slash(channel, "kb undo")
    assert nothing.response.content == render.NOTHING_TO_UNDO
    await add_fact(moderator, channel, simcord_env)
    confirm = await moderator.slash(channel, "kb undo")
    await moderator.click(confirm.response, label="Cancel")
    assert stored(simcord_env, confirm).content == render.CANCELLED
    assert len(audit_lines(mod_kb[1])) == 1


# /kb reload and /kb validate


async def test_reload_serves_a_change_made_on_disk(simcord_env, channel, moderator, mod_kb, bot):
    bot.watch_loop.cancel()  # only /kb reload may pick it up here
    path = mod_kb[0] / "facts" / "leica.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "answer: Leica is a German camera maker.", "answer: Leica is from Wetzlar."
        ),
        encoding="utf-8",
    )
    before = await moderator.slash(channel, "ask", question="Where is Leica from?")
    assert only_embed(before.response).description.endswith("Leica is a German camera maker.")

    result = await moderator.slash(channel, "kb reload")

    embed = only_embed(reply(result))
    assert result.ephemeral
    assert embed.title == "Reloaded"
    assert embed.description == "Serving 1 sources, 7 brands, 4 partnerships, 23 facts."
    after = await moderator.slash(channel, "ask", question="Where is Leica from?")
    assert only_embed(after.response).description.endswith("Leica is from Wetzlar.")


async def test_validate_lists_every_problem_of_a_broken_base(
    simcord_env, channel, moderator, mod_kb
):
    facts = mod_kb[0] / "facts"
    (facts / "broken.yaml").write_text("- id: broken\n  question: [unclosed\n", encoding="utf-8")
    leica = facts / "leica.yaml"
    leica.write_text(
        leica.read_text(encoding="utf-8").replace("German camera-maker Leica", "Leica *makes* all"),
        encoding="utf-8",
    )

    result = await moderator.slash(channel, "kb validate")

    embed = only_embed(reply(result))
    assert embed.title == "knowledge/ has 2 problems"
    lines = embed.description.splitlines()
    assert lines[0].startswith("- facts/broken.yaml:3: YAML syntax error")
    assert lines[1].startswith("- facts/leica.yaml:14: quote not found word for word")
    assert "Leica \\*makes\\* all" in lines[1]


async def test_reload_of_a_broken_base_keeps_the_last_good_one(
    simcord_env, channel, moderator, mod_kb, bot
):
    bot.watch_loop.cancel()
    (mod_kb[0] / "brands.yaml").write_text("- id: [\n", encoding="utf-8")
    result = await moderator.slash(channel, "kb reload")
    embed = only_embed(reply(result))
    assert embed.title == "Not reloaded: knowledge/ has problems"
    assert embed.description.startswith("- brands.yaml:2: YAML syntax error")
    asked = await moderator.slash(channel, "ask", question="Where is Leica from?")
    assert footer_id(asked) == "leica-country"


# /kb export


async def test_export_attaches_one_zip_with_every_file_and_article_text(
    simcord_env, channel, moderator, mod_kb
):
    result = await moderator.slash(channel, "kb export")

    message = reply(result)
    assert message.ephemeral
    [attachment] = message.attachments
    assert attachment.filename == "camerabot-knowledge.zip"
    with zipfile.ZipFile(io.BytesIO(await attachment.read())) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(n for n in knowledge_files(mod_kb[0]) if n != "README.md")
        assert "sources/article-2022-05-23.txt" in names, "article texts are in the export"
        assert archive.read("facts/leica.yaml") == (mod_kb[0] / "facts/leica.yaml").read_bytes()
    assert message.content.startswith("Every knowledge file, article texts too (")


# /kb gaps


async def test_gaps_lists_unanswered_questions_and_a_button_turns_one_into_a_fact(
    simcord_env, channel, moderator, alice, bob, mod_kb
):
    asked = {
        "What sensor does the Leitz Phone 3 use?": 3,
        "Does Sony make phone cameras for Xiaomi?": 1,
        QUESTION: 2,  # answered once the fact below is added
    }
    for question, times in asked.items():
        for number in range(times):
            await (alice if number % 2 else bob).slash(channel, "ask", question=question)

    listed = await moderator.slash(channel, "kb gaps")

    embed = only_embed(listed.response)
    lines = embed.description.splitlines()
    assert lines[0].startswith("**1.** What sensor does the Leitz Phone 3 use? — asked 3×")
    assert lines[1].startswith(f"**2.** {QUESTION} — asked 2×")
    assert lines[2].startswith("**3.** Does Sony make phone cameras for Xiaomi? — asked 1×")
    assert labels(listed.response) == [
        "1. What sensor does the Leitz Phone 3 use?",
        f"2. {QUESTION}",
        "3. Does Sony make phone cameras for Xiaomi?",
    ]

    opened = await moderator.click(listed.response, label=f"2. {QUESTION}")

    assert prefilled(opened.modal) == {
        "question": QUESTION,
        "phrasings": "",
        "answer": "",
        "source": SOURCE,
        "quote": "",
    }
    preview = await moderator.submit_modal(opened, fact_form())
    assert preview.response.id != listed.response.id, "the list stays; the preview is new"
    await moderator.click(preview.response, label="Save")

    again = await moderator.slash(channel, "kb gaps")
    assert [
        line.split(" — ")[0] for line in only_embed(again.response).description.splitlines()
    ] == [
        "**1.** What sensor does the Leitz Phone 3 use?",
        "**2.** Does Sony make phone cameras for Xiaomi?",
    ]


async def test_a_question_dismissed_with_a_reason_leaves_the_list_until_asked_again(
    simcord_env, channel, moderator, alice, mod_log, mod_kb
):
    spam = "free nitro https://evil.example/@everyone"
    for question in (spam, "you suck", "What sensor does the Leitz Phone 3 use?"):
        await alice.slash(channel, "ask", question=question)
    listed = await moderator.slash(channel, "kb gaps")
    assert "or dismiss one from the menu" in only_embed(listed.response).footer.text

    # Asked once each: the newest first, so the order depends on the seconds they fell in.
    chosen = option_of(listed.response, "Dismiss", "free nitro")
    form = await moderator.select(
        listed.response, [chosen], custom_id=menu_id(listed.response, "Dismiss")
    )
    assert form.modal is not None
    assert form.modal["title"] == "Dismiss a question"
    dismissed = await moderator.submit_modal(form, {"reason": "spam"})

    shown = stored(simcord_env, listed)
    lines = embeds_of(shown)[0].description.splitlines()
    assert sorted(line.split(" — ")[0].split(" ", 1)[1] for line in lines) == [
        "What sensor does the Leitz Phone 3 use?",
        "you suck",
    ]
    assert dismissed.acknowledged
    [line] = [m.content for m in mod_log.history()]
    assert line.startswith(f"<@{moderator.id}> dismissed the unanswered question “free nitro")
    assert line.endswith("”: spam")
    assert "@everyone" not in line.replace("\\@everyone", ""), "no ping"
    kept = json.loads((mod_kb[1] / "values.json").read_text())["gaps.dismissed"]
    assert [(d["reason"], d["by"]) for d in kept.values()] == [
        ("spam", f"{moderator.name} (discord {moderator.id})")
    ]

    again = await moderator.slash(channel, "kb gaps")
    assert "free nitro" not in only_embed(again.response).description
    await alice.slash(channel, "ask", question=spam)
    again = await moderator.slash(channel, "kb gaps")
    assert only_embed(again.response).description.startswith("**1.** free nitro")


async def test_the_last_question_dismissed_leaves_an_empty_list(
    simcord_env, channel, moderator, alice
):
    await alice.slash(channel, "ask", question="you suck")
    listed = await moderator.slash(channel, "kb gaps")
    form = await moderator.select(
        listed.response, ["0"], custom_id=menu_id(listed.response, "Dismiss")
    )
    await moderator.submit_modal(form, {"reason": "abuse"})
    shown = stored(simcord_env, listed)
    assert shown.content == render.NO_GAPS
    assert shown.components == []


async def test_a_question_added_as_a_phrasing_of_the_nearest_fact_leaves_the_list(
    simcord_env, channel, moderator, alice, mod_log, mod_kb
):
    question = "how many summers did huawei and leica share"
    for asked in (question, "What sensor does the Leitz Phone 3 use?"):
        await alice.slash(channel, "ask", question=asked)
    listed = await moderator.slash(channel, "kb gaps")
    assert "add it as another phrasing" in only_embed(listed.response).footer.text

    chosen = option_of(listed.response, "Add a question", question)
    chooser = await moderator.select(
        listed.response, [chosen], custom_id=menu_id(listed.response, "Add a question")
    )
    assert chooser.ephemeral
    assert chooser.response.content.startswith(f"Add “{question}” as another phrasing")
    offered = [
        option["value"]
        for row in chooser.response.components
        for item in row["components"]
        for option in item.get("options", [])
    ]
    assert "huawei-leica-duration" in offered, "the nearest facts are offered"
    assert "Another fact…" in labels(chooser.response)
    added = await moderator.select(
        chooser.response, ["huawei-leica-duration"], custom_id=menu_id(chooser.response, "The fact")
    )

    assert "as a phrasing of `huawei-leica-duration`" in reply(added).content
    assert stored(simcord_env, chooser).components == [], "the chooser's menu goes"
    lines = embeds_of(stored(simcord_env, listed))[0].description.splitlines()
    assert [line.split(" — ")[0] for line in lines] == [
        "**1.** What sensor does the Leitz Phone 3 use?"
    ]
    [line] = [m.content for m in mod_log.history()]
    assert line.startswith(f"<@{moderator.id}> added the unanswered question “{question}”")
    # Through the store: the fact holds it, its history has the edit, and /ask answers it.
    assert question in stored_phrasings(mod_kb[0], "huawei-leica-duration")
    last = json.loads(audit_lines(mod_kb[1])[-1])
    assert (last["fact_id"], last["action"]) == ("huawei-leica-duration", "edit")
    answer = await alice.slash(channel, "ask", question=question)
    assert fact_of(answer.response) == "huawei-leica-duration"
    kept = json.loads((mod_kb[1] / "values.json").read_text())["gaps.dismissed"]
    assert [d["reason"] for d in kept.values()] == ["added as a phrasing of huawei-leica-duration"]


async def test_a_phrasing_for_a_fact_typed_by_id_and_a_refusal(
    simcord_env, channel, moderator, alice, mod_kb
):
    question = "how many summers did huawei and leica share"
    await alice.slash(channel, "ask", question=question)
    listed = await moderator.slash(channel, "kb gaps")
    chooser = await moderator.select(
        listed.response, ["0"], custom_id=menu_id(listed.response, "Add a question")
    )
    before = knowledge_files(mod_kb[0])

    form = await moderator.click(chooser.response, label="Another fact…")
    assert form.modal["title"] == "Add as a phrasing"
    refused = await moderator.submit_modal(form, {"fact": "no-such-fact"})
    assert reply(refused).content.startswith("Not added: ")
    assert knowledge_files(mod_kb[0]) == before
    # Another moderator's press is refused: only the one who opened the list.
    form = await moderator.click(chooser.response, label="Another fact…")
    added = await moderator.submit_modal(form, {"fact": "huawei-leica-split"})
    assert "as a phrasing of `huawei-leica-split`" in reply(added).content
    assert stored(simcord_env, listed).content == render.NO_GAPS


async def test_kb_coverage_lists_the_sentences_no_fact_or_record_cites(
    simcord_env, channel, moderator, mod_kb
):
    result = await moderator.slash(channel, "kb coverage")
    assert result.ephemeral
    assert reply(result).content == "Every sentence of every source is cited by a fact or record."

    # A sentence added to the article (the quotes still in it): the one sentence uncited.
    text = mod_kb[0] / "sources" / "article-2022-05-23.txt"
    added = "Leica also sells lenses for @everyone at [a shop](https://evil.example)."
    text.write_text(text.read_text(encoding="utf-8") + added + "\n", encoding="utf-8")
    await moderator.slash(channel, "kb reload")
    result = await moderator.slash(channel, "kb coverage")
    lines = reply(result).content.splitlines()
    assert lines[0] == "article-2022-05-23 (23 May 2022): 1 sentence(s) uncited"
    assert lines[1].startswith("\\- Leica also sells lenses for @\u200beveryone at \\[a shop]")
    assert lines[-1].startswith("A fact or record quoting a sentence covers it")


async def test_no_gaps(simcord_env, channel, moderator):
    result = await moderator.slash(channel, "kb gaps")
    assert result.response.content == render.NO_GAPS
    assert result.ephemeral


def stored_phrasings(root, fact_id: str) -> list[str]:
    """A fact's phrasings as the files hold them now."""
    return list(load_fact_base(root).facts[fact_id].phrasings)


# /source add

ARTICLE = (
    "Oppo has partnered with Hasselblad for the cameras of its Find X6 phones, the company "
    "announced today. The Find X6 Pro carries the Hasselblad name on its camera module.\n"
)


async def test_add_a_source_then_a_fact_citing_it(simcord_env, channel, moderator, mod_log, mod_kb):
    result = await moderator.slash(
        channel,
        "source add",
        title="Oppo teams up with Hasselblad",
        date="2023-03-21",
        text=("oppo.txt", ARTICLE.encode("utf-8")),
        url="https://example.com/oppo-hasselblad",
    )

    assert reply(result).content.startswith("Added source `oppo-teams-up-with-hasselblad`")
    assert (mod_kb[0] / "sources" / "oppo-teams-up-with-hasselblad.txt").read_text() == ARTICLE
    assert mod_log.history()[-1].content == (
        f"<@{moderator.id}> added source `oppo-teams-up-with-hasselblad`"
    )

    shown = await moderator.slash(channel, "fact add")
    assert prefilled(shown.modal)["source"] == "oppo-teams-up-with-hasselblad", "now the newest"
    question = "Who makes the cameras of the Oppo Find X6?"
    preview = await moderator.submit_modal(
        shown,
        fact_form(
            question=question,
            answer="Oppo partnered with Hasselblad for the Find X6 cameras.",
            source="oppo-teams-up-with-hasselblad",
            quote="Oppo has partnered with Hasselblad for the cameras of its Find X6 phones",
        ),
    )
    fields = {f.name: f.value for f in only_embed(preview.response).fields}
    assert "*Oppo teams up with Hasselblad*" in fields["Quote"]
    assert fields["Brands (recognised in the text)"] == "`hasselblad`"
    await moderator.click(preview.response, label="Save")

    answer = await moderator.slash(channel, "ask", question=question)
    embed = only_embed(answer.response)
    assert fact_of(answer.response) == "who-makes-the-cameras-of-the-oppo-find-x6"
    assert "Oppo teams up with Hasselblad" in embed.fields[0].value
    assert "21 March 2023" in embed.fields[0].value


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"date": "21/03/2023"}, "Not added: the date must be a real date written YYYY-MM-DD"),
        ({"date": "2023-02-30"}, "Not added: the date must be a real date written YYYY-MM-DD"),
        ({"date": "2023-3-21"}, "Not added: the date must be a real date written YYYY-MM-DD"),
        ({"text": ("a.txt", "é".encode("latin-1"))}, "Not added: the text file must be UTF-8"),
        (
            {"text": ("a.txt", b"x" * (SOURCE_BYTES_MAX + 1))},
            "Not added: the text file is 1,000,001 bytes",
        ),
    ],
)
async def test_a_bad_source_is_refused_with_the_reason(
    simcord_env, channel, moderator, mod_kb, options, expected
):
    before = knowledge_files(mod_kb[0])
    values = {"title": "A title", "date": "2023-03-21", "text": ("a.txt", ARTICLE.encode())}
    result = await moderator.slash(channel, "source add", **{**values, **options})
    assert result.ephemeral
    assert reply(result).content.startswith(expected)
    assert knowledge_files(mod_kb[0]) == before


async def test_a_source_the_store_refuses_lists_its_problems(
    simcord_env, channel, moderator, mod_kb
):
    result = await moderator.slash(
        channel,
        "source add",
        title="Again",
        date="2023-03-21",
        text=("a.txt", ARTICLE.encode()),
        id=SOURCE,
    )
    embed = embeds_of(simcord_env.backend.get_message(channel.id, reply(result).id))[0]
    assert embed.title == "Not saved: 2 problems"
    assert f"duplicate id '{SOURCE}'" in embed.description
    assert audit_lines(mod_kb[1]) == []


async def test_undo_steps_back_twice_and_redo_steps_forward(
    simcord_env, channel, moderator, mod_log, mod_store
):
    nothing = await moderator.slash(channel, "kb redo")
    assert nothing.response.content == render.NOTHING_TO_REDO
    original = mod_store.fact_record("leica-country")["answer"]
    mod_store.edit_fact("leica-country", {"answer": "One."}, base_version=None, actor="a")
    mod_store.edit_fact("leica-country", {"answer": "Two."}, base_version=None, actor="b")
    for expected in ("One.", original):
        confirm = await moderator.slash(channel, "kb undo")
        await moderator.click(confirm.response, label="Undo")
        assert mod_store.fact_record("leica-country")["answer"] == expected
    confirm = await moderator.slash(channel, "kb redo")
    assert only_embed(confirm.response).title == "Redo the edit of fact leica-country?"
    assert labels(confirm.response) == ["Redo", "Cancel"]
    await moderator.click(confirm.response, label="Redo")
    assert stored(simcord_env, confirm).content.startswith("Redone: the edit of fact")
    assert mod_store.fact_record("leica-country")["answer"] == "One."
    assert [m.content for m in mod_log.history()][-1] == (
        f"<@{moderator.id}> redid the edit of fact `leica-country`"
    )


# /kb stats


async def test_stats_count_questions_and_the_answered_share_per_server(
    simcord_env, guild, channel, moderator, alice, bob, bot
):
    await alice.slash(channel, "ask", question="Where is Leica from?")
    await bob.slash(channel, "ask", question="What sensor does the Leitz Phone 3 use?")
    await alice.send(channel, f"{bot.user.mention} Who does Vivo work with?")
    await alice.send_dm("Where is Leica from?")
    await alice.slash(channel, "partners")  # a look-up, not a question

    result = await moderator.slash(channel, "kb stats")

    assert result.response.ephemeral
    assert result.response.content.splitlines() == [
        "All servers: 4 asked, 3 answered (75%)",
        f"{guild.name}: 3 asked, 2 answered (67%)",
        "direct messages: 1 asked, 1 answered (100%)",
    ]
