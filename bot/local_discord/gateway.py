"""The gateway websocket: hello, identify, ready, guild create, heartbeats, resume, dispatch.

JSON encoding. When the client asks for ``compress=zlib-stream`` every frame is one zlib stream
flushed with Z_SYNC_FLUSH, as Discord sends it; otherwise (or for zstd, which Python 3.11 lacks)
frames are plain JSON text, which discord.py also reads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from bot.local_discord.model import Guild
    from bot.local_discord.server import LocalDiscord

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT = 0, 1, 2, 6, 7
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41_250
AUTHENTICATION_FAILED = 4004
#: Sessions that dropped, kept for RESUME: session id -> session.
_DETACHED: dict[str, Session] = {}


#: What GUILD_CREATE carries that GUILD_UPDATE does not (the server's own fields only).
_CREATE_ONLY = (
    "joined_at",
    "large",
    "unavailable",
    "member_count",
    "voice_states",
    "members",
    "channels",
    "threads",
    "presences",
    "stage_instances",
    "guild_scheduled_events",
    "soundboard_sounds",
)


def guild_update(local: LocalDiscord, guild: Guild) -> dict[str, Any]:
    payload = guild_create(local, guild)
    for key in _CREATE_ONLY:
        payload.pop(key, None)
    return payload


def guild_create(local: LocalDiscord, guild: Guild) -> dict[str, Any]:
    bot_member = guild.members[local.bot_user.id]
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [role.payload() for role in guild.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.preferred_locale,
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "safety_alerts_channel_id": None,
        "joined_at": bot_member.payload()["joined_at"],
        "large": False,
        "unavailable": False,
        "member_count": len(guild.members),
        "voice_states": [],
        # Without the members intent Discord sends only the bot's own member.
        "members": [bot_member.payload()],
        "channels": [local.channels[c].payload() for c in guild.channel_ids],
        "threads": [local.channels[t].payload() for t in guild.thread_ids],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


class Session:
    """One connected bot (one shard)."""

    def __init__(self, local: LocalDiscord, ws: web.WebSocketResponse, compress: bool) -> None:
        self.local = local
        self.ws = ws
        self.id = secrets.token_hex(16)
        self.intents = 0
        self.sequence = 0
        self.sent: list[dict[str, Any]] = []  # kept for RESUME
        self._zlib = zlib.compressobj() if compress else None
        self._queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self.identified = False

    def start_writer(self) -> None:
        self._writer = asyncio.create_task(self._write_loop(), name="local-discord-gateway-writer")

    async def _write_loop(self) -> None:
        while True:
            frame = await self._queue.get()
            if frame is None or self.ws.closed:
                return
            text = json.dumps(frame)
            try:
                if self._zlib is not None:
                    data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)
            except ConnectionError:
                return

    def send(self, frame: dict[str, Any]) -> None:
        self._queue.put_nowait(frame)

    def send_dispatch(self, event: str, data: dict[str, Any]) -> None:
        if not self.identified:
            return
        self.sequence += 1
        frame = {"op": DISPATCH, "t": event, "s": self.sequence, "d": data}
        self.sent.append(frame)
        del self.sent[:-1000]
        self.send(frame)

    async def close(self, code: int = 1000) -> None:
        self._queue.put_nowait(None)
        if not self.ws.closed:
            await self.ws.close(code=code)
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

    def identify(self, data: dict[str, Any]) -> bool:
        local = self.local
        if data.get("token") != local.token:
            return False
        self.intents = int(data.get("intents", 0))
        self.identified = True
        guilds = [g for g in local.guilds.values() if local.bot_user.id in g.members]
        self.send_dispatch(
            "READY",
            {
                "v": 10,
                "user": local.bot_user.payload() | {"verified": True, "mfa_enabled": False},
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": self.id,
                "resume_gateway_url": local.gateway_url,
                "shard": data.get("shard", [0, 1]),
                "application": {"id": str(local.application_id), "flags": 1 << 19},
                "private_channels": [],
                "relationships": [],
                "user_settings": {},
                "presences": [],
                "geo_ordered_rtc_regions": [],
            },
        )
        for guild in guilds:
            self.send_dispatch("GUILD_CREATE", guild_create(local, guild))
        local.connected.set()
        return True

    def resume(self, old: Session, seq: int) -> None:
        self.id, self.intents, self.identified = old.id, old.intents, True
        self.sequence = old.sequence
        self.sent = old.sent
        for frame in old.sent:
            if frame["s"] > seq:
                self.send(frame)
        self.send_dispatch("RESUMED", {})


async def serve(local: LocalDiscord, request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(max_msg_size=0)
    await ws.prepare(request)
    session = Session(local, ws, compress=request.query.get("compress") == "zlib-stream")
    session.start_writer()
    session.send({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
    try:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            op, data = frame.get("op"), frame.get("d")
            if op == HEARTBEAT:
                session.send({"op": HEARTBEAT_ACK})
            elif op == IDENTIFY:
                if not session.identify(data or {}):
                    await session.close(AUTHENTICATION_FAILED)
                    break
                local.sessions.append(session)
            elif op == RESUME:
                old = _DETACHED.pop((data or {}).get("session_id", ""), None)
                if old is None or data.get("token") != local.token:
                    session.send({"op": INVALID_SESSION, "d": False})
                    continue
                session.resume(old, int(data.get("seq") or 0))
                local.sessions.append(session)
    finally:
        if session in local.sessions:
            local.sessions.remove(session)
            _DETACHED[session.id] = session
        await session.close()
    return ws
