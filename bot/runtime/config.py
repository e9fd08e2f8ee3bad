"""Settings from the environment (and `.env`), read once by the entry point."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from bot.errors import CamerabotError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
DEFAULT_STATE_DIR = PROJECT_ROOT / "state"
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(CamerabotError, ValueError):
    """A setting has a bad value; the message names the variable."""


class Secret(str):
    """A string whose repr never shows it, so a token cannot end up in a log or traceback."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('********')" if self else "Secret('')"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of the bot; see .env.example for what each one does."""

    # Stored as a Secret whatever str it is given (see __post_init__).
    discord_token: str = field(default_factory=lambda: Secret(""))
    guild_id: int | None = None
    moderator_role_ids: frozenset[int] = frozenset()
    # The servers whose moderators keep the shared fact base; none: no moderation from Discord.
    mod_guild_ids: frozenset[int] = frozenset()
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    state_dir: Path = DEFAULT_STATE_DIR
    answer_channel_ids: frozenset[int] = frozenset()
    mod_log_channel_id: int | None = None
    log_level: str = "INFO"
    cooldown_rate: int = 5
    cooldown_seconds: float = 30.0
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    reload_seconds: float = 2.0
    # A git url knowledge/ is a checkout of (empty: knowledge/ is only this host's folder); kept
    # a Secret since a url may carry a password.
    knowledge_remote: str = field(default_factory=lambda: Secret(""))
    env_file: Path | None = None  # the .env that was read, if any
    # postgresql://… puts run-time state in PostgreSQL; empty: the files in state_dir. It may
    # hold a password, so it is a Secret too.
    database_url: str = field(default_factory=lambda: Secret(""))

    def __post_init__(self) -> None:
        if not isinstance(self.discord_token, Secret):
            object.__setattr__(self, "discord_token", Secret(self.discord_token))
        if not isinstance(self.knowledge_remote, Secret):
            object.__setattr__(self, "knowledge_remote", Secret(self.knowledge_remote))
        if not isinstance(self.database_url, Secret):
            object.__setattr__(self, "database_url", Secret(self.database_url))

    @property
    def has_token(self) -> bool:
        """Whether a Discord token is configured."""
        return bool(self.discord_token.strip())


def _int(env: Mapping[str, str], name: str, *, minimum: int = 0) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii():  # int() takes other scripts' digits ("٣"): a typo, or a trick
        raise SettingsError(f"{name} must be a whole number in ASCII digits, not {raw!r}")
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, *, minimum: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii():
        raise SettingsError(f"{name} must be a number in ASCII digits, not {raw!r}")
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {raw!r}") from None
    if not math.isfinite(value):
        raise SettingsError(f"{name} must be a finite number, not {raw!r}")
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    return value


def _ids(env: Mapping[str, str], name: str) -> tuple[int, ...]:
    raw = env.get(name, "").strip()
    if not raw:
        return ()
    values = []
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not (part.isascii() and part.isdigit()):
            raise SettingsError(f"{name} must be comma-separated ids, and {part!r} is not one")
        values.append(int(part))
    if not values:
        raise SettingsError(f"{name} must be comma-separated ids, not only separators ({raw!r})")
    return tuple(values)


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    path = Path(raw).expanduser()
    return path if path.is_absolute() else (Path.cwd() / path).resolve()


def load_settings(
    env: Mapping[str, str] | None = None, *, env_file: Path | None = None
) -> Settings:
    """Settings from `env` (default: the process environment over `.env`); bad values raise."""
    read_file: Path | None = None
    if env is None:
        read_file = env_file if env_file is not None else find_env_file()
        file_values = (
            {key: value for key, value in dotenv_values(read_file).items() if value is not None}
            if read_file is not None and read_file.is_file()
            else {}
        )
        if not file_values and (read_file is None or not read_file.is_file()):
            read_file = None
        env = {**file_values, **os.environ}
    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in _LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {log_level!r}")
    shard_ids = _ids(env, "SHARD_IDS") or None
    if shard_ids is not None and len(set(shard_ids)) != len(shard_ids):
        raise SettingsError(f"SHARD_IDS names a shard twice ({env.get('SHARD_IDS', '').strip()!r})")
    token = env.get("DISCORD_TOKEN", "")
    if token and not token.strip():
        raise SettingsError("DISCORD_TOKEN is only white space: set the token, or leave it empty")
    shard_count = _int(env, "SHARD_COUNT", minimum=1)
    if shard_ids is not None and shard_count is None:
        raise SettingsError("SHARD_IDS needs SHARD_COUNT as well")
    if shard_ids is not None and shard_count is not None and max(shard_ids) >= shard_count:
        raise SettingsError(f"SHARD_IDS must be below SHARD_COUNT ({shard_count})")
    knowledge_dir = _path(env, "KNOWLEDGE_DIR", DEFAULT_KNOWLEDGE_DIR)
    remote = env.get("KNOWLEDGE_REMOTE", "").strip()
    if remote.startswith("-") or any(not ch.isprintable() for ch in remote):
        raise SettingsError("KNOWLEDGE_REMOTE must be a git url (or a path), not an option")
    database_url = env.get("DATABASE_URL", "").strip()
    if database_url and not database_url.startswith(("postgresql://", "postgres://")):
        # The value may hold a password: it is not repeated in the message.
        raise SettingsError("DATABASE_URL must be a postgresql://… URL, or empty for the files")
    return Settings(
        discord_token=Secret(env.get("DISCORD_TOKEN", "").strip()),
        guild_id=_int(env, "DISCORD_GUILD_ID", minimum=1),
        moderator_role_ids=frozenset(_ids(env, "MODERATOR_ROLE_IDS")),
        mod_guild_ids=frozenset(_ids(env, "MOD_GUILD_IDS")),
        knowledge_dir=knowledge_dir,
        state_dir=_path(env, "STATE_DIR", DEFAULT_STATE_DIR),
        answer_channel_ids=frozenset(_ids(env, "ANSWER_CHANNEL_IDS")),
        mod_log_channel_id=_int(env, "MOD_LOG_CHANNEL_ID", minimum=1),
        log_level=log_level,
        cooldown_rate=_int(env, "COOLDOWN_RATE", minimum=1) or 5,
        cooldown_seconds=_float(env, "COOLDOWN_SECONDS", 30.0, minimum=0.0),
        shard_count=shard_count,
        shard_ids=shard_ids,
        reload_seconds=_float(env, "RELOAD_SECONDS", 2.0, minimum=0.1),
        knowledge_remote=Secret(remote),
        env_file=read_file,
        database_url=Secret(database_url),
    )


def find_env_file() -> Path | None:
    """The `.env` to read: the current directory's, else the project root's, else none."""
    for directory in (Path.cwd(), PROJECT_ROOT):
        candidate = directory / ".env"
        if candidate.is_file():
            return candidate
    return None
