"""Hot reload in the running bot: edits on disk are served; broken files are kept out and reported.

The watcher runs every RELOAD_SECONDS as a discord.ext.tasks loop, so simcord's virtual clock
drives it: `advance_time` past the interval is one check, without sleeping.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from commands.client import create_bot
from commands.modlog import FIXED_KNOWLEDGE_TEXT
from tests.helpers.discord_checks import fact_of, only_embed
from tests.helpers.moderation import QUESTION, QUOTE, SOURCE, prefilled

LEICA = "Where is Leica from?"
HAND_WRITTEN = f"""\
# Typed by hand, then pulled with git.
- id: zeiss-vivo-flagships
  question: {QUESTION}
  answer: Zeiss designs the cameras of Vivo's flagship phones.
  brands: [zeiss, vivo]
  citations:
  - source: {SOURCE}
    quote: {QUOTE}
"""


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


async def tick(env, bot) -> None:
    """Let the watcher run once (its interval on the virtual clock)."""
    await env.advance_time(bot.settings.reload_seconds + 0.1)


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


async def answer_of(member, channel, question: str):
    result = await member.slash(channel, "ask", question=question)
    if not result.response.embeds:
        return None
    embed = only_embed(result.response)
    # The fact id is in the "ⓘ" button, not on the embed.
    return SimpleNamespace(description=embed.description, fact_id=fact_of(result.response))


async def test_a_fact_changed_on_disk_is_answered_after_the_watcher_runs(
    simcord_env, channel, alice, bot, mod_kb
):
    assert bot.watch_loop is not None
    assert bot.watch_loop.is_running()
    edit(
        mod_kb[0] / "facts" / "leica.yaml",
        "Leica is a German camera maker.",
        "Leica is from Wetzlar.",
    )
    (mod_kb[0] / "facts" / "hand.yaml").write_text(HAND_WRITTEN, encoding="utf-8")
    assert (await answer_of(alice, channel, LEICA)).description.endswith("German camera maker.")

    await tick(simcord_env, bot)

    assert (await answer_of(alice, channel, LEICA)).description.endswith("Leica is from Wetzlar.")
    added = await answer_of(alice, channel, QUESTION)
    assert added.fact_id == "zeiss-vivo-flagships"


async def test_broken_files_keep_the_last_good_base_and_are_reported_once_then_fixed(
    simcord_env, channel, alice, bot, mod_kb, mod_log, caplog
):
    caplog.set_level(logging.WARNING, logger="bot.runtime.watcher")
    path = mod_kb[0] / "facts" / "leica.yaml"
    good = path.read_text(encoding="utf-8")
    edit(path, "  - What nationality is Leica?\n", "  - [What nationality is Leica?\n")

    await tick(simcord_env, bot)

    embed = await answer_of(alice, channel, LEICA)
    assert embed.fact_id == "leica-country", "still the last good base"
    [report] = mod_log.history()
    assert report.content.startswith("knowledge/ changed on disk but is invalid")
    assert "facts/leica.yaml:" in report.content
    assert "YAML syntax error" in report.content
    assert len(report.content) <= 2000
    assert "facts/leica.yaml:" in caplog.text, "and in the log"

    await tick(simcord_env, bot)
    await tick(simcord_env, bot)
    assert len(mod_log.history()) == 1, "once per broken state"

    path.write_text(good.replace("Leica is a German camera maker.", "Fixed, Leica is German."))
    await tick(simcord_env, bot)

    assert (await answer_of(alice, channel, LEICA)).description.endswith("Fixed, Leica is German.")
    assert [m.content for m in mod_log.history()][1:] == [FIXED_KNOWLEDGE_TEXT]


async def test_a_broken_state_is_reported_once_not_once_per_process(
    simcord_env, bot, mod_kb, mod_log, mod_settings, monkeypatch
):
    from commands.client import create_bot

    seen = []
    original = bot.report_reload

    async def report_reload(result):
        seen.append(result)
        await original(result)

    monkeypatch.setattr(bot, "report_reload", report_reload)
    path = mod_kb[0] / "facts" / "leica.yaml"
    good = path.read_text(encoding="utf-8")
    edit(path, "  - What nationality is Leica?\n", "  - [What nationality is Leica?\n")
    await tick(simcord_env, bot)
    assert len(mod_log.history()) == 1
    [broken] = [result for result in seen if result.problems]

    # Another process over the same knowledge/ and STATE_DIR (a shard) sees the same broken
    # files on its own watch: the moderators heard of them already.
    other = create_bot(mod_settings, bot.engine, store=bot.store, watch=True)
    await simcord_env.restart_bot(other)
    other.settings = bot.settings
    await other.report_reload(broken)
    assert len(mod_log.history()) == 1

    # It is fixed: the process that sees it first says so, once.
    path.write_text(good.replace("a German camera maker", "German"), encoding="utf-8")
    await tick(simcord_env, other)
    assert [m.content for m in mod_log.history()][1:] == [FIXED_KNOWLEDGE_TEXT]


async def test_a_new_broken_state_is_reported_again(simcord_env, bot, mod_kb, mod_log):
    bad = mod_kb[0] / "facts" / "bad.yaml"
    bad.write_text("- id: [\n", encoding="utf-8")
    await tick(simcord_env, bot)
    bad.write_text(HAND_WRITTEN.replace(QUOTE, "Zeiss makes every phone"), encoding="utf-8")
    await tick(simcord_env, bot)

    reports = [m.content for m in mod_log.history()]
    assert len(reports) == 2
    assert "YAML syntax error" in reports[0]
    assert "facts/bad.yaml:8" in reports[1]
    assert "quote not found word for word" in reports[1]


async def test_a_moderators_save_and_a_reload_never_lose_each_other(
    simcord_env, channel, moderator, bot, mod_kb
):
    # A hand edit lands on disk, then a moderator saves before the watcher's next turn.
    (mod_kb[0] / "facts" / "hand.yaml").write_text(HAND_WRITTEN, encoding="utf-8")
    shown = await moderator.slash(channel, "fact edit", fact="leica-country")
    preview = await moderator.submit_modal(
        shown, {**prefilled(shown.modal), "answer": "Saved from Discord."}
    )
    await moderator.click(preview.response, label="Save")
    await tick(simcord_env, bot)

    assert (await answer_of(moderator, channel, LEICA)).description.endswith("Saved from Discord.")
    assert (await answer_of(moderator, channel, QUESTION)).fact_id == "zeiss-vivo-flagships"


async def test_without_a_mod_log_channel_problems_go_to_the_log_only(
    simcord_env, bot, mod_kb, caplog
):
    (mod_kb[0] / "brands.yaml").write_text("- id: [\n", encoding="utf-8")
    await tick(simcord_env, bot)
    assert "brands.yaml:" in caplog.text
    assert bot.reported_problems, "remembered, so it is not reported again"


async def test_the_watch_stops_with_the_bot_and_is_off_by_default(
    simcord_env, bot, mod_settings, engine
):
    running = bot.watch_loop
    assert running is not None
    await bot.close()
    assert bot.watch_loop is None
    assert not running.is_running()
    assert create_bot(mod_settings, engine).watch is False


def test_the_reported_problems_file_is_never_written_through_a_link(tmp_path) -> None:
    from commands.modlog import ReportedProblems

    victim = tmp_path / "victim"
    victim.write_text("keep", encoding="utf-8")
    path = tmp_path / "reported-problems.json"
    path.symlink_to(victim)
    assert ReportedProblems(path).claim("abc") is True  # refused to write: posted anyway
    assert victim.read_text(encoding="utf-8") == "keep"


async def test_a_full_reload_frees_the_replaced_engine_in_the_background(
    simcord_env, channel, alice, bot, mod_kb, monkeypatch
):
    import commands.client
    from bot.caches.retire import wait_for_retired

    retired = []
    real = commands.client.retire

    def recording(engine):
        retired.append(engine)
        real(engine)

    monkeypatch.setattr(commands.client, "retire", recording)
    before = bot.engine
    # Brands changed: a full reload, a new engine.
    edit(mod_kb[0] / "brands.yaml", "    - 12 Pro\n", "    - 12 Pro\n    - Twelve Pro\n")
    await tick(simcord_env, bot)
    assert bot.engine is not before
    assert retired == [before]
    retired.clear()
    del before
    wait_for_retired()
    assert (await answer_of(alice, channel, LEICA)).description.endswith("German camera maker.")
    # An engine served again (an edit applied in place) is not retired.
    bot._serve(bot.engine)
    assert retired == []
