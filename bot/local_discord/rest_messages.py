"""REST routes: login, the gateway address, users, DMs, channels, messages and attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.local_discord import permissions, validation
from bot.local_discord.errors import DiscordError, missing_permissions
from bot.local_discord.model import Message
from bot.local_discord.rest import (
    API,
    bot_visible_message,
    check_send,
    fill_message,
    json_response,
    note,
    read_body,
)

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord


def add_routes(app: web.Application, local: LocalDiscord) -> None:
    api = API
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
        note(user.id)
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
        message = bot_visible_message(local, request)
        return json_response(local.message_payload(message))

    @routes.patch(f"{api}/channels/{{channel_id:\\d+}}/messages/{{message_id:\\d+}}")
    async def edit_message(request: web.Request) -> web.Response:
        message = bot_visible_message(local, request)
        if message.author.id != local.bot_user.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        payload, files = await read_body(request)
        validation.message(payload, attachments=len(files), edit=True)
        fill_message(local, message, payload, files, edit=True)
        local.edited(message)
        return json_response(local.message_payload(message))

    @routes.delete(f"{api}/channels/{{channel_id:\\d+}}/messages/{{message_id:\\d+}}")
    async def delete_message(request: web.Request) -> web.Response:
        message = bot_visible_message(local, request)
        channel = local.channel(message.channel_id)
        own = message.author.id == local.bot_user.id
        allowed = local.permissions_in(channel, local.bot_user.id)
        if not own and (channel.is_dm or not permissions.has(allowed, "manage_messages")):
            raise missing_permissions()
        local.delete(message)
        return json_response(None)

    @routes.get("/attachments/{channel_id}/{attachment_id}/{filename}")
    async def attachment(request: web.Request) -> web.Response:
        wanted = int(request.match_info["attachment_id"])
        for message in local.messages.values():
            for item in message.attachments:
                if item.id == wanted:
                    return web.Response(body=item.data, content_type=item.content_type)
        raise web.HTTPNotFound()

    app.add_routes(routes)
