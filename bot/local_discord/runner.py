"""Run the real bot (``MSBot``: real ``setup_hook``, cogs and command tree) against a LocalDiscord.

The one place that points discord.py at another server: its API base
(``discord.http.Route.BASE``, which the interaction webhooks share) and its default gateway
address (used only if a session is invalidated; the first connection uses the URL that
``GET /gateway/bot`` answers). Both are process-wide, which is fine: a process runs one local
Discord at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import discord
import yarl
from discord.gateway import DiscordWebSocket

from bot.app import App
from bot.discord_bot import SHUTDOWN_GRACE_SECONDS, MSBot
from bot.local_discord.server import LocalDiscord

#: discord.py waits this long after the last GUILD_CREATE before "ready" (2 s by default).
GUILD_READY_TIMEOUT = 0.05
#: discord.py names the task of each event it dispatches to a handler "discord.py: on_message".
EVENT_TASK_PREFIX = "discord.py: "


def point_discord_py_at(local: LocalDiscord) -> None:
    discord.http.Route.BASE = local.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(local.gateway_url + "/")


@dataclass
class RunningBot:
    local: LocalDiscord
    bot: MSBot
    task: asyncio.Task[None]

    @property
    def app(self) -> App:
        return self.bot.app

    def still_working(self) -> bool:
        """True while the bot has not read every event its sessions were sent, or one of
        discord.py's event handler tasks (named "discord.py: <event>") still runs: until then
        the bot is not quiet, however long the machine takes to get to it."""
        received = {}
        for shard_id in self.bot.shards:
            ws = self.bot._get_websocket(shard_id=shard_id)
            if ws is not None:
                received[ws.session_id] = ws.sequence or 0
        for session in self.local.sessions:
            if session.id in received and received[session.id] < session.sequence:
                return True
        return any(
            not task.done() and task.get_name().startswith(EVENT_TASK_PREFIX)
            for task in asyncio.all_tasks()
        )

    async def stop(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stop as on SIGTERM (``MSBot.shutdown``): no new events, the handlers already
        running finish (within ``grace`` seconds), then the gateway, HTTP and the database
        close."""
        with contextlib.suppress(ValueError):
            self.local.client_busy.remove(self.still_working)
        await self.bot.shutdown(grace)
        with contextlib.suppress(asyncio.CancelledError, discord.DiscordException):
            await asyncio.wait_for(self.task, timeout=10)


async def start_bot(local: LocalDiscord, app: App, *, within: float = 60) -> RunningBot:
    """Start ``MSBot(app)`` on ``local`` and return once it is connected and ready."""
    point_discord_py_at(local)
    local.connected.clear()
    bot = MSBot(app, guild_ready_timeout=GUILD_READY_TIMEOUT)
    task = asyncio.create_task(bot.start(local.token), name="msbot")
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=within, return_when="FIRST_COMPLETED")
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()  # start-up failed: raise its error
        await bot.close()
        raise TimeoutError(f"The bot did not get ready on the local Discord within {within} s")
    running = RunningBot(local, bot, task)
    local.client_busy.append(running.still_working)
    return running
