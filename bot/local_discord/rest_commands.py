"""REST routes: application commands (bulk overwrite, list) and their permission overrides."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.local_discord import validation
from bot.local_discord.command_access import permissions_payload
from bot.local_discord.errors import (
    UNKNOWN_COMMAND_PERMISSIONS,
    DiscordError,
    missing_access,
    not_found,
)
from bot.local_discord.model import Command
from bot.local_discord.rest import API, json_response

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord


def add_routes(app: web.Application, local: LocalDiscord) -> None:
    api = API
    routes = web.RouteTableDef()

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

    # Overrides are read with the bot token; only an admin's OAuth token may change them
    # (discord.py's edit_command_permissions), so a bot's PUT is refused as on Discord.
    guild_commands = f"{api}/applications/{{app_id:\\d+}}/guilds/{{guild_id:\\d+}}/commands"

    @routes.get(f"{guild_commands}/permissions")
    async def all_permissions(request: web.Request) -> web.Response:
        guild = local.guild(_command_scope(local, request) or 0)
        return json_response(
            [permissions_payload(local, guild, scope) for scope in guild.command_permissions]
        )

    @routes.get(f"{guild_commands}/{{command_id:\\d+}}/permissions")
    async def command_permissions(request: web.Request) -> web.Response:
        guild = local.guild(_command_scope(local, request) or 0)
        scope = int(request.match_info["command_id"])
        if scope not in guild.command_permissions:
            raise not_found(UNKNOWN_COMMAND_PERMISSIONS, "application command permissions")
        return json_response(permissions_payload(local, guild, scope))

    @routes.put(f"{guild_commands}/{{command_id:\\d+}}/permissions")
    async def edit_permissions(request: web.Request) -> web.Response:
        raise DiscordError(401, 50025, "Invalid OAuth2 access token")  # bots cannot

    app.add_routes(routes)


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
