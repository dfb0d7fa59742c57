"""Who may use an application command here: default permissions and the admins' overrides.

A server's admins can change who sees a command (Server Settings > Integrations): per command,
or for all of the app's commands (keyed by the application id), for a user, a role, @everyone
(the guild's id), a channel, or all channels (the guild's id minus one). Discord's order:

1. A channel entry for this channel (else for all channels) that says no: nobody uses it here.
2. The member's own entry, else any of their roles' (one allowing is enough), else @everyone's.
   Command-level entries first; app-level ones only when the command has none that apply.
3. Nothing applies: ``default_member_permissions``, against the member's permissions here.

The owner and Administrators always may. This only decides what Discord's client offers: the
interaction still carries the member's real permissions, so a bot's own server-side check
(``require_here``) is what stops a member an override let through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.local_discord import permissions
from bot.local_discord.model import Channel, Command

if TYPE_CHECKING:
    from bot.local_discord.model import Guild, Member
    from bot.local_discord.server import LocalDiscord

ROLE, USER, CHANNEL = 1, 2, 3


def all_channels_id(guild: Guild) -> int:
    return guild.id - 1


def _entries(guild: Guild, scope: int) -> dict[tuple[int, int], bool]:
    return {
        (int(e["type"]), int(e["id"])): bool(e["permission"])
        for e in guild.command_permissions.get(scope, [])
    }


def _channel_says(
    entries: dict[tuple[int, int], bool], guild: Guild, channel: Channel
) -> bool | None:
    for channel_id in (channel.id, channel.parent_id, all_channels_id(guild)):
        if channel_id is not None and (CHANNEL, channel_id) in entries:
            return entries[(CHANNEL, channel_id)]
    return None


def _member_says(entries: dict[tuple[int, int], bool], guild: Guild, member: Member) -> bool | None:
    if (USER, member.user.id) in entries:
        return entries[(USER, member.user.id)]
    roles = [entries[(ROLE, r)] for r in member.roles if (ROLE, r) in entries]
    if roles:
        return any(roles)
    return entries.get((ROLE, guild.id))


def can_use(local: LocalDiscord, command: Command, channel: Channel, user_id: int) -> bool:
    """Whether Discord's client offers ``command`` to ``user_id`` in ``channel``."""
    if channel.is_dm:
        return True
    guild = local.guild(channel.guild_id or 0)
    member = guild.members.get(user_id)
    if member is None:
        return False
    have = local.permissions_in(channel, user_id)
    if have == permissions.ALL:  # the owner, an Administrator
        return True
    scopes = [_entries(guild, command.id), _entries(guild, local.application_id)]
    for entries in scopes:
        said = _channel_says(entries, guild, channel)
        if said is not None:
            if not said:
                return False
            break
    for entries in scopes:
        said = _member_says(entries, guild, member)
        if said is not None:
            return said
    required = command.data.get("default_member_permissions")
    return not required or not int(required) & ~have


def permissions_payload(local: LocalDiscord, guild: Guild, scope: int) -> dict[str, Any]:
    """``GuildApplicationCommandPermissions``: one command's (or the app's) overrides."""
    return {
        "id": str(scope),
        "application_id": str(local.application_id),
        "guild_id": str(guild.id),
        "permissions": [dict(e) for e in guild.command_permissions.get(scope, [])],
    }
