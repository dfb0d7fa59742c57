""":class:`LocalDiscord`: the state, the aiohttp server, event dispatch and quiet detection."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.local_discord import (
    automod,
    gateway,
    interactions,
    permissions,
    rest,
    rest_commands,
    rest_guilds,
    rest_messages,
)
from bot.local_discord.errors import (
    UNKNOWN_CHANNEL,
    UNKNOWN_GUILD,
    UNKNOWN_MEMBER,
    UNKNOWN_MESSAGE,
    UNKNOWN_USER,
    DiscordError,
    not_found,
)
from bot.local_discord.model import (
    DM,
    Channel,
    Command,
    Guild,
    Member,
    Message,
    Seen,
    Snowflakes,
    User,
    now,
)
from bot.local_discord.rest import API

log = logging.getLogger(__name__)

#: Gateway intents (bit -> what it carries); used to filter what a session receives.
INTENT_GUILDS = 1 << 0
INTENT_MEMBERS = 1 << 1
INTENT_MODERATION = 1 << 2
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DM_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15


@dataclass
class Timing:
    """Discord's interaction deadlines; tests may shorten or lengthen them."""

    first_response: float = 3.0
    token_lifetime: float = 15 * 60.0


@dataclass
class LocalDiscord:
    """One local Discord: ``await start()``, point a bot at :attr:`api_base`, ``await stop()``."""

    timing: Timing = field(default_factory=Timing)
    host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        self.ids = Snowflakes()
        self.token = secrets.token_urlsafe(24)
        self.application_id = self.ids.next()
        self.bot_user = User(self.application_id, "MS companion", bot=True)
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.history: dict[int, list[Message]] = {}
        self.messages: dict[int, Message] = {}
        self.dm_channels: dict[int, int] = {}
        self.commands: dict[int | None, list[Command]] = {}
        self.interactions: dict[int, interactions.Pending] = {}
        self.sessions: list[gateway.Session] = []
        self.watchers: list[Callable[[Seen], None]] = []
        #: Server-side failures (a bug here, not the bot's): tests assert this stays empty.
        self.internal_errors: list[str] = []
        #: Every error answer the bot got ("PATCH /path: 50035 ..."): a rule it broke.
        self.rejected: list[str] = []
        #: Every REST request the bot made, in order (tests count them).
        self.requests: list[rest.Request] = []
        #: Failures and delays a test injected (:meth:`inject`).
        self.faults: list[rest.Fault] = []
        self.in_flight = 0
        self.last_activity = 0.0
        #: Set by whoever runs a client in this process (:mod:`.runner`): each says whether
        #: that client is still working on what it was sent (events not yet read or handled).
        #: Without them, a slow machine could look quiet before the bot even read an event.
        self.client_busy: list[Callable[[], bool]] = []
        self.connected = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self, port: int = 0) -> None:
        app = web.Application(middlewares=[rest.middleware(self)], client_max_size=30 * 2**20)
        for routes in (rest_messages, rest_guilds, rest_commands, automod, interactions):
            routes.add_routes(app, self)

        async def serve_gateway(request: web.Request) -> web.StreamResponse:
            return await gateway.serve(self, request)

        app.router.add_get("/gateway", serve_gateway)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for session in list(self.sessions):
            await session.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    # -- activity (for "wait until the bot is quiet") -----------------------------------------
    @staticmethod
    def loop_time() -> float:
        return asyncio.get_running_loop().time()

    def touch(self) -> None:
        self.last_activity = self.loop_time()

    def busy(self) -> bool:
        return (
            self.in_flight > 0
            or any(p.awaiting() for p in self.interactions.values())
            or any(still_working() for still_working in self.client_busy)
        )

    async def wait_quiet(self, settle: float = 0.3, within: float = 30.0) -> bool:
        """Wait until no request is in flight, no interaction awaits its answer and nothing
        happened for ``settle`` seconds. False if that did not happen ``within`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            if not self.busy() and loop.time() - self.last_activity >= settle:
                return True
            await asyncio.sleep(0.02)
        return False

    def inject(
        self,
        method: str,
        route: str,
        *,
        error: DiscordError | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` requests to ``route`` (its template, like
        ``/api/v10/channels/{channel_id}/messages/{message_id}``) wait ``delay`` seconds and
        then, with ``error``, fail as Discord would answer it."""
        self.faults.append(rest.Fault(method, API + route, error, delay, times))

    def take_rejected(self) -> list[str]:
        """The error answers so far (a test that provoked them takes them)."""
        taken, self.rejected = self.rejected, []
        return taken

    # -- look-ups ------------------------------------------------------------------------------
    def user(self, user_id: int) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise not_found(UNKNOWN_USER, "User") from None

    def guild(self, guild_id: int) -> Guild:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise not_found(UNKNOWN_GUILD, "Guild") from None

    def channel(self, channel_id: int) -> Channel:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise not_found(UNKNOWN_CHANNEL, "Channel") from None

    def member(self, guild: Guild, user_id: int) -> Member:
        try:
            return guild.members[user_id]
        except KeyError:
            raise not_found(UNKNOWN_MEMBER, "Member") from None

    def message(self, channel_id: int, message_id: int) -> Message:
        found = self.messages.get(message_id)
        if found is None or found.deleted or found.channel_id != channel_id:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return found

    def channel_named(self, guild: Guild, name: str) -> Channel:
        for channel_id in guild.channel_ids:
            if self.channels[channel_id].name == name.lstrip("#"):
                return self.channels[channel_id]
        raise KeyError(name)

    def permissions_in(self, channel: Channel, user_id: int) -> int:
        if channel.is_dm:
            return permissions.bits("view_channel", "send_messages", "read_message_history")
        if channel.is_thread and channel.parent_id is not None:
            # A thread has the permissions of its parent channel (sending needs the
            # "in threads" permission, which Discord checks in place of Send Messages).
            inherited = self.permissions_in(self.channel(channel.parent_id), user_id)
            if inherited & permissions.BITS["send_messages_in_threads"]:
                inherited |= permissions.BITS["send_messages"]
            else:
                inherited &= ~permissions.BITS["send_messages"]
            return inherited
        guild = self.guild(channel.guild_id or 0)
        member = guild.members.get(user_id)
        return 0 if member is None else permissions.channel_permissions(guild, channel, member)

    def dm_channel(self, user: User) -> Channel:
        """The DM between the bot and ``user`` (created on first use, as Discord does)."""
        channel_id = self.dm_channels.get(user.id)
        if channel_id is None:
            channel_id = self.ids.next()
            self.channels[channel_id] = Channel(channel_id, f"dm-{user.name}", DM, recipient=user)
            self.history[channel_id] = []
            self.dm_channels[user.id] = channel_id
        return self.channels[channel_id]

    # -- building the world ---------------------------------------------------------------------
    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        return user

    def add_channel(self, guild: Guild, channel: Channel) -> Channel:
        channel.guild_id = guild.id
        self.channels[channel.id] = channel
        self.history[channel.id] = []
        guild.channel_ids.append(channel.id)
        return channel

    def add_thread(self, thread: Channel) -> Channel:
        """A thread (a forum post): a channel of its own, listed apart from the guild's."""
        self.channels[thread.id] = thread
        self.history[thread.id] = []
        self.guild(thread.guild_id or 0).thread_ids.append(thread.id)
        return thread

    def add_guild(self, guild: Guild) -> Guild:
        """Register a guild; a connected bot gets its GUILD_CREATE, as when it joins a server."""
        self.guilds[guild.id] = guild
        for member in guild.members.values():
            self.users.setdefault(member.user.id, member.user)
        if self.bot_user.id in guild.members:
            self.dispatch("GUILD_CREATE", gateway.guild_create(self, guild), INTENT_GUILDS)
        return guild

    def update_guild(self, guild: Guild) -> None:
        """The server's settings changed (its language): GUILD_UPDATE, as Discord sends it."""
        self.dispatch("GUILD_UPDATE", gateway.guild_update(self, guild), INTENT_GUILDS)

    # -- messages ------------------------------------------------------------------------------
    def member_payload(self, message: Message) -> dict[str, Any] | None:
        if message.guild_id is None:
            return None
        member = self.guilds[message.guild_id].members.get(message.author.id)
        return None if member is None else member.payload(with_user=False)

    def message_payload(self, message: Message) -> dict[str, Any]:
        return message.payload(self.base_url, self.member_payload(message))

    def store(self, message: Message) -> Message:
        """Keep a new message, tell the bot (unless ephemeral) and whoever watches."""
        self.messages[message.id] = message
        if message.only_for is None:
            self.history[message.channel_id].append(message)
            self._dispatch_message("MESSAGE_CREATE", message)
        self.notify(Seen("message", message))
        return message

    def edited(
        self, message: Message, *, was_loading: bool = False, unfurled: bool = False
    ) -> None:
        """An edit; ``was_loading``: the first content of a deferred ("thinking") answer;
        ``unfurled``: Discord added a link preview (an update, not an edit: no timestamp)."""
        if not unfurled:
            message.edited_timestamp = now()
        if message.only_for is None:
            self._dispatch_message("MESSAGE_UPDATE", message)
        self.notify(Seen("message" if was_loading else "edit", message))

    def delete(self, message: Message) -> None:
        message.deleted = True
        if message.only_for is None:
            self.history[message.channel_id].remove(message)
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
            self.dispatch("MESSAGE_DELETE", data, self._message_intent(message))
        self.notify(Seen("delete", message))

    def _message_intent(self, message: Message) -> int:
        return INTENT_DM_MESSAGES if message.guild_id is None else INTENT_GUILD_MESSAGES

    def _dispatch_message(self, event: str, message: Message) -> None:
        full = self.message_payload(message)
        stripped = dict(full, content="", embeds=[], attachments=[], components=[])
        private = message.guild_id is None or message.author.id == self.bot_user.id
        mentioned = any(u.id == self.bot_user.id for u in message.mentions)

        def shaped(session: gateway.Session) -> dict[str, Any]:
            if private or mentioned or session.intents & INTENT_MESSAGE_CONTENT:
                return full
            return stripped

        for session in self.sessions:
            if session.intents & self._message_intent(message):
                session.send_dispatch(event, shaped(session))

    def dispatch(self, event: str, data: dict[str, Any], intent: int = 0) -> None:
        self.touch()
        for session in self.sessions:
            if not intent or session.intents & intent:
                session.send_dispatch(event, data)

    def notify(self, seen: Seen) -> None:
        self.touch()
        for watcher in list(self.watchers):
            try:
                watcher(seen)
            except Exception:  # a watcher's bug must not break the server
                log.exception("A local Discord watcher failed")

    def visible_to(self, message: Message, user_id: int) -> bool:
        if message.deleted:
            return False
        if message.only_for is not None:
            return message.only_for == user_id
        channel = self.channels[message.channel_id]
        if channel.is_dm:
            return channel.recipient is not None and channel.recipient.id == user_id
        return bool(self.permissions_in(channel, user_id) & permissions.BITS["view_channel"])
