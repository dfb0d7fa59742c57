"""The one core module that imports discord.py: the bot's lifecycle around :class:`bot.app.App`.

Intents (see README): ``guilds`` (channels, roles, permissions), ``guild_messages`` and the
privileged ``message_content`` (the moderation detector reads message text), and
``auto_moderation_execution`` (not privileged: the optional AutoMod rule's actions reach the review
queue). No ``members`` or ``presences`` intent: a message's author already carries its join date.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import logging
import pkgutil
import signal
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot.app import App
from bot.errors import ConfigurationError
from bot.ratelimit import RateBudget
from bot.settings import CONSOLE_HINT, Settings
from bot.storage.leases import COMMAND_SYNC
from bot.text import clean_text
from cogs._language import CommandTranslator, LanguageTree

log = logging.getLogger(__name__)

COMMAND_HASH_KEY = "app_command_hash"
#: After SIGTERM: how long event handlers already running may take to finish.
SHUTDOWN_GRACE_SECONDS = 5.0
#: Names discord.py gives the tasks that run event listeners, slash commands, buttons, modals.
HANDLER_TASK_PREFIXES = ("discord.py: ", "CommandTree-invoker", "discord-ui-")
#: Discord lets a bot make 50 REST requests a second in all; the bot keeps a fifth of that spare
#: (interaction replies do not count: they are not under the global limit).
REQUESTS_PER_SECOND = 40
REQUEST_BURST = 4  # so at most 44 in any one second
#: Kept free for members' commands whatever background senders (reminders) take.
COMMANDS_HEADROOM = 8
#: Command sync: how long one process may hold the sync (others wait for it, then see the hash).
COMMAND_SYNC_LEASE_SECONDS = 120


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


# -- lone surrogates, at the edge ---------------------------------------------------------------
def _clean_decoded(value: object) -> object:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: _clean_decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean_decoded(item) for item in value]
    return value


def install_text_guard() -> None:
    """Every JSON document discord.py decodes (gateway events, interactions, HTTP answers)
    leaves with its lone surrogates replaced, so member text reaches the cogs and the core as
    valid Unicode: it can be compared, stored and sent back. A surrogate can only come from a
    ``\\ud800``-style escape, so documents without one are returned untouched."""
    decode = discord.utils._from_json
    if getattr(decode, "cleans_surrogates", False):
        return

    def from_json(text: str) -> object:
        data = decode(text)
        if isinstance(text, str) and ("\\ud" in text or "\\uD" in text):
            return _clean_decoded(data)
        return data

    from_json.cleans_surrogates = True  # type: ignore[attr-defined]
    discord.utils._from_json = from_json


def draw_requests_from(http: discord.http.HTTPClient, budget: RateBudget) -> None:
    """Make every REST request discord.py sends wait for the shared budget first.

    discord.py still honours 429s itself (per route and global, sleeping their retry-after and
    retrying); one that reaches us anyway holds the whole budget for its retry-after.
    """
    send = http.request

    @functools.wraps(send)
    async def request(route: discord.http.Route, **kwargs: Any) -> Any:
        await budget.acquire()
        try:
            return await send(route, **kwargs)
        except discord.RateLimited as exc:
            budget.hold(exc.retry_after)
            raise
        except discord.HTTPException as exc:
            if exc.status == 429:
                budget.hold(retry_after(exc))
            raise

    http.request = request  # type: ignore[method-assign]


def retry_after(exc: discord.HTTPException, default: float = 1.0) -> float:
    """The seconds a refused request asks us to wait (from its Retry-After header)."""
    try:
        return float(exc.response.headers.get("Retry-After", default))
    except (AttributeError, TypeError, ValueError):
        return default


class MSBot(commands.AutoShardedBot):
    def __init__(self, app: App, *, rate_budget: RateBudget | None = None, **options: Any) -> None:
        # ``options`` are discord.py's documented Client options (the local Discord shortens
        # ``guild_ready_timeout``); production passes none. ``rate_budget``: benchmarks pass
        # one on a simulated clock.
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=build_intents(),
            help_command=None,
            allowed_mentions=discord.AllowedMentions(
                everyone=False, roles=False, replied_user=False
            ),
            # Every command, menu and autocomplete answers in the member's language.
            tree_cls=LanguageTree,
            **options,
        )
        self.app = app
        #: True once start-up is over (database, cogs, command sync): from then on a shutdown
        #: request drains gracefully; before, it cancels the start-up.
        self.serving = False
        self.shutdown_requested = False
        self.close_logged = False
        install_text_guard()
        #: Every REST request draws from this; the reminder sender takes a share of it.
        self.rate_budget = rate_budget or RateBudget(
            REQUESTS_PER_SECOND, REQUEST_BURST, headroom=COMMANDS_HEADROOM
        )
        draw_requests_from(self.http, self.rate_budget)

    async def setup_hook(self) -> None:
        if not self.app.is_started:
            await self.app.start()
        # Command names and descriptions in each member's language (the `commands` catalogs).
        await self.tree.set_translator(CommandTranslator())
        for extension in discover_cogs():
            await self.load_extension(extension)
        await self.sync_commands()
        self.serving = True

    async def command_payload_hash(self) -> str:
        """What a sync would send, translations included (a changed catalog re-syncs)."""
        translator = self.tree.translator
        payload = [
            await command.get_translated_payload(self.tree, translator)
            if translator is not None
            else command.to_dict(self.tree)
            for command in self.tree.get_commands()
        ]
        payload.sort(key=lambda item: (item.get("type", 1), item["name"]))
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    async def sync_commands(self) -> str:
        """Sync to the dev guild always (instant), globally only when the commands changed.

        Several bot processes (shards) starting together sync one after the other under the
        command-sync lease: the first syncs and stores the payload hash, the others find it
        unchanged, so Discord is asked once."""
        leases = self.app.leases
        for _ in range(COMMAND_SYNC_LEASE_SECONDS + 1):  # a stopped holder's lease expires
            if await leases.hold(COMMAND_SYNC, COMMAND_SYNC_LEASE_SECONDS):
                break
            await asyncio.sleep(1)
        try:
            return await self._sync_commands()
        finally:
            await leases.release(COMMAND_SYNC)

    async def _sync_commands(self) -> str:
        dev_guild_id = self.app.settings.dev_guild_id
        if dev_guild_id is not None:
            guild = discord.Object(id=dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self._sync(guild)
            log.info("Synced %d commands to development guild %s", len(synced), dev_guild_id)
            return "guild"
        digest = await self.command_payload_hash()
        stored = await self.app.db.fetchval(
            "SELECT value FROM bot_meta WHERE key = ?", (COMMAND_HASH_KEY,)
        )
        if stored == digest:
            log.info("Application commands unchanged; skipping global sync")
            return "unchanged"
        synced = await self._sync(None)
        await self.app.db.execute_write(
            "INSERT INTO bot_meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (COMMAND_HASH_KEY, digest),
        )
        log.info("Synced %d global commands", len(synced))
        return "global"

    async def _sync(self, guild: discord.abc.Snowflake | None) -> list[app_commands.AppCommand]:
        """``tree.sync``, with Discord's refusals turned into one sentence for the admin."""
        try:
            return await (self.tree.sync(guild=guild) if guild else self.tree.sync())
        except app_commands.CommandSyncFailure as exc:
            detail = " ".join(str(exc).split())[:300]
            raise ConfigurationError(
                f"Discord refused the slash command definitions ({detail}): this is a bug in "
                "the bot's commands, so report it with this message; an older version of the "
                "bot will still start."
            ) from None
        except discord.Forbidden:
            where = (
                f"the development server MSBOT_DEV_GUILD_ID={guild.id}"
                if guild is not None
                else "this application"
            )
            raise ConfigurationError(
                f"Discord would not let the bot register slash commands for {where}: invite "
                "the bot with the 'applications.commands' scope (or unset MSBOT_DEV_GUILD_ID), "
                "then start again."
            ) from None
        except discord.HTTPException as exc:
            raise ConfigurationError(
                f"Discord could not register the slash commands (HTTP {exc.status}): wait a "
                "minute and start the bot again."
            ) from None

    async def on_ready(self) -> None:
        log.info("Connected as %s to %d guilds", self.user, len(self.guilds))

    # -- shutdown --------------------------------------------------------------------------
    async def shutdown(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stop taking events, let the handlers already running finish (at most ``grace``
        seconds, with Discord still reachable so their answers and card posts go out), then
        close: cogs, the gateway, HTTP, and last the core, which drains its writes."""
        for shard in list(self.shards.values()):
            with contextlib.suppress(Exception):
                await shard.disconnect()
        running = _handler_tasks()
        if running:
            log.info("Letting %d running handlers finish", len(running))
            _, late = await asyncio.wait(running, timeout=grace)
            if late:
                log.warning("%d handlers still running after %.0f s; closing", len(late), grace)
        await self.close()

    async def __aexit__(self, *exc_info: object) -> None:
        # discord.py's own exit waits only for its part of close() when a close is already
        # running (a SIGTERM's shutdown): wait for ours, so run_bot never returns, and the
        # process never exits, while the core is still stopping or draining its writes.
        await self.close()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            was_open = self.app.db.is_open
            await self.app.close()  # waits for a close already in progress
            if was_open and not self.close_logged:  # two callers may wait on the same close
                self.close_logged = True
                log.info("Database closed cleanly")


def shard_options(settings: Settings) -> dict[str, Any]:
    """AutoShardedBot's shard options from ``MSBOT_SHARD_COUNT`` and ``MSBOT_SHARD_IDS``.

    Nothing set: discord.py asks Discord how many shards and runs them all here. With several
    processes, each sets the same count and its own ids (for example 0-1 and 2-3): Discord sends
    a server's events to one shard only, so each server is handled by exactly one process.
    """
    options: dict[str, Any] = {}
    if settings.shard_count is not None:
        options["shard_count"] = settings.shard_count
        if settings.shards is not None:
            options["shard_ids"] = settings.shards
    return options


def _handler_tasks() -> set[asyncio.Task[object]]:
    current = asyncio.current_task()
    return {
        task
        for task in asyncio.all_tasks()
        if task is not current
        and not task.done()
        and task.get_name().startswith(HANDLER_TASK_PREFIXES)
    }


async def run_bot(app: App, token: str) -> None:
    """Connect and serve until closed; start-up failures become one clear sentence.

    The core starts first, so a local problem (the database file, a setting) is reported
    before Discord is contacted. SIGINT/SIGTERM during start-up cancels it (everything opened
    is closed again); afterwards they shut down gracefully. Either way this returns normally.
    """
    bot = MSBot(app, **shard_options(app.settings))
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, _request_close, bot, sig, main)
            installed.append(sig)
    try:
        async with bot:
            await app.start()
            await bot.start(token)
    except asyncio.CancelledError:
        if not bot.shutdown_requested or main is None:
            raise
        main.uncancel()  # the cancellation was ours, and it is handled
        log.info("Stopped during start-up")
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
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def _request_close(bot: MSBot, sig: signal.Signals, main: asyncio.Task[object] | None) -> None:
    if bot.shutdown_requested:
        return
    bot.shutdown_requested = True
    log.info("Received %s; shutting down", sig.name)
    if not bot.serving and main is not None:
        main.cancel()  # still starting: stop at the next await; App.start closes what it opened
        return
    # The main task ends when the gateway connection closes at the end of shutdown().
    asyncio.ensure_future(bot.shutdown())  # noqa: RUF006
