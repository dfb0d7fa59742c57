"""What a server's admins change in Discord's settings, and the gateway events that follow.

Roles (created, edited, given or taken), nicknames, channel permission overrides and command
permission overrides. Each change is made to the state and announced as Discord announces it
(``GUILD_ROLE_*`` and ``CHANNEL_UPDATE`` with the Guilds intent, ``GUILD_MEMBER_UPDATE`` only
with the Server Members intent, ``APPLICATION_COMMAND_PERMISSIONS_UPDATE``), so a bot that reads
its cache sees what Discord would have told it, and no more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.local_discord.command_access import permissions_payload
from bot.local_discord.model import Channel, Guild, Overwrite, Role

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord

INTENT_GUILDS = 1 << 0
INTENT_MEMBERS = 1 << 1


def save_role(local: LocalDiscord, guild: Guild, role: Role) -> Role:
    """Create or edit a role (its permissions, its position)."""
    event = "GUILD_ROLE_UPDATE" if role.id in guild.roles else "GUILD_ROLE_CREATE"
    guild.roles[role.id] = role
    local.dispatch(event, {"guild_id": str(guild.id), "role": role.payload()}, INTENT_GUILDS)
    return role


def member_changed(local: LocalDiscord, guild: Guild, user_id: int) -> None:
    member = guild.members[user_id]
    data = member.payload() | {"guild_id": str(guild.id)}
    local.dispatch("GUILD_MEMBER_UPDATE", data, INTENT_MEMBERS)


def set_roles(local: LocalDiscord, guild: Guild, user_id: int, role_ids: list[int]) -> None:
    guild.members[user_id].roles = list(role_ids)
    member_changed(local, guild, user_id)


def set_nick(local: LocalDiscord, guild: Guild, user_id: int, nick: str | None) -> None:
    guild.members[user_id].nick = nick
    member_changed(local, guild, user_id)


def set_overwrite(
    local: LocalDiscord,
    channel: Channel,
    target_id: int,
    kind: int,
    *,
    allow: int = 0,
    deny: int = 0,
) -> None:
    """Set (replace) the channel's override for a role (``kind`` 0) or a member (1)."""
    channel.overwrites = [o for o in channel.overwrites if o.id != target_id]
    if allow or deny:
        channel.overwrites.append(Overwrite(target_id, kind, allow=allow, deny=deny))
    local.dispatch("CHANNEL_UPDATE", channel.payload(), INTENT_GUILDS)


def set_command_permissions(
    local: LocalDiscord, guild: Guild, scope: int, entries: list[dict[str, Any]]
) -> None:
    """Replace the overrides of one command (``scope`` its id) or of the whole app (the
    application id). Entries: ``{"id": ..., "type": 1 role | 2 user | 3 channel,
    "permission": bool}``."""
    cleaned = [
        {"id": str(e["id"]), "type": int(e["type"]), "permission": bool(e["permission"])}
        for e in entries
    ]
    if cleaned:
        guild.command_permissions[scope] = cleaned
    else:
        guild.command_permissions.pop(scope, None)
    local.dispatch(
        "APPLICATION_COMMAND_PERMISSIONS_UPDATE", permissions_payload(local, guild, scope)
    )
