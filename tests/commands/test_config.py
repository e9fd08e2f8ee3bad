"""/config: each server's admins choose its cooldown and who may report answers; end to end."""

from __future__ import annotations

from discord import app_commands

from bot.state.feedback import FactFeedback
from bot.state.gaps import Gap
from bot.state.settings import ServerSettings
from commands.client import LOOKUP_RATE_FACTOR
from commands.config._cog import NO_MESSAGE_CONTENT_NOTE
from commands.moderation._render import feedback_embed, gaps_embed
from commands.ui import render as _render

LEICA = "Where is Leica from?"


async def test_only_members_with_manage_server_may_configure(
    simcord_env, channel, guild, manager, bot
):
    # A server admin let a role see /config; running it still needs Manage Server.
    members = guild.create_role("Members")
    alice = guild.add_member(simcord_env.create_user("alice"), roles=[members])
    for command in await bot.tree.fetch_commands():
        if command.name == "config":
            guild.set_command_permissions(command, {members: True})
    refused = await alice.slash(channel, "config cooldown", questions=1, seconds=60)
    assert refused.ephemeral
    assert refused.response.content == _render.NO_PERMISSION
    assert isinstance(simcord_env.errors[0], app_commands.MissingPermissions)
    assert bot.state.settings.all() == {}

    shown = await manager.slash(channel, "config show")
    assert shown.ephemeral
    assert "5 questions every 30 s" in shown.response.content
    assert "(set for this server)" not in shown.response.content


async def test_a_servers_cooldown_is_its_own_and_stored(
    simcord_env, channel, guild, alice, manager, bot
):
    saved = await manager.slash(channel, "config cooldown", questions=1, seconds=60)
    assert saved.ephemeral
    assert saved.response.content.startswith("Saved.")
    assert "1 questions every 60 s (set for this server)" in saved.response.content
    assert bot.state.settings.get(guild.id) == ServerSettings(cooldown_rate=1, cooldown_seconds=60)

    # Look-ups have LOOKUP_RATE_FACTOR times the questions' budget, in this server's cooldown.
    for _ in range(LOOKUP_RATE_FACTOR):
        first = await alice.slash(channel, "partners")
        assert not first.ephemeral
    second = await alice.slash(channel, "partners")
    assert second.ephemeral
    assert second.response.content == _render.cooldown_text(60)
    assert isinstance(simcord_env.errors[0], app_commands.CommandOnCooldown)

    await manager.slash(channel, "config reset")
    assert bot.state.settings.get(guild.id) == ServerSettings()


async def test_settings_survive_a_restart_of_the_bot(channel, guild, manager, bot):
    await manager.slash(channel, "config reporters", who="moderators")
    bot.server_settings = {}
    await bot.load_server_settings()  # as at start-up, from the state backend
    assert bot.effective_settings(guild.id).reporters == "moderators"
    assert bot.effective_settings(None).reporters == "everyone"  # DMs keep the defaults


async def test_a_server_may_let_only_moderators_report_answers(channel, alice, manager, bot):
    await manager.slash(channel, "config reporters", who="moderators")
    asked = await alice.slash(channel, "ask", question=LEICA)

    refused = await alice.click(asked.response, label="Wrong or outdated")
    assert refused.ephemeral
    assert refused.response.content == _render.REPORTS_BY_MODERATORS
    assert bot.feedback.records() == []
    helpful = await alice.click(asked.response, custom_id="cb:fb:up:leica-country")
    assert helpful.response.content == _render.THANKS_HELPFUL

    form = await manager.click(asked.response, label="Wrong or outdated")
    assert form.modal is not None


def test_worklists_name_the_servers_and_label_direct_messages():
    names = {11: "Camera *Fans*"}
    gaps = [Gap("Who makes the Pixel?", 3, "2026-12-01T10:00:00", "k", frozenset(), {11, 0})]
    line = gaps_embed(gaps, server_names=names).description
    assert line.endswith(" · from Camera \\*Fans\\*, DM")
    report = FactFeedback("leica-country", wrong=2, guilds={0, 22})
    [field] = feedback_embed([report], server_names=names).fields
    assert "From: server 22, DM" in field.value


async def test_an_answer_channel_without_the_intent_is_saved_with_a_warning(
    guild, channel, manager, bot
):
    assert not bot.intents.message_content  # .env sets no ANSWER_CHANNEL_IDS
    asking = guild.create_text_channel("ask-here")
    saved = await manager.slash(channel, "config answer-channel", action="add", channel=asking)
    assert saved.response.content.endswith(NO_MESSAGE_CONTENT_NOTE)
    assert bot.effective_settings(guild.id).answer_channel_ids == {asking.id}
    cleared = await manager.slash(channel, "config answer-channel", action="none")
    assert NO_MESSAGE_CONTENT_NOTE not in cleared.response.content
