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

from bot.local_discord import admin
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
    """One server and its people, by role name ("owner", "moderator", "member", ...).

    The methods below change the server as its admins would in Discord's settings, each
    announced to the bot as Discord announces it (see :mod:`.admin`).
    """

    guild: Guild
    users: dict[str, User]
    channels: dict[str, Channel]
    roles: dict[str, Role] = field(default_factory=dict)
    local: LocalDiscord | None = None

    def user(self, persona: str) -> User:
        return self.users[persona]

    def channel(self, name: str) -> Channel:
        return self.channels[name.lstrip("#")]

    def member(self, persona: str) -> Member:
        return self.guild.members[self.user(persona).id]

    @property
    def _local(self) -> LocalDiscord:
        assert self.local is not None, "this world was built without a local Discord"
        return self.local

    def add_role(self, name: str, permissions: int = 0, *, above: str = "everyone") -> Role:
        """A new role placed just above the role ``above``; the roles over it move up one,
        as when an admin drags a role in Discord's list (lowest first: everyone, moderators,
        bot, admins)."""
        local = self._local
        position = self.roles[above.lower()].position + 1
        for role in self.guild.roles.values():
            if role.position >= position:
                role.position += 1
                admin.save_role(local, self.guild, role)
        role = Role(local.ids.next(), name, permissions, position)
        self.roles[name.lower()] = admin.save_role(local, self.guild, role)
        return role

    def edit_role(self, name: str, permissions: int) -> None:
        role = self.roles[name.lower()]
        role.permissions = permissions
        admin.save_role(self._local, self.guild, role)

    def set_roles(self, persona: str, *role_names: str) -> None:
        """Give ``persona`` exactly these roles (by name: "moderators", "admins", ...)."""
        ids = [self.roles[name.lower()].id for name in role_names]
        admin.set_roles(self._local, self.guild, self.user(persona).id, ids)

    def set_nick(self, persona: str, nick: str | None) -> None:
        admin.set_nick(self._local, self.guild, self.user(persona).id, nick)

    def override(self, channel: str, who: str, *, allow: int = 0, deny: int = 0) -> None:
        """A channel permission override for a role name or a persona (both empty: removed)."""
        if who.lower() in self.roles:
            target, kind = self.roles[who.lower()].id, 0
        else:
            target, kind = self.user(who).id, 1
        admin.set_overwrite(
            self._local, self.channel(channel), target, kind, allow=allow, deny=deny
        )

    def allow_command(self, name: str, role: str, allowed: bool = True) -> None:
        """Integrations > this app > a command: let a role (not) use it, whatever its default
        permissions say."""
        local = self._local
        command = next(c for c in local.commands.get(None, []) if c.name == name)
        entries = [
            e for e in self.guild.command_permissions.get(command.id, []) if int(e["type"]) != 1
        ]
        entries.append({"id": self.roles[role.lower()].id, "type": 1, "permission": allowed})
        admin.set_command_permissions(local, self.guild, command.id, entries)

    def add_person(self, persona: str, *role_names: str) -> User:
        """Another member (say a second moderator), with these roles, who joined long ago."""
        local = self._local
        user = local.add_user(User(local.ids.next(), f"{persona}-{self.guild.id % 10_000:04d}"))
        self.users[persona] = user
        roles = [self.roles[name.lower()].id for name in role_names]
        joined = now() - timedelta(days=400)
        self.guild.members[user.id] = Member(user, roles, joined_at=joined)
        return user


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
    return World(guild, users, channels, roles, local)
