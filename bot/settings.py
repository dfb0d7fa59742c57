"""Process-wide settings: environment variables prefixed ``MSBOT_`` and an optional ``.env``.

Per-guild options (channels, thresholds) live in ``bot.guild_config`` instead.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
ENV_PREFIX = "MSBOT_"
CONSOLE_HINT = "To try the bot without Discord, run `make console` (python -m bot console)."
#: A Discord bot token is three base64url parts joined by dots; nothing else ever belongs in it.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        hide_input_in_errors=True,
    )

    # --- foundation ---
    token: SecretStr | None = Field(
        default=None, description="Discord bot token (secret). Needed only to connect to Discord."
    )
    database_path: Path = Field(
        default=DATA_DIR / "msbot.sqlite3", description="SQLite database file."
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL instead of the SQLite file: postgresql://user:password@host/db "
        "(secret: it may hold a password).",
    )
    shard_count: int | None = Field(
        default=None,
        ge=1,
        le=10000,
        description="Gateway shards of the whole bot, when several processes share them; "
        "unset = Discord's recommendation, all in this process.",
    )
    shard_ids: str | None = Field(
        default=None,
        description="Shards this process runs, like 0-3 or 0,2,4-5 (needs MSBOT_SHARD_COUNT).",
    )
    dev_guild_id: int | None = Field(
        default=None,
        description="Guild id for instant command sync while developing; unset = global sync.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Logging level."
    )

    # --- articles (issue: articles and ratings) ---
    articles_dir: Path = Field(
        default=DATA_DIR / "articles",
        description="Folder of Markdown articles imported at start-up.",
    )
    articles_feed_url: str | None = Field(
        default=None, description="RSS/Atom feed of the community's site to import articles from."
    )
    articles_feed_sync_minutes: int = Field(
        default=0, ge=0, le=10080, description="Re-import the feed every N minutes (0 = off)."
    )

    # --- streaks (issue: exercise streaks) ---
    reminder_tick_seconds: int = Field(
        default=60,
        ge=10,
        le=3600,
        description="How often the reminder scheduler looks for due reminders.",
    )

    # --- moderation (issue: moderation) ---
    moderation_rules_dir: Path = Field(
        default=DATA_DIR / "moderation", description="Folder of moderation rule files."
    )
    moderation_retention_days: int = Field(
        default=30, ge=1, le=365, description="Days flagged message text is kept."
    )

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgresql_only(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return None
            if not value.startswith(("postgresql://", "postgres://")):
                # Never echo the value: it may hold a password.
                raise ValueError(
                    "it must start with postgresql:// (for a SQLite file, set "
                    f"{ENV_PREFIX}DATABASE_PATH instead)"
                )
        return value

    @field_validator("shard_ids")
    @classmethod
    def _valid_shard_ids(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or not value.strip():
            return None
        count = info.data.get("shard_count")
        if count is None:
            raise ValueError(f"set {ENV_PREFIX}SHARD_COUNT too (the shards of the whole bot)")
        ids = parse_shard_ids(value)
        too_high = [shard for shard in ids if shard >= count]
        if too_high:
            raise ValueError(
                f"shard {too_high[0]} does not exist: with {ENV_PREFIX}SHARD_COUNT={count} the "
                f"shards are 0 to {count - 1}"
            )
        return ",".join(str(shard) for shard in ids)

    @property
    def shards(self) -> list[int] | None:
        """The shard ids this process runs (None: all of them, as discord.py decides)."""
        return parse_shard_ids(self.shard_ids) if self.shard_ids else None

    @field_validator("token", mode="before")
    @classmethod
    def _blank_token_is_missing(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def require_token(self) -> str:
        """The token, checked for shape: a line break or a space inside it (a bad copy and
        paste) would otherwise surface as an HTTP header error deep inside aiohttp."""
        if self.token is None:
            raise ConfigurationError(
                f"{ENV_PREFIX}TOKEN is not set: put your bot token in .env "
                f"(copy .env.example) or the environment. {CONSOLE_HINT}"
            )
        token = self.token.get_secret_value().strip()
        if not _TOKEN_SHAPE.fullmatch(token):
            # Never echo the token, not even part of it: it is a secret.
            raise ConfigurationError(
                f"{ENV_PREFIX}TOKEN contains a line break, a space or another character a "
                "Discord token never has: copy the token again from the Bot page of the "
                "Developer Portal and paste it on one line in .env."
            )
        return token


def parse_shard_ids(text: str) -> list[int]:
    """``0-3`` or ``0,2,4-5`` -> sorted shard ids; ValueError says what is wrong."""
    ids: set[int] = set()
    for part in text.replace(" ", "").split(","):
        first, dash, last = part.partition("-")
        last = last if dash else first
        if not all(n.isdecimal() and n.isascii() and len(n) <= 5 for n in (first, last)):
            raise ValueError(f"write shard ids like 0-3 or 0,2,4-5, not {part[:20]!r}")
        start, end = int(first), int(last)
        if end < start:
            raise ValueError(f"the range {part} runs backwards: write {end}-{start}")
        ids.update(range(start, end + 1))
    return sorted(ids)


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning validation errors into one clear sentence."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        raise ConfigurationError(
            f"{ENV_PREFIX}{field.upper()} is invalid ({error['msg']}): fix it in .env or the "
            f"environment (see .env.example). {CONSOLE_HINT}"
        ) from None
