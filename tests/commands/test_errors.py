"""The error path, the cooldown, permission checks and mentions that never ping."""

from __future__ import annotations

import logging

import discord
import pytest
import simcord
from discord import app_commands

from bot.engine.engine import Answer, CitedQuote, Suggestion
from bot.runtime.config import Settings
from commands.checks import moderator_only
from commands.client import create_bot
from commands.ui import render as _render
from tests.helpers.discord_checks import ScriptedEngine, callbacks_since, use_settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        state_dir=tmp_path / "state", shard_count=1, cooldown_rate=2, cooldown_seconds=30
    )


@pytest.fixture
def simcord_bot(settings, engine):
    """The real bot, plus test commands that fail, and one for moderators."""
    bot = create_bot(settings, engine)

    @app_commands.command(name="boom", description="Fails before answering.")
    async def boom(interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom")

    @app_commands.command(name="late-boom", description="Answers, then fails.")
    async def late_boom(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("working on it")
        raise RuntimeError("late kaboom")

    @app_commands.command(name="refused", description="Its check always fails.")
    @app_commands.check(lambda interaction: False)
    async def refused(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("never")

    @app_commands.command(name="mod-only", description="For moderators.")
    @moderator_only()
    async def mod_only(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("done", ephemeral=True)

    for command in (boom, late_boom, refused, mod_only):
        bot.tree.add_command(command)
    return bot


async def test_an_unexpected_error_is_logged_and_answered_once(simcord_env, channel, alice, caplog):
    caplog.set_level(logging.ERROR, logger="commands")
    mark = len(simcord_env.http_requests)

    result = await alice.slash(channel, "boom")

    assert result.acknowledged
    assert result.ephemeral
    assert result.response.content == _render.SOMETHING_WENT_WRONG
    assert "RuntimeError" not in result.response.content
    assert len(callbacks_since(simcord_env, mark)) == 1
    [record] = [r for r in caplog.records if r.name == "commands.errors"]
    assert record.exc_info is not None
    assert "kaboom" in caplog.text
    assert "Traceback" in caplog.text
    assert "boom" in record.getMessage()
    [error] = simcord_env.errors
    assert isinstance(error.__cause__ or error.original, RuntimeError)


async def test_an_error_after_answering_goes_to_a_followup(simcord_env, channel, alice, caplog):
    caplog.set_level(logging.ERROR, logger="commands")
    mark = len(simcord_env.http_requests)

    result = await alice.slash(channel, "late-boom")

    assert result.response.content == "working on it"
    [followup] = result.followups
    assert followup.ephemeral
    assert followup.content == _render.SOMETHING_WENT_WRONG
    assert len(callbacks_since(simcord_env, mark)) == 1, "the interaction is answered once"
    assert "late kaboom" in caplog.text
    assert len(simcord_env.errors) == 1


async def test_a_failed_check_gets_a_short_private_message(simcord_env, channel, alice, caplog):
    result = await alice.slash(channel, "refused")
    assert result.ephemeral
    assert result.response.content == _render.NO_PERMISSION
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert isinstance(simcord_env.errors[0], app_commands.CheckFailure)


async def test_the_cooldown_is_per_user_shared_and_lifts(simcord_env, channel, alice, bob):
    first = await alice.slash(channel, "ask", question="Where is Leica from?")
    second = await alice.slash(channel, "ask", question="Is Leica German?")
    third = await alice.slash(channel, "ask", question="Where is Leica from?")
    assert not first.ephemeral
    assert not second.ephemeral
    assert third.acknowledged
    assert third.ephemeral
    assert third.response.content == _render.cooldown_text(30)
    assert isinstance(simcord_env.errors[0], app_commands.CommandOnCooldown)

    other = await bob.slash(channel, "ask", question="Where is Leica from?")
    assert not other.ephemeral, "another user is not slowed down"
    helped = await alice.slash(channel, "help")
    assert helped.response.embeds, "/help is not rate limited"

    await simcord_env.advance_time(31)
    again = await alice.slash(channel, "ask", question="Where is Leica from?")
    assert not again.ephemeral
    assert again.response.embeds


async def test_questions_spread_over_the_window_are_limited_too(simcord_env, channel, alice):
    """The rate counts questions over COOLDOWN_SECONDS, not only those sent at one instant."""
    first = await alice.slash(channel, "ask", question="Where is Leica from?")
    await simcord_env.advance_time(10)
    second = await alice.slash(channel, "ask", question="Where is Leica from?")
    await simcord_env.advance_time(10)
    third = await alice.slash(channel, "ask", question="Where is Leica from?")
    assert not first.ephemeral
    assert not second.ephemeral
    assert third.ephemeral
    assert third.response.content == _render.cooldown_text(10)
    assert isinstance(simcord_env.errors[0], app_commands.CommandOnCooldown)
    await simcord_env.advance_time(11)
    fourth = await alice.slash(channel, "ask", question="Where is Leica from?")
    assert fourth.response.embeds, "the first question has left the window"


async def test_mentions_share_the_cooldown_and_warn_once(simcord_env, channel, alice, bot):
    for _ in range(2):
        await alice.slash(channel, "ask", question="Where is Leica from?")
    before = len(channel.history())
    await alice.send(channel, f"{bot.user.mention} Where is Leica from?")
    await alice.send(channel, f"{bot.user.mention} Where is Leica from?")
    replies = [m for m in channel.history()[before:] if m.author.id == bot.user.id]
    assert replies == [], "the cooldown notice is not for the channel"
    dms = [m.content for m in alice.user.dm_channel.history() if m.author.id == bot.user.id]
    assert dms == [_render.cooldown_text(30)]
    await simcord_env.advance_time(31)
    await alice.send(channel, f"{bot.user.mention} Where is Leica from?")
    assert channel.last_message.embeds


async def test_bare_mentions_cannot_flood_a_channel(simcord_env, channel, alice, bot):
    before = len(channel.history())
    for _ in range(6):
        await alice.send(channel, bot.user.mention)
    replies = [m.content for m in channel.history()[before:] if m.author.id == bot.user.id]
    # Two allowed (the rate is 2), one warning (privately), then silence.
    assert replies == [_render.EMPTY_MENTION, _render.EMPTY_MENTION]
    dms = [m.content for m in alice.user.dm_channel.history() if m.author.id == bot.user.id]
    assert dms == [_render.cooldown_text(30)]


async def test_a_mention_too_long_to_read_is_refused_not_cut(simcord_env, channel, alice, bot):
    question = "Where is Leica from? " + "Never mind the rest. " * 20 + "Who does Vivo work with?"
    sent = await alice.send(channel, f"{bot.user.mention} {question}")
    [reply] = [m for m in channel.history() if m.reference and m.reference.message_id == sent.id]
    assert reply.content == _render.too_long_text(len(question), 300)
    assert not reply.embeds, "nothing answered from the first 300 characters"


async def test_moderator_commands_are_hidden_and_enforced(simcord_env, guild, channel, alice, bot):
    managers = guild.create_role("Managers", permissions=discord.Permissions(manage_guild=True))
    mods = guild.create_role("Mods")
    helpers = guild.create_role("Helpers")
    manager = guild.add_member(simcord_env.create_user("manager"), roles=[managers])
    mod = guild.add_member(simcord_env.create_user("mod"), roles=[mods])
    helper = guild.add_member(simcord_env.create_user("helper"), roles=[helpers])
    use_settings(bot, moderator_role_ids=frozenset({mods.id}), mod_guild_ids=frozenset({guild.id}))

    with pytest.raises(simcord.SetupError):  # default_permissions hides it
        await alice.slash(channel, "mod-only")
    assert (await manager.slash(channel, "mod-only")).response.content == "done"

    # An admin lets two more roles see it; only the moderator role may run it.
    command = next(c for c in await bot.tree.fetch_commands() if c.name == "mod-only")
    guild.set_command_permissions(command, {mods: True, helpers: True})
    assert (await mod.slash(channel, "mod-only")).response.content == "done"
    refused = await helper.slash(channel, "mod-only")
    assert refused.ephemeral
    assert refused.response.content == _render.NO_PERMISSION
    assert len(simcord_env.errors) == 1

    # Manage Server in another server is no moderator of the shared fact base.
    other = simcord_env.create_guild("Other")
    other_channel = other.create_text_channel("general")
    admins = other.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = other.add_member(simcord_env.create_user("admin"), roles=[admins])
    elsewhere = await admin.slash(other_channel, "mod-only")
    assert elsewhere.response.content == _render.NO_PERMISSION
    assert len(simcord_env.errors) == 2


async def test_no_reply_can_ping(simcord_env, guild, channel, alice, bot, engine):
    role = guild.create_role("Everyone-ish", mentionable=True)
    loud = f"@everyone @here <@&{role.id}> <@{alice.id}> look"
    answer = Answer(
        "ping?",
        True,
        loud,
        1.0,
        fact_id="loud",
        matched_question=loud,
        citations=(CitedQuote("s", loud, "1 May 2022", loud),),
    )
    bot.engine = ScriptedEngine(engine, {"ping?": answer})
    mark = len(simcord_env.http_requests)

    slash = await alice.slash(channel, "ask", question="ping?")
    echoed = await alice.slash(channel, "partner", brand=loud)
    asked = await alice.send(channel, f"{bot.user.mention} ping?")

    sent = [
        r.json.get("data", r.json)
        for r in simcord_env.http_requests[mark:]
        if r.method == "POST" and isinstance(r.json, dict)
    ]
    assert len(sent) == 3
    for payload in sent:
        mentions = payload["allowed_mentions"]
        assert mentions["parse"] == []
        assert not mentions.get("users")
        assert not mentions.get("roles")
        assert not mentions.get("replied_user")
    for result in (slash, echoed):
        stored = simcord_env.backend.get_message(channel.id, result.response.id)
        assert not stored.mention_everyone
        assert stored.ping_role_ids == []
        assert stored.ping_user_ids == []
    assert "@everyone" not in echoed.response.content
    reply = channel.last_message
    assert reply.reference.message_id == asked.id
    stored = simcord_env.backend.get_message(channel.id, reply.id)
    assert stored.ping_user_ids == [], "the reply does not ping its author"


class _Broken(ScriptedEngine):
    def answer_entry(self, question, entry_id, score=1.0):
        raise RuntimeError("broken answer_entry")

    def ask(self, question):
        if question == "explode":
            raise RuntimeError("broken ask")
        return super().ask(question)


async def test_a_failing_button_goes_through_the_same_handler(
    simcord_env, channel, alice, bot, engine, caplog
):
    suggestion = Suggestion("x", "A suggestion")
    abstain = Answer("q?", False, None, 0.5, suggestions=(suggestion,))
    bot.engine = _Broken(engine, {"q?": abstain})
    shown = await alice.slash(channel, "ask", question="q?")

    pressed = await alice.click(shown.response, label="A suggestion")

    assert pressed.acknowledged
    assert pressed.ephemeral
    assert pressed.response.content == _render.SOMETHING_WENT_WRONG
    assert "broken answer_entry" in caplog.text


async def test_a_failing_mention_is_logged_and_answered(
    simcord_env, channel, alice, bot, engine, caplog
):
    bot.engine = _Broken(engine, {})
    asked = await alice.send(channel, f"{bot.user.mention} explode")
    reply = channel.last_message
    assert reply.reference.message_id == asked.id
    assert reply.content == _render.SOMETHING_WENT_WRONG
    assert "broken ask" in caplog.text


async def test_lookups_have_a_budget_of_their_own(simcord_env, channel, alice, bot):
    for _ in range(2):  # the question budget (rate 2) used up
        await alice.slash(channel, "ask", question="Where is Leica from?")
    asked = await alice.slash(channel, "ask", question="Where is Leica from?")
    assert asked.response.content == _render.cooldown_text(30)
    looked_up = [await alice.slash(channel, "partners") for _ in range(6)]
    assert all(r.response.content != _render.cooldown_text(30) for r in looked_up)
    over = await alice.slash(channel, "sources")  # 3 x 2 look-ups allowed, the 7th waits
    assert over.response.content == _render.cooldown_text(30)
    assert over.response.ephemeral
    assert [type(e) for e in simcord_env.errors] == [app_commands.CommandOnCooldown] * 2


async def test_no_right_to_post_is_logged_once_and_the_asker_told_by_dm(
    simcord_env, guild, alice, bot, caplog
):
    mute = guild.create_text_channel(
        "read-only", overwrites={bot.user: discord.PermissionOverwrite(send_messages=False)}
    )
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            await alice.send(mute, f"{bot.user.mention} Where is Leica from?")
    warnings = [r for r in caplog.records if "missing permission to reply" in r.message]
    assert len(warnings) == 1
    assert warnings[0].exc_info is None, "no traceback for a setting of the server"
    dms = [m.content for m in alice.user.dm_channel.history() if m.author.id == bot.user.id]
    assert dms == [_render.cannot_send_text(mute.id)] * 2
    assert not [m for m in mute.history() if m.author.id == bot.user.id]
