"""The REST API the bot calls: login, gateway, messages, DMs, members, timeouts, bans, commands.

Every route checks what Discord checks (the token, the bot's permissions in the channel, role
hierarchy, the limits in :mod:`.validation`) and answers Discord's JSON, errors included.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.local_discord import permissions, validation
from bot.local_discord.errors import (
    CANNOT_DM,
    INVALID_FORM_BODY,
    UNKNOWN_BAN,
    DiscordError,
    FormErrors,
    missing_access,
    missing_permissions,
    not_found,
)
from bot.local_discord.gateway import guild_create
from bot.local_discord.model import Attachment, Command, Message, User, now

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MENTION = re.compile(r"<@!?(\d{15,20})>")
MAX_TIMEOUT = timedelta(days=28)
_UNAUTHENTICATED = re.compile(r"^/api/v10/(interactions|webhooks)/|^/attachments/|^/gateway$")


def json_response(data: Any, status: int = 200) -> web.Response:
    if data is None:
        return web.Response(status=204)
    # Exactly "application/json", no charset: discord.py compares the header verbatim.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


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


def add_routes(app: web.Application, local: LocalDiscord) -> None:
    api = "/api/v10"
    routes = web.RouteTableDef()

    @routes.get(f"{api}/users/@me")
    async def me(request: web.Request) -> web.Response:
        return json_response(local.bot_user.payload() | {"verified": True, "mfa_enabled": False})

    @routes.get(f"{api}/oauth2/applications/@me")
    async def application(request: web.Request) -> web.Response:
        owner = next(iter(g.owner_id for g in local.guilds.values()), local.bot_user.id)
        return json_response(
            {
                "id": str(local.application_id),
                "name": local.bot_user.name,
                "icon": None,
                "description": "MS companion bot on a local Discord",
                "rpc_origins": [],
                "bot_public": False,
                "bot_require_code_grant": False,
                "bot": local.bot_user.payload(),
                "owner": local.users.get(owner, local.bot_user).payload(),
                "summary": "",
                "verify_key": "0" * 64,
                "team": None,
                "flags": 1 << 19,
                "tags": [],
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "role_connections_verification_url": None,
                "approximate_guild_count": len(local.guilds),
                "integration_types_config": {"0": {}},
            }
        )

    @routes.get(f"{api}/gateway/bot")
    async def gateway_bot(request: web.Request) -> web.Response:
        return json_response(
            {
                "url": local.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    @routes.get(f"{api}/users/{{user_id:\\d+}}")
    async def get_user(request: web.Request) -> web.Response:
        return json_response(local.user(int(request.match_info["user_id"])).payload())

    @routes.post(f"{api}/users/@me/channels")
    async def create_dm(request: web.Request) -> web.Response:
        body, _ = await read_body(request)
        user = local.user(int(body.get("recipient_id", 0)))
        return json_response(local.dm_channel(user).payload())

    @routes.get(f"{api}/channels/{{channel_id:\\d+}}")
    async def get_channel(request: web.Request) -> web.Response:
        return json_response(local.channel(int(request.match_info["channel_id"])).payload())

    @routes.post(f"{api}/channels/{{channel_id:\\d+}}/messages")
    async def create_message(request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        payload, files = await read_body(request)
        check_send(local, channel_id, files)
        validation.message(payload, attachments=len(files))
        channel = local.channel(channel_id)
        message = Message(local.ids.next(), channel_id, local.bot_user, channel.guild_id)
        fill_message(local, message, payload, files, edit=False)
        local.store(message)
        return json_response(local.message_payload(message))

    @routes.get(f"{api}/channels/{{channel_id:\\d+}}/messages/{{message_id:\\d+}}")
    async def get_message(request: web.Request) -> web.Response:
        message = _bot_visible_message(local, request)
        return json_response(local.message_payload(message))

    @routes.patch(f"{api}/channels/{{channel_id:\\d+}}/messages/{{message_id:\\d+}}")
    async def edit_message(request: web.Request) -> web.Response:
        message = _bot_visible_message(local, request)
        if message.author.id != local.bot_user.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        payload, files = await read_body(request)
        validation.message(payload, attachments=len(files), edit=True)
        fill_message(local, message, payload, files, edit=True)
        local.edited(message)
        return json_response(local.message_payload(message))

    @routes.delete(f"{api}/channels/{{channel_id:\\d+}}/messages/{{message_id:\\d+}}")
    async def delete_message(request: web.Request) -> web.Response:
        message = _bot_visible_message(local, request)
        channel = local.channel(message.channel_id)
        own = message.author.id == local.bot_user.id
        allowed = local.permissions_in(channel, local.bot_user.id)
        if not own and (channel.is_dm or not permissions.has(allowed, "manage_messages")):
            raise missing_permissions()
        local.delete(message)
        return json_response(None)

    @routes.get(f"{api}/guilds/{{guild_id:\\d+}}")
    async def get_guild(request: web.Request) -> web.Response:
        guild = local.guild(int(request.match_info["guild_id"]))
        return json_response(guild_create(local, guild))

    @routes.get(f"{api}/guilds/{{guild_id:\\d+}}/members/{{user_id:\\d+}}")
    async def get_member(request: web.Request) -> web.Response:
        guild = local.guild(int(request.match_info["guild_id"]))
        return json_response(local.member(guild, int(request.match_info["user_id"])).payload())

    @routes.patch(f"{api}/guilds/{{guild_id:\\d+}}/members/{{user_id:\\d+}}")
    async def edit_member(request: web.Request) -> web.Response:
        guild = local.guild(int(request.match_info["guild_id"]))
        target = local.member(guild, int(request.match_info["user_id"]))
        body, _ = await read_body(request)
        if "communication_disabled_until" in body:
            until = body["communication_disabled_until"]
            _require_authority(local, guild.id, target.user.id, "moderate_members")
            if permissions.base_permissions(guild, target) & permissions.BITS["administrator"]:
                raise missing_permissions()  # Discord never times out administrators
            if until is None:
                target.communication_disabled_until = None
            else:
                moment = datetime.fromisoformat(until)
                if moment > now() + MAX_TIMEOUT:
                    errors = FormErrors()
                    errors.add(
                        ("communication_disabled_until",),
                        "BASE_TYPE_BAD_TIME",
                        "Timeouts can be at most 28 days.",
                    )
                    errors.raise_if_any()
                target.communication_disabled_until = moment
        return json_response(target.payload())

    @routes.put(f"{api}/guilds/{{guild_id:\\d+}}/bans/{{user_id:\\d+}}")
    async def ban(request: web.Request) -> web.Response:
        guild = local.guild(int(request.match_info["guild_id"]))
        user = local.user(int(request.match_info["user_id"]))
        body, _ = await read_body(request)
        # The JSON body as documented, or the query string discord.py uses (Discord takes both).
        raw = body.get("delete_message_seconds", request.query.get("delete_message_seconds", 0))
        seconds = int(raw or 0)
        if not 0 <= seconds <= 604_800:
            raise DiscordError(400, INVALID_FORM_BODY, "Invalid Form Body")
        _require_authority(local, guild.id, user.id, "ban_members")
        guild.bans[user.id] = request.headers.get("X-Audit-Log-Reason")
        guild.members.pop(user.id, None)
        _delete_recent(local, guild.id, user, seconds)
        return json_response(None)

    @routes.delete(f"{api}/guilds/{{guild_id:\\d+}}/bans/{{user_id:\\d+}}")
    async def unban(request: web.Request) -> web.Response:
        guild = local.guild(int(request.match_info["guild_id"]))
        if not permissions.has(_bot_base(local, guild.id), "ban_members"):
            raise missing_permissions()
        if guild.bans.pop(int(request.match_info["user_id"]), "missing") == "missing":
            raise not_found(UNKNOWN_BAN, "Ban")
        return json_response(None)

    @routes.get(f"{api}/applications/{{app_id:\\d+}}/commands")
    @routes.get(f"{api}/applications/{{app_id:\\d+}}/guilds/{{guild_id:\\d+}}/commands")
    async def get_commands(request: web.Request) -> web.Response:
        scope = _command_scope(local, request)
        return json_response([_command_payload(local, c) for c in local.commands.get(scope, [])])

    @routes.put(f"{api}/applications/{{app_id:\\d+}}/commands")
    @routes.put(f"{api}/applications/{{app_id:\\d+}}/guilds/{{guild_id:\\d+}}/commands")
    async def overwrite_commands(request: web.Request) -> web.Response:
        scope = _command_scope(local, request)
        payload = json.loads(await request.text())
        validation.commands(payload)
        old = {(c.type, c.name): c.id for c in local.commands.get(scope, [])}
        local.commands[scope] = [
            Command(old.get((d.get("type", 1), d["name"])) or local.ids.next(), d, scope)
            for d in payload
        ]
        return json_response([_command_payload(local, c) for c in local.commands[scope]])

    @routes.get("/attachments/{channel_id}/{attachment_id}/{filename}")
    async def attachment(request: web.Request) -> web.Response:
        wanted = int(request.match_info["attachment_id"])
        for message in local.messages.values():
            for item in message.attachments:
                if item.id == wanted:
                    return web.Response(body=item.data, content_type=item.content_type)
        raise web.HTTPNotFound()

    app.add_routes(routes)


def _bot_visible_message(local: LocalDiscord, request: web.Request) -> Message:
    channel = local.channel(int(request.match_info["channel_id"]))
    if not channel.is_dm and not permissions.has(
        local.permissions_in(channel, local.bot_user.id), "view_channel"
    ):
        raise missing_access()
    return local.message(channel.id, int(request.match_info["message_id"]))


def _bot_base(local: LocalDiscord, guild_id: int) -> int:
    guild = local.guild(guild_id)
    return permissions.base_permissions(guild, guild.members[local.bot_user.id])


def _require_authority(local: LocalDiscord, guild_id: int, target_id: int, permission: str) -> None:
    """The bot needs the permission and must outrank the target (never the owner)."""
    guild = local.guild(guild_id)
    if not permissions.has(_bot_base(local, guild_id), permission):
        raise missing_permissions()
    target = guild.members.get(target_id)
    if target_id == guild.owner_id:
        raise missing_permissions()
    if target is not None and not permissions.outranks(
        guild, guild.members[local.bot_user.id], target
    ):
        raise missing_permissions()


def _delete_recent(local: LocalDiscord, guild_id: int, user: User, seconds: int) -> None:
    if not seconds:
        return
    since = now() - timedelta(seconds=seconds)
    for channel_id in local.guild(guild_id).channel_ids:
        for message in list(local.history[channel_id]):
            if message.author.id == user.id and message.timestamp >= since:
                local.delete(message)


def _command_scope(local: LocalDiscord, request: web.Request) -> int | None:
    if int(request.match_info["app_id"]) != local.application_id:
        raise missing_access()
    guild_id = request.match_info.get("guild_id")
    if guild_id is None:
        return None
    guild = local.guild(int(guild_id))
    if local.bot_user.id not in guild.members:
        raise missing_access()
    return guild.id


def _command_payload(local: LocalDiscord, command: Command) -> dict[str, Any]:
    body = dict(command.data)
    body |= {"id": str(command.id), "application_id": str(local.application_id), "version": "1"}
    body.setdefault("type", 1)
    body.setdefault("description", "")
    body.setdefault("default_member_permissions", None)
    if command.guild_id is not None:
        body["guild_id"] = str(command.guild_id)
    return body


def mentions_in(local: LocalDiscord, content: str) -> list[User]:
    found = []
    for match in MENTION.finditer(content):
        user = local.users.get(int(match[1]))
        if user is not None and user not in found:
            found.append(user)
    return found
