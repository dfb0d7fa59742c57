"""Discord's permission computation and role hierarchy.

Follows "Permission Overwrites" in Discord's docs: base permissions (@everyone, then every role
of the member; owner and Administrator get everything), then the channel's overwrites in
Discord's order: @everyone's, then all of the member's roles together (deny then allow), then the
member's own. A timed-out member keeps only View Channel and Read Message History.
"""

from __future__ import annotations

from bot.local_discord.model import Channel, Guild, Member

BITS: dict[str, int] = {
    "create_instant_invite": 1 << 0,
    "kick_members": 1 << 1,
    "ban_members": 1 << 2,
    "administrator": 1 << 3,
    "manage_channels": 1 << 4,
    "manage_guild": 1 << 5,
    "add_reactions": 1 << 6,
    "view_audit_log": 1 << 7,
    "view_channel": 1 << 10,
    "send_messages": 1 << 11,
    "manage_messages": 1 << 13,
    "embed_links": 1 << 14,
    "attach_files": 1 << 15,
    "read_message_history": 1 << 16,
    "mention_everyone": 1 << 17,
    "use_external_emojis": 1 << 18,
    "manage_roles": 1 << 28,
    "manage_webhooks": 1 << 29,
    "use_application_commands": 1 << 31,
    "manage_threads": 1 << 34,
    "send_messages_in_threads": 1 << 38,
    "moderate_members": 1 << 40,
    "send_polls": 1 << 49,
}
ALL = (1 << 53) - 1


def bits(*names: str) -> int:
    value = 0
    for name in names:
        value |= BITS[name]
    return value


#: What @everyone can do on a fresh server (a subset of Discord's defaults).
EVERYONE_DEFAULT = bits(
    "create_instant_invite",
    "add_reactions",
    "view_channel",
    "send_messages",
    "embed_links",
    "attach_files",
    "read_message_history",
    "use_external_emojis",
    "use_application_commands",
    "send_messages_in_threads",
    "send_polls",
)
TIMED_OUT_KEEP = bits("view_channel", "read_message_history")


def has(value: int, name: str) -> bool:
    return bool(value & BITS[name])


def names(value: int) -> list[str]:
    return [name for name, bit in BITS.items() if value & bit]


def base_permissions(guild: Guild, member: Member) -> int:
    if member.user.id == guild.owner_id:
        return ALL
    value = guild.everyone.permissions
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            value |= role.permissions
    if value & BITS["administrator"]:
        return ALL
    return value


def channel_permissions(guild: Guild, channel: Channel, member: Member) -> int:
    base = base_permissions(guild, member)
    if base == ALL:
        return ALL
    value = base
    overwrites = {(o.type, o.id): o for o in channel.overwrites}
    everyone = overwrites.get((0, guild.id))
    if everyone is not None:
        value = (value & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles:
        role_overwrite = overwrites.get((0, role_id))
        if role_overwrite is not None:
            allow |= role_overwrite.allow
            deny |= role_overwrite.deny
    value = (value & ~deny) | allow
    own = overwrites.get((1, member.user.id))
    if own is not None:
        value = (value & ~own.deny) | own.allow
    if member.timed_out():
        value &= TIMED_OUT_KEEP
    if not value & BITS["view_channel"]:
        return 0  # a channel you cannot see grants nothing
    return value


def top_position(guild: Guild, member: Member) -> int:
    return max((guild.roles[r].position for r in member.roles if r in guild.roles), default=0)


def outranks(guild: Guild, actor: Member, target: Member) -> bool:
    """Discord's hierarchy rule: the owner outranks everyone; otherwise the highest role wins."""
    if target.user.id == guild.owner_id:
        return False
    if actor.user.id == guild.owner_id:
        return True
    return top_position(guild, actor) > top_position(guild, target)
