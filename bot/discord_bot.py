"""The one core module that imports discord.py: the bot's lifecycle around :class:`bot.app.App`.

Intents (see README): ``guilds`` (channels, roles, permissions), ``guild_messages`` and the
privileged ``message_content`` (the moderation detector reads message text), and
``auto_moderation_execution`` (not privileged: the optional AutoMod rule's actions reach the review
queue). No ``members`` or ``presences`` intent: a message's author already carries its join date.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import pkgutil
import signal
from typing import Any

import aiohttp
import discord
from discord.ext import commands

import cogs
from bot.app import App
from bot.errors import ConfigurationError
from bot.settings import CONSOLE_HINT

log = logging.getLogger(__name__)

COMMAND_HASH_KEY = "app_command_hash"


def build_intents() -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    # Optional AutoMod mirroring: its actions come back as on_automod_action (not privileged).
    intents.auto_moderation_execution = True
    return intents


def discover_cogs() -> list[str]:
    """Every module in ``cogs/`` not starting with '_' is an extension."""
    return sorted(
        f"cogs.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.name.startswith("_")
    )


def setup_logging(level: str) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):  # replace the CLI's plain handler, do not log twice
        root.removeHandler(handler)
    discord.utils.setup_logging(level=getattr(logging, level), root=True)
    # The bot never joins voice; do not warn about voice libraries at every start.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


class MSBot(commands.AutoShardedBot):
    def __init__(self, app: App, **options: Any) -> None:
        # ``options`` are discord.py's documented Client options (the local Discord shortens
        # ``guild_ready_timeout``); production passes none.
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=build_intents(),
            help_command=None,
            allowed_mentions=discord.AllowedMentions(
                everyone=False, roles=False, replied_user=False
            ),
            **options,
        )
        self.app = app

    async def setup_hook(self) -> None:
        await self.app.start()
        for extension in discover_cogs():
            await self.load_extension(extension)
        await self.sync_commands()

    def command_payload_hash(self) -> str:
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        payload.sort(key=lambda item: (item.get("type", 1), item["name"]))
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    async def sync_commands(self) -> str:
        """Sync to the dev guild always (instant), globally only when the commands changed."""
        dev_guild_id = self.app.settings.dev_guild_id
        if dev_guild_id is not None:
            guild = discord.Object(id=dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to development guild %s", len(synced), dev_guild_id)
            return "guild"
        digest = self.command_payload_hash()
        stored = await self.app.db.fetchval(
            "SELECT value FROM bot_meta WHERE key = ?", (COMMAND_HASH_KEY,)
        )
        if stored == digest:
            log.info("Application commands unchanged; skipping global sync")
            return "unchanged"
        synced = await self.tree.sync()
        await self.app.db.execute_write(
            "INSERT INTO bot_meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (COMMAND_HASH_KEY, digest),
        )
        log.info("Synced %d global commands", len(synced))
        return "global"

    async def on_ready(self) -> None:
        log.info("Connected as %s to %d guilds", self.user, len(self.guilds))

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self.app.db.is_open:
                await self.app.close()
                log.info("Database closed cleanly")


async def run_bot(app: App, token: str) -> None:
    """Connect and serve until closed; start-up failures become one clear sentence."""
    bot = MSBot(app)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, lambda s=sig: _request_close(bot, s))
    try:
        async with bot:
            await bot.start(token)
    except discord.LoginFailure:
        raise ConfigurationError(
            "Discord refused the token in MSBOT_TOKEN: reset it on the Bot page of the Developer "
            f"Portal and update .env. {CONSOLE_HINT}"
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise ConfigurationError(
            "Discord refused the Message Content intent: turn on 'Message Content Intent' on the "
            "Bot page of the Developer Portal, then start again."
        ) from None
    except (aiohttp.ClientConnectionError, OSError) as exc:
        raise ConfigurationError(
            f"Could not reach Discord ({type(exc).__name__}): check the internet connection "
            f"and try again. {CONSOLE_HINT}"
        ) from None


def _request_close(bot: MSBot, sig: signal.Signals) -> None:
    log.info("Received %s; shutting down", sig.name)
    asyncio.ensure_future(bot.close())  # noqa: RUF006 - the loop ends when close completes
