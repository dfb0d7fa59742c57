"""The default server: an owner, an admin, a moderator and a member, and the usual channels.

Roles, lowest first: @everyone, Moderators (Manage Messages, Moderate Members, Ban Members),
the bot's own managed role (what the README's invite link grants), Admins (Administrator).
#mod-review and #article-feedback are private to moderators (and the bot), by channel
overwrites, like a real server's staff channels. Ids can be stable (the console, whose database
outlives the process) or fresh (one world per test).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.local_discord.model import (
    GUILD_FORUM,
    GUILD_TEXT,
    Channel,
    Guild,
    Member,
    Overwrite,
    Role,
    User,
    now,
    snowflake_at,
)
from bot.local_discord.permissions import EVERYONE_DEFAULT, bits

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord

MODERATOR = bits("manage_messages", "moderate_members", "ban_members", "kick_members")
#: The README's invite permissions (1374389660676).
BOT_ROLE = 1_374_389_660_676
STAFF_VIEW = bits("view_channel", "send_messages", "read_message_history")
CHANNELS = (
    ("general", GUILD_TEXT, False),
    ("checkins", GUILD_TEXT, False),
    ("mod-review", GUILD_TEXT, True),
    ("article-feedback", GUILD_TEXT, True),
    ("support", GUILD_FORUM, False),
)
PERSONAS = ("owner", "admin", "moderator", "member")
_STABLE_EPOCH = datetime(2023, 3, 1, tzinfo=UTC)
_fresh = itertools.count(1)


@dataclass
class World:
    """One server and its people, by role name ("owner", "moderator", "member", ...)."""

    guild: Guild
    users: dict[str, User]
    channels: dict[str, Channel]
    roles: dict[str, Role] = field(default_factory=dict)

    def user(self, persona: str) -> User:
        return self.users[persona]

    def channel(self, name: str) -> Channel:
        return self.channels[name.lstrip("#")]


class _Ids:
    """Stable ids (the same each run) or fresh ones, all dated in the past like real accounts."""

    def __init__(self, stable: bool) -> None:
        self.base = 0 if stable else next(_fresh) * 10_000
        self.counter = itertools.count(1)

    def next(self) -> int:
        n = self.base + next(self.counter)
        return snowflake_at(_STABLE_EPOCH + timedelta(seconds=n), n % 4096)


def build_world(local: LocalDiscord, *, stable: bool = False, name: str = "MS community") -> World:
    """Create the default server on ``local`` (the bot is a member) and return it."""
    ids = _Ids(stable)
    guild_id = ids.next()
    users = {
        persona: local.add_user(User(ids.next(), f"{persona}-{guild_id % 10_000:04d}"))
        if not stable
        else local.add_user(User(ids.next(), persona))
        for persona in PERSONAS
    }
    guild = Guild(guild_id, name, owner_id=users["owner"].id)
    roles = {
        "everyone": Role(guild_id, "@everyone", EVERYONE_DEFAULT, 0),
        "moderators": Role(ids.next(), "Moderators", MODERATOR, 1),
        "bot": Role(ids.next(), local.bot_user.name, BOT_ROLE, 2, managed=True),
        "admins": Role(ids.next(), "Admins", bits("administrator"), 3),
    }
    guild.roles = {role.id: role for role in roles.values()}
    joined = now() - timedelta(days=400)
    member_roles = {
        "owner": [],
        "admin": [roles["admins"].id],
        "moderator": [roles["moderators"].id],
        "member": [],
    }
    for persona, user in users.items():
        guild.members[user.id] = Member(user, member_roles[persona], joined_at=joined)
    guild.members[local.bot_user.id] = Member(local.bot_user, [roles["bot"].id], joined_at=joined)
    channels: dict[str, Channel] = {}
    for position, (channel_name, kind, staff_only) in enumerate(CHANNELS):
        overwrites = []
        if staff_only:
            overwrites = [
                Overwrite(guild_id, 0, deny=bits("view_channel")),
                Overwrite(roles["moderators"].id, 0, allow=STAFF_VIEW),
                Overwrite(roles["bot"].id, 0, allow=STAFF_VIEW),
            ]
        channels[channel_name] = local.add_channel(
            guild, Channel(ids.next(), channel_name, kind, position=position, overwrites=overwrites)
        )
    local.add_guild(guild)
    return World(guild, users, channels, roles)
