"""The REST API's shared parts: Discord's JSON answers, the request middleware, bodies.

The routes live in :mod:`.rest_messages` (login, gateway, users, DMs, channels, messages,
threads, attachments), :mod:`.rest_guilds` (guilds, members, timeouts, bans),
:mod:`.rest_commands` (command sync and command permissions) and :mod:`.automod` (AutoMod
rules). Every route checks what Discord checks (the token, the bot's permissions in the channel,
role hierarchy, the limits in :mod:`.validation`) and answers Discord's JSON, errors included.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.local_discord import permissions
from bot.local_discord.errors import (
    CANNOT_DM,
    DiscordError,
    missing_access,
    missing_permissions,
)
from bot.local_discord.model import Attachment, Message, User

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MENTION = re.compile(r"<@!?(\d{15,20})>")
API = "/api/v10"
_UNAUTHENTICATED = re.compile(r"^/api/v10/(interactions|webhooks)/|^/attachments/|^/gateway$")


def json_response(data: Any, status: int = 200) -> web.Response:
    if data is None:
        return web.Response(status=204)
    # Exactly "application/json", no charset: discord.py compares the header verbatim.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


@dataclass
class Request:
    """One REST request the bot made (for tests that count them: reminders, rate budget)."""

    at: float  # the event loop's clock
    method: str
    route: str  # the route's template: "/api/v10/channels/{channel_id}/messages"
    path: str  # the path asked for: "/api/v10/channels/123/messages"
    #: What a route notes about it (:func:`note`): the user a DM was opened with.
    subject: int | None = None


#: The request being handled (each request runs in its own task, with its own context).
_HANDLING: ContextVar[Request | None] = ContextVar("local_discord_request", default=None)


def note(subject: int) -> None:
    """Record what the request being handled is about, for tests that tell requests apart."""
    logged = _HANDLING.get()
    if logged is not None:
        logged.subject = subject


@dataclass
class Fault:
    """A failure or a delay a test injects into the next matching requests (what the real
    Discord does now and then: a slow answer, a refusal from a cache that was out of date)."""

    method: str
    route: str  # the route's template, as in :class:`Request`
    error: DiscordError | None = None
    delay: float = 0.0
    times: int = 1


def _fault_for(local: LocalDiscord, method: str, route: str) -> Fault | None:
    for fault in local.faults:
        if fault.method == method and fault.route == route and fault.times > 0:
            fault.times -= 1
            return fault
    return None


def _route(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else request.path


def middleware(local: LocalDiscord) -> Any:
    @web.middleware
    async def handle(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/gateway":
            return await handler(request)
        local.in_flight += 1
        local.touch()
        try:
            authorised = request.headers.get("Authorization") == f"Bot {local.token}"
            if not authorised and not _UNAUTHENTICATED.match(request.path):
                return json_response({"message": "401: Unauthorized", "code": 0}, 401)
            if request.match_info.http_exception is not None:
                # Discord has it, this Discord lacks it: a gap to fill, so tests fail loudly.
                local.internal_errors.append(f"unknown route: {request.method} {request.path}")
                return json_response({"message": "404: Not Found", "code": 0}, 404)
            logged = Request(local.loop_time(), request.method, _route(request), request.path)
            _HANDLING.set(logged)
            local.requests.append(logged)
            fault = _fault_for(local, logged.method, logged.route)
            if fault is not None:
                await asyncio.sleep(fault.delay)
                if fault.error is not None:
                    raise fault.error
            return await handler(request)
        except DiscordError as error:
            detail = f" {error.errors}" if error.errors else ""
            local.rejected.append(
                f"{request.method} {request.path}: {error.code} {error.message}{detail}"
            )
            return json_response(error.payload(), error.status)
        except web.HTTPException:
            raise
        except Exception as error:
            # A bug in the local Discord, not the bot's fault: answer without a 5xx (discord.py
            # would retry those for seconds) and record it so the tests fail loudly.
            log.exception("Local Discord failed on %s %s", request.method, request.path)
            local.internal_errors.append(f"{request.method} {request.path}: {error!r}")
            return json_response({"message": f"local Discord bug: {error!r}", "code": 0}, 400)
        finally:
            local.in_flight -= 1
            local.touch()

    return handle


async def read_body(request: web.Request) -> tuple[dict[str, Any], list[Attachment]]:
    """JSON, or multipart with ``payload_json`` and ``files[n]`` (how discord.py uploads)."""
    if not request.content_type.startswith("multipart/"):
        text = await request.text()
        return (json.loads(text) if text else {}), []
    payload: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes, str]] = {}
    reader = await request.multipart()
    async for part in reader:
        if part.name == "payload_json":
            payload = json.loads(await part.text())  # type: ignore[union-attr]
        elif part.name and part.name.startswith("files["):
            data = await part.read()  # type: ignore[union-attr]
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            files[part.name[6:-1]] = (part.filename or "file", bytes(data), content_type)
    described = {str(a.get("id")): a for a in payload.get("attachments") or []}
    attachments = []
    for index, (filename, data, content_type) in files.items():
        meta = described.get(index, {})
        if filename.endswith(".png"):
            content_type = "image/png"
        attachments.append(
            Attachment(
                id=0,
                filename=meta.get("filename") or filename,
                data=data,
                content_type=content_type,
                description=meta.get("description"),
            )
        )
    return payload, attachments


def fill_message(
    local: LocalDiscord,
    message: Message,
    payload: dict[str, Any],
    files: list[Attachment],
    *,
    edit: bool,
) -> None:
    """Apply a create/edit body to ``message`` (what Discord keeps of it)."""
    for attachment in files:
        attachment.id = local.ids.next()
    if "content" in payload or not edit:
        message.content = payload.get("content") or ""
    if "embeds" in payload or not edit:
        message.embeds = [_normalise_embed(e, files) for e in payload.get("embeds") or []]
    if "components" in payload or not edit:
        message.components = payload.get("components") or []
    if "flags" in payload and payload["flags"] is not None:
        kept = message.flags & (1 << 6)  # ephemeral cannot be changed by an edit
        message.flags = kept | (int(payload["flags"]) & ~(1 << 6) & ~(1 << 7))
    if edit and "attachments" in payload:
        keep = {int(a["id"]) for a in payload["attachments"] or [] if "filename" not in a}
        message.attachments = [a for a in message.attachments if a.id in keep]
    message.attachments += files


def _normalise_embed(embed: dict[str, Any], files: list[Attachment]) -> dict[str, Any]:
    embed = dict(embed, type=embed.get("type", "rich"))
    image = embed.get("image")
    if image and str(image.get("url", "")).startswith("attachment://"):
        embed["image"] = dict(image, proxy_url=image["url"])
    return embed


def check_send(local: LocalDiscord, channel_id: int, files: list[Attachment]) -> None:
    channel = local.channel(channel_id)
    if channel.is_dm:
        recipient = channel.recipient
        if recipient is None or not recipient.dms_open:
            raise DiscordError(403, CANNOT_DM, "Cannot send messages to this user")
        return
    allowed = local.permissions_in(channel, local.bot_user.id)
    if not permissions.has(allowed, "view_channel"):
        raise missing_access()
    if not permissions.has(allowed, "send_messages"):
        raise missing_permissions()
    if files and not permissions.has(allowed, "attach_files"):
        raise missing_permissions()


def bot_visible_message(local: LocalDiscord, request: web.Request) -> Message:
    channel = local.channel(int(request.match_info["channel_id"]))
    if not channel.is_dm and not permissions.has(
        local.permissions_in(channel, local.bot_user.id), "view_channel"
    ):
        raise missing_access()
    return local.message(channel.id, int(request.match_info["message_id"]))


def mentions_in(local: LocalDiscord, content: str) -> list[User]:
    found = []
    for match in MENTION.finditer(content):
        user = local.users.get(int(match[1]))
        if user is not None and user not in found:
            found.append(user)
    return found
