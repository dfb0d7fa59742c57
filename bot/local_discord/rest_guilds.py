"""REST routes: guilds, members (timeouts, nicknames), bans; the role hierarchy they check."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from bot.local_discord import permissions
from bot.local_discord.errors import (
    INVALID_FORM_BODY,
    UNKNOWN_BAN,
    DiscordError,
    FormErrors,
    missing_permissions,
    not_found,
)
from bot.local_discord.gateway import guild_create
from bot.local_discord.model import User, now
from bot.local_discord.rest import API, json_response, read_body

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord

MAX_TIMEOUT = timedelta(days=28)


def add_routes(app: web.Application, local: LocalDiscord) -> None:
    api = API
    routes = web.RouteTableDef()

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
            require_authority(local, guild.id, target.user.id, "moderate_members")
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
        require_authority(local, guild.id, user.id, "ban_members")
        guild.bans[user.id] = request.headers.get("X-Audit-Log-Reason")
        guild.members.pop(user.id, None)
        _delete_recent(local, guild.id, user, seconds)
        return json_response(None)

    @routes.delete(f"{api}/guilds/{{guild_id:\\d+}}/bans/{{user_id:\\d+}}")
    async def unban(request: web.Request) -> web.Response:
        guild = local.guild(int(request.match_info["guild_id"]))
        if not permissions.has(bot_base(local, guild.id), "ban_members"):
            raise missing_permissions()
        if guild.bans.pop(int(request.match_info["user_id"]), "missing") == "missing":
            raise not_found(UNKNOWN_BAN, "Ban")
        return json_response(None)

    app.add_routes(routes)


def bot_base(local: LocalDiscord, guild_id: int) -> int:
    guild = local.guild(guild_id)
    return permissions.base_permissions(guild, guild.members[local.bot_user.id])


def require_authority(local: LocalDiscord, guild_id: int, target_id: int, permission: str) -> None:
    """The bot needs the permission and must outrank the target (never the owner)."""
    guild = local.guild(guild_id)
    if not permissions.has(bot_base(local, guild_id), permission):
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
