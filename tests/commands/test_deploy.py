"""Serving many servers: who moderates, when the bot answers, DMs, threads, the context menu."""

from __future__ import annotations

import json
import logging

import discord
import pytest
import simcord

from bot.runtime.config import Settings
from commands.client import create_bot
from commands.moderation._forms import FIELD_MAX, FactDraft
from commands.moderation._views import FactFlow, FactModal
from commands.ui import render as _render
from tests.commands.conftest import GUILD_ID
from tests.helpers.discord_checks import fact_of, gap_lines, only_embed, use_settings

LEICA = "Where is Leica from?"


def replies_to(channel, message):
    return [m for m in channel.history() if m.reference and m.reference.message_id == message.id]


# Defect 1: one server's admins cannot edit the fact base every server shares


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


async def test_admins_of_another_server_cannot_see_or_run_the_moderators_commands(
    simcord_env, guild, channel, bot, manager, mod_kb
):
    other = simcord_env.create_guild("Another community")
    other_channel = other.create_text_channel("general")
    admins = other.create_role("Admins", permissions=discord.Permissions(administrator=True))
    admin = other.add_member(simcord_env.create_user("admin"), roles=[admins])
    before = (mod_kb[0] / "facts" / "leica.yaml").read_text(encoding="utf-8")

    assert "fact remove" in manager.available_commands(channel), "the moderators' server"
    seen = admin.available_commands(other_channel)
    assert "ask" in seen
    assert not [name for name in seen if name.split()[0] in ("fact", "kb", "source")]
    for command, options in (
        ("fact remove", {"fact": "leica-country"}),
        ("kb export", {}),
        ("kb gaps", {}),
        ("fact history", {"fact": "leica-country"}),
    ):
        with pytest.raises(simcord.SetupError):
            await admin.slash(other_channel, command, **options)

    asked = await admin.slash(other_channel, "ask", question=LEICA)
    assert fact_of(asked.response) == "leica-country", "still answered everywhere"
    assert (mod_kb[0] / "facts" / "leica.yaml").read_text(encoding="utf-8") == before


async def test_the_run_time_check_refuses_a_server_no_longer_in_mod_guild_ids(
    simcord_env, channel, bot, manager
):
    # The commands are still registered there (MOD_GUILD_IDS changed, not synced yet).
    use_settings(bot, mod_guild_ids=frozenset({GUILD_ID + 1}))
    refused = await manager.slash(channel, "kb validate")
    assert refused.ephemeral
    assert refused.response.content == _render.NO_PERMISSION
    assert [type(e) for e in simcord_env.errors] == [discord.app_commands.MissingPermissions]


async def test_without_mod_guild_ids_moderation_is_off_and_start_up_says_so_once(
    engine, tmp_path, caplog
):
    caplog.set_level(logging.WARNING, logger="commands.moderation._cog")
    settings = Settings(state_dir=tmp_path / "state", shard_count=1)
    bot = create_bot(settings, engine)
    async with simcord.run(bot) as env:
        guild = env.create_guild(id=GUILD_ID)
        channel = guild.create_text_channel("general")
        owner_role = guild.create_role(
            "Owners", permissions=discord.Permissions(administrator=True)
        )
        owner = guild.add_member(env.create_user("owner"), roles=[owner_role])
        names = owner.available_commands(channel)
        assert "ask" in names
        assert not [n for n in names if n.split()[0] in ("fact", "kb", "source")]
    warnings = [r.getMessage() for r in caplog.records if "MOD_GUILD_IDS" in r.getMessage()]
    assert len(warnings) == 1
    assert "command line still works" in warnings[0]


# Defect 2: only an explicit mention is a question


async def test_a_reply_to_the_bot_is_not_a_question(simcord_env, channel, alice, bot):
    asked = await alice.send(channel, f"{bot.user.mention} {LEICA}")
    [answer] = replies_to(channel, asked)

    thanks = await alice.send(channel, "thanks, that's great!", reply_to=answer)

    assert bot.user.id in [u.id for u in thanks.mentions], "a reply with ping mentions the bot"
    assert replies_to(channel, thanks) == []
    assert gap_lines(bot.settings) == []


async def test_a_reply_that_mentions_the_bot_in_its_text_is_a_question(
    simcord_env, channel, alice, bot
):
    asked = await alice.send(channel, f"{bot.user.mention} {LEICA}")
    [answer] = replies_to(channel, asked)
    follow_up = await alice.send(
        channel, f"{bot.user.mention} Who does Vivo work with?", reply_to=answer
    )
    [reply] = replies_to(channel, follow_up)
    assert reply.embeds[0].title == "Who does Vivo work with?"


# Defect 7: DMs (threads: test_discord_channels)


async def test_a_direct_message_is_answered_without_a_mention(simcord_env, alice, bot):
    sent = await alice.send_dm(LEICA)
    dm = alice.user.dm_channel
    [reply] = replies_to(dm, sent)
    assert reply.embeds[0].title == LEICA
    helped = await alice.send_dm("help")
    [help_reply] = replies_to(dm, helped)
    assert help_reply.embeds[0].title == "camerabot"
    unknown = await alice.send_dm("Do periscope lenses dream?")
    [abstained] = replies_to(dm, unknown)
    assert abstained.content.startswith(_render.DONT_KNOW)
    assert [json.loads(line)["where"] for line in gap_lines(bot.settings)] == ["dm"]


# The "Ask camerabot" message command


@pytest.mark.simcord(approved_intents=discord.Intents.default())
async def test_ask_camerabot_answers_a_message_with_a_jump_link(
    simcord_env, channel, alice, bob, bot
):
    assert not bot.intents.message_content
    message = await bob.send(channel, "hey, where is Leica from?")

    result = await alice.context_menu(channel, "Ask camerabot", message)

    assert result.acknowledged
    assert not result.ephemeral
    assert result.response.content.startswith(f"Answering <@{bob.id}>'s message: ")
    assert f"/channels/{GUILD_ID}/{channel.id}/{message.id}" in result.response.content
    assert only_embed(result.response).title == "hey, where is Leica from?"
    assert fact_of(result.response) == "leica-country"


async def test_ask_camerabot_on_a_message_it_cannot_answer_tells_only_the_asker(
    simcord_env, channel, alice, bob, bot
):
    message = await bob.send(channel, "Do periscope lenses dream?")
    result = await alice.context_menu(channel, "Ask camerabot", message)
    assert result.ephemeral
    assert _render.DONT_KNOW in result.response.content
    [gap] = [json.loads(line) for line in gap_lines(bot.settings)]
    assert gap["where"] == "context menu"


# /ask private, the fact form's limits


async def test_ask_private_answers_only_the_asker(simcord_env, channel, alice):
    result = await alice.slash(channel, "ask", question=LEICA, private=True)
    assert result.ephemeral
    assert only_embed(result.response).title == LEICA


async def test_the_fact_form_carries_the_real_limits(simcord_env, bot):
    cog = bot.get_cog("Facts")
    modal = FactModal(cog, FactFlow(1, FactDraft(question="q" * 300)), replace=False)
    inputs = {item.custom_id: item for item in modal.walk_children() if hasattr(item, "max_length")}
    assert inputs["question"].max_length == 100
    assert inputs["answer"].max_length == 3500
    assert inputs["quote"].max_length == 900
    assert inputs["source"].max_length == 63
    assert len(inputs["question"].default) == 100, "a long gap question is cut to fit the form"
    assert FIELD_MAX["question"] == 100


def test_mod_guild_ids_is_read_from_the_environment() -> None:
    from bot.runtime.config import SettingsError, load_settings

    assert load_settings({"MOD_GUILD_IDS": "12, 34"}).mod_guild_ids == frozenset({12, 34})
    assert load_settings({}).mod_guild_ids == frozenset()
    with pytest.raises(SettingsError, match="MOD_GUILD_IDS"):
        load_settings({"MOD_GUILD_IDS": "12,abc"})
