"""Settings: every variable parsed, bad values named, the token never shown, .env under the env."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime.config import (
    DEFAULT_KNOWLEDGE_DIR,
    DEFAULT_STATE_DIR,
    Secret,
    Settings,
    SettingsError,
    load_settings,
)

TOKEN = "MTA.secret-token.value"  # a made-up token

pytestmark = pytest.mark.usefixtures("clean_environment")


def test_defaults() -> None:
    settings = load_settings({})
    assert settings == Settings()
    assert not settings.has_token
    assert settings.knowledge_dir == DEFAULT_KNOWLEDGE_DIR
    assert settings.state_dir == DEFAULT_STATE_DIR
    assert settings.log_level == "INFO"
    assert (settings.cooldown_rate, settings.cooldown_seconds) == (5, 30.0)
    assert settings.reload_seconds == 2.0
    assert settings.guild_id is None
    assert settings.mod_log_channel_id is None
    assert settings.moderator_role_ids == frozenset()
    assert settings.answer_channel_ids == frozenset()
    assert (settings.shard_count, settings.shard_ids) == (None, None)


def test_every_variable(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "DISCORD_TOKEN": f"  {TOKEN}  ",
            "DISCORD_GUILD_ID": "123456789012345678",
            "MODERATOR_ROLE_IDS": "1, 2;3,,",
            "KNOWLEDGE_DIR": "kb",
            "STATE_DIR": str(tmp_path / "state"),
            "ANSWER_CHANNEL_IDS": "10,20",
            "MOD_LOG_CHANNEL_ID": "30",
            "LOG_LEVEL": "debug",
            "COOLDOWN_RATE": "3",
            "COOLDOWN_SECONDS": "12.5",
            "SHARD_COUNT": "4",
            "SHARD_IDS": "0,3",
            "RELOAD_SECONDS": "0.5",
        }
    )
    assert settings.discord_token == TOKEN
    assert isinstance(settings.discord_token, Secret)
    assert settings.has_token
    assert settings.guild_id == 123456789012345678
    assert settings.moderator_role_ids == frozenset({1, 2, 3})
    assert settings.knowledge_dir == tmp_path / "kb"  # relative to the working directory
    assert settings.state_dir == tmp_path / "state"
    assert settings.answer_channel_ids == frozenset({10, 20})
    assert settings.mod_log_channel_id == 30
    assert settings.log_level == "DEBUG"
    assert settings.cooldown_rate == 3
    assert settings.cooldown_seconds == 12.5
    assert settings.shard_count == 4
    assert settings.shard_ids == (0, 3)
    assert settings.reload_seconds == 0.5


def test_an_empty_token_is_no_token_and_a_blank_one_an_error() -> None:
    assert not load_settings({"DISCORD_TOKEN": ""}).has_token
    with pytest.raises(SettingsError, match=r"^DISCORD_TOKEN is only white space"):
        load_settings({"DISCORD_TOKEN": "   "})


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"SHARD_IDS": "0,0", "SHARD_COUNT": "2"}, "twice"),
        ({"SHARD_IDS": " , ", "SHARD_COUNT": "2"}, "only separators"),
        ({"MODERATOR_ROLE_IDS": ";"}, "only separators"),
        ({"SHARD_COUNT": "\u0663"}, "ASCII digits"),  # ARABIC-INDIC DIGIT THREE
        ({"COOLDOWN_RATE": "\uff15"}, "ASCII digits"),  # FULLWIDTH DIGIT FIVE
        ({"COOLDOWN_SECONDS": "\u0661.\u0665"}, "ASCII digits"),
        ({"RELOAD_SECONDS": "\u0968"}, "ASCII digits"),  # DEVANAGARI DIGIT TWO
        ({"DISCORD_GUILD_ID": "\u0661\u0662"}, "ASCII digits"),
    ],
)
def test_lists_and_numbers_that_only_look_right_are_refused(env: dict, fragment: str) -> None:
    with pytest.raises(SettingsError, match=fragment):
        load_settings(env)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DISCORD_GUILD_ID", "abc"),
        ("DISCORD_GUILD_ID", "0"),
        ("DISCORD_GUILD_ID", "-5"),
        ("DISCORD_GUILD_ID", "1.5"),
        ("MOD_LOG_CHANNEL_ID", "#mods"),
        ("MODERATOR_ROLE_IDS", "12,moderators"),
        ("MODERATOR_ROLE_IDS", "12,²"),
        ("ANSWER_CHANNEL_IDS", "-1"),
        ("ANSWER_CHANNEL_IDS", "1 2"),
        ("LOG_LEVEL", "LOUD"),
        ("COOLDOWN_RATE", "x"),
        ("COOLDOWN_RATE", "0"),
        ("COOLDOWN_RATE", "2.5"),
        ("COOLDOWN_SECONDS", "soon"),
        ("COOLDOWN_SECONDS", "-1"),
        ("COOLDOWN_SECONDS", "nan"),
        ("COOLDOWN_SECONDS", "inf"),
        ("RELOAD_SECONDS", "0"),
        ("RELOAD_SECONDS", "nan"),
        ("SHARD_COUNT", "0"),
        ("SHARD_COUNT", "two"),
        ("SHARD_IDS", "0,x"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, value: str) -> None:
    env = {name: value, "SHARD_COUNT": "2"} if name == "SHARD_IDS" else {name: value}
    with pytest.raises(SettingsError) as raised:
        load_settings(env)
    message = str(raised.value)
    assert message.startswith(name)
    bad = value.split(",")[-1]
    assert repr(value) in message or repr(bad) in message or bad in message


def test_shard_ids_need_a_shard_count() -> None:
    with pytest.raises(SettingsError, match=r"^SHARD_IDS needs SHARD_COUNT"):
        load_settings({"SHARD_IDS": "0"})


def test_shard_ids_below_the_count() -> None:
    with pytest.raises(SettingsError, match=r"^SHARD_IDS must be below SHARD_COUNT"):
        load_settings({"SHARD_IDS": "0,2", "SHARD_COUNT": "2"})


def test_the_token_never_shows() -> None:
    settings = load_settings({"DISCORD_TOKEN": TOKEN, "LOG_LEVEL": "DEBUG"})
    for shown in (repr(settings), str(settings), f"{settings}", f"{settings!r}"):
        assert TOKEN not in shown
        assert "secret" not in shown
    assert TOKEN not in repr(settings.discord_token)
    assert "********" in repr(settings)
    assert settings.discord_token == TOKEN  # still usable where it is needed


def test_the_token_never_shows_even_when_given_as_plain_text() -> None:
    settings = Settings(discord_token=TOKEN)  # type: ignore[arg-type]
    assert isinstance(settings.discord_token, Secret)
    assert TOKEN not in repr(settings)
    assert settings.has_token


def test_the_token_is_not_in_an_error_message() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"DISCORD_TOKEN": TOKEN, "COOLDOWN_RATE": "many"})
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(raised.value)


def test_dot_env_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / "custom.env"
    env_file.write_text(
        f"DISCORD_TOKEN={TOKEN}\nLOG_LEVEL=warning\nCOOLDOWN_RATE=7\n# a comment\n",
        encoding="utf-8",
    )
    settings = load_settings(env_file=env_file)
    assert settings.discord_token == TOKEN
    assert settings.log_level == "WARNING"
    assert settings.cooldown_rate == 7


def test_the_environment_overrides_dot_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_LEVEL=DEBUG\nCOOLDOWN_RATE=7\n", encoding="utf-8")
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    settings = load_settings(env_file=env_file)
    assert settings.log_level == "ERROR"
    assert settings.cooldown_rate == 7


def test_dot_env_in_the_working_directory_is_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("COOLDOWN_SECONDS=9\n", encoding="utf-8")
    assert load_settings().cooldown_seconds == 9.0
    monkeypatch.setenv("COOLDOWN_SECONDS", "4")
    assert load_settings().cooldown_seconds == 4.0


def test_a_bad_value_in_dot_env_names_its_variable(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("RELOAD_SECONDS=often\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^RELOAD_SECONDS"):
        load_settings(env_file=env_file)


def test_dot_env_at_the_project_root_is_found_from_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / ".env").write_text("COOLDOWN_SECONDS=7\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("COOLDOWN_SECONDS", raising=False)
    monkeypatch.setattr("bot.runtime.config.PROJECT_ROOT", root)
    settings = load_settings()
    assert (settings.cooldown_seconds, settings.env_file) == (7.0, root / ".env")
    (elsewhere / ".env").write_text("COOLDOWN_SECONDS=3\n", encoding="utf-8")
    settings = load_settings()
    assert (settings.cooldown_seconds, settings.env_file) == (3.0, elsewhere / ".env")


def test_no_dot_env_is_fine(tmp_path: Path) -> None:
    assert load_settings(env_file=tmp_path / "missing.env") == Settings()


def test_a_secret_shows_only_whether_it_is_set() -> None:
    assert repr(Secret(TOKEN)) == "Secret('********')"
    assert repr(Secret("")) == "Secret('')"


def test_empty_ids_in_a_list_are_skipped() -> None:
    settings = load_settings({"MODERATOR_ROLE_IDS": "1,,2; 3,", "ANSWER_CHANNEL_IDS": " ,4"})
    assert settings.moderator_role_ids == frozenset({1, 2, 3})
    assert settings.answer_channel_ids == frozenset({4})


def test_the_smallest_allowed_numbers_are_accepted() -> None:
    settings = load_settings(
        {"COOLDOWN_RATE": "1", "SHARD_COUNT": "1", "SHARD_IDS": "0", "DISCORD_GUILD_ID": "1"}
    )
    assert (settings.cooldown_rate, settings.shard_count, settings.guild_id) == (1, 1, 1)
    with pytest.raises(SettingsError, match=r"^COOLDOWN_RATE must be at least 1, not 0$"):
        load_settings({"COOLDOWN_RATE": "0"})
