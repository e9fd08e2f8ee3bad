"""The composition root: extensions, the command tree's limits, the sync policy, start-up."""

from __future__ import annotations

import json
import logging
import sys

import discord
import pytest

from bot.cli import main as cli
from bot.runtime.config import Settings
from commands.app import run_bot
from commands.client import EXTENSIONS, create_bot
from commands.sync import SYNC_STATE_FILE, command_payload, payload_hash, sync_commands
from tests.helpers.discord_checks import command_problems


def command_puts(env) -> list:
    return [r for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]


async def test_every_extension_loads_and_registers_its_commands(simcord_env, bot):
    assert set(bot.extensions) == set(EXTENSIONS)
    assert bot.failed_extensions == []
    slash = bot.tree.get_commands(type=discord.AppCommandType.chat_input)
    assert sorted(c.name for c in slash) == [
        "ask",
        "config",
        "help",
        "partner",
        "partners",
        "sources",
    ]
    menus = [c.name for c in bot.tree.get_commands(type=discord.AppCommandType.message)]
    assert menus == ["Ask camerabot"]


@pytest.mark.parametrize("mod_guild", [None, 1_100_000_000_000_000_001])
async def test_the_command_tree_holds_discords_limits(simcord_env, bot, mod_guild):
    guild = discord.Object(mod_guild) if mod_guild else None
    payload = [
        cmd.to_dict(bot.tree)
        for cmd in bot.tree.get_commands(guild=guild, type=discord.AppCommandType.chat_input)
    ]
    problems = [p for command in payload for p in command_problems(command)]
    assert problems == []
    names = [c["name"] for c in payload]
    assert len(names) == len(set(names)) <= 100
    assert all(o["description"] != "…" for c in payload for o in c.get("options", []))


def test_the_limit_checks_catch_bad_commands() -> None:
    bad = {
        "name": "Ask Me",
        "description": "x" * 101,
        "options": [
            {"name": "a", "description": "…", "type": 3},
            {"name": "b", "description": "d", "type": 3, "required": True},
        ],
    }
    problems = command_problems(bad)
    assert any("bad name" in p for p in problems)
    assert any("description of 101" in p for p in problems)
    assert any("cut short" in p for p in problems)
    assert any("optional option comes before" in p for p in problems)


@pytest.fixture
def broken_settings(tmp_path) -> Settings:
    return Settings(state_dir=tmp_path / "state", shard_count=1)


async def test_a_broken_extension_does_not_take_the_bot_down_nor_its_commands(
    engine, broken_settings, caplog
):
    import simcord

    async with simcord.run(create_bot(broken_settings, engine)) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        alice = guild.add_member(env.create_user("alice"))
        puts = len(command_puts(env))
        # The ask extension fails to load after an upgrade: its commands must not be unsynced.
        broken = ("commands.no_such_cog", *(e for e in EXTENSIONS if e != "commands.ask"))
        bot = create_bot(broken_settings, engine, extensions=broken)
        await env.restart_bot(bot)
        assert len(command_puts(env)) == puts, "no sync without the failed extension's commands"
        assert (await alice.slash(channel, "help")).acknowledged
        assert "ask" in alice.available_commands(channel)
    assert bot.failed_extensions == ["commands.no_such_cog"]
    assert "commands.no_such_cog" in caplog.text
    assert "not syncing the commands" in caplog.text


async def test_start_up_syncs_only_when_the_commands_changed(simcord_env, bot, settings, engine):
    record = json.loads((settings.state_dir / SYNC_STATE_FILE).read_text())
    scopes = {"global": payload_hash(command_payload(bot.tree))}
    assert record == {"applications": {str(bot.application_id): scopes}}
    assert len(command_puts(simcord_env)) == 1

    await simcord_env.restart_bot(create_bot(settings, engine))
    assert len(command_puts(simcord_env)) == 1, "same commands: no sync at start-up"

    changed = create_bot(settings, engine)

    @discord.app_commands.command(name="extra", description="A new command.")
    async def extra(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("new")

    changed.tree.add_command(extra)
    await simcord_env.restart_bot(changed)
    assert len(command_puts(simcord_env)) == 2, "changed commands are synced"
    channel = simcord_env.create_guild().create_text_channel("general")
    alice = simcord_env.guild.add_member(simcord_env.create_user("alice"))
    assert (await alice.slash(channel, "extra")).response.content == "new"


def visible_names(env, member, channel) -> list[str]:
    """Every slash command the member sees in the channel, once per scope it is registered in."""
    return [
        c["name"] for c in env.backend.visible_commands(user_id=member.id, channel_id=channel.id)
    ]


async def test_the_development_guild_gets_the_commands_once(simcord_env, settings, engine):
    guild = simcord_env.create_guild("Dev")
    channel = guild.create_text_channel("dev")
    alice = guild.add_member(simcord_env.create_user("alice"))
    assert visible_names(simcord_env, alice, channel).count("ask") == 1, "globally synced"
    dev = Settings(state_dir=settings.state_dir, shard_count=1, guild_id=guild.id)

    bot = create_bot(dev, engine)
    await simcord_env.restart_bot(bot)

    assert command_puts(simcord_env)[-1].path.endswith(f"/guilds/{guild.id}/commands")
    record = json.loads((settings.state_dir / SYNC_STATE_FILE).read_text())
    scopes = record["applications"][str(bot.application_id)]
    assert set(scopes) == {"global", f"guild:{guild.id}"}
    assert scopes["global"] == payload_hash([]), "the global commands are cleared"
    assert visible_names(simcord_env, alice, channel).count("ask") == 1, "not twice"
    assert (await alice.slash(channel, "help")).acknowledged

    # Back to global: the development guild's copies are cleared in turn.
    await simcord_env.restart_bot(create_bot(settings, engine))
    assert visible_names(simcord_env, alice, channel).count("ask") == 1
    assert (await alice.slash(channel, "help")).acknowledged


async def test_another_application_with_the_same_state_dir_syncs(
    simcord_env, bot, settings, engine
):
    # The record says "synced" for another application (an old token): this one still syncs.
    record = settings.state_dir / SYNC_STATE_FILE
    data = json.loads(record.read_text())
    data["applications"] = {"42": data["applications"][str(bot.application_id)]}
    record.write_text(json.dumps(data))
    puts = len(command_puts(simcord_env))

    await simcord_env.restart_bot(create_bot(settings, engine))

    assert len(command_puts(simcord_env)) == puts + 1
    assert set(json.loads(record.read_text())["applications"]) == {"42", str(bot.application_id)}


async def test_sync_commands_on_request(simcord_env, bot, guild):
    count = await sync_commands(bot)
    assert count == len(bot.tree.get_commands())  # the slash commands and the message command
    assert command_puts(simcord_env)[-1].path.endswith("/commands")


@pytest.fixture
def sharded_settings(tmp_path) -> Settings:
    return Settings(state_dir=tmp_path / "state", shard_count=4, shard_ids=(1, 3))


async def test_shard_settings_reach_the_bot(engine, sharded_settings):
    import simcord

    bot = create_bot(sharded_settings, engine)
    assert bot.shard_count == 4
    assert bot.shard_ids == [1, 3]
    async with simcord.run(bot) as env:
        guild = env.create_guild(shard_id=3)
        channel = guild.create_text_channel("general")
        alice = guild.add_member(env.create_user("alice"))
        assert sorted(bot.shards) == [1, 3]
        assert (await alice.slash(channel, "help")).acknowledged


def test_run_bot_refuses_an_invalid_fact_base(tmp_path, caplog) -> None:
    (tmp_path / "knowledge").mkdir()
    settings = Settings(knowledge_dir=tmp_path / "knowledge", state_dir=tmp_path / "state")
    with caplog.at_level(logging.ERROR, logger="commands.app"):
        assert run_bot(settings) == 1
    assert "refusing to start" in caplog.text
    assert "sources.yaml" in caplog.text or "problem" in caplog.text.lower()


def test_run_bot_lets_the_event_loop_take_the_interpreter_back_within_a_millisecond(
    tmp_path,
) -> None:
    """A reload in a worker thread may delay a question by one switch interval at a time."""
    before = sys.getswitchinterval()
    try:
        (tmp_path / "knowledge").mkdir()
        settings = Settings(knowledge_dir=tmp_path / "knowledge", state_dir=tmp_path / "state")
        run_bot(settings)  # refuses the empty fact base, after setting up the interpreter
        assert sys.getswitchinterval() == pytest.approx(0.001)
    finally:
        sys.setswitchinterval(before)


def test_sync_needs_a_token(monkeypatch, capsys) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir("/")
    assert cli.main(["sync", "--guild", "123"]) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().err
    args = cli.build_parser().parse_args(["sync", "--guild", "42"])
    assert args.guild == 42
    assert args.handler is cli.cmd_sync
