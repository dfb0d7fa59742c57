"""The local Discord's state and the JSON payloads Discord sends for it.

Plain dataclasses: users, guilds with roles and members, channels with permission overwrites,
messages (with attachments, embeds and components kept as the JSON the bot sent), bans and
timeouts. Payload functions build exactly the shapes Discord's API documents, so discord.py
parses them as it would parse Discord's.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Channel types
GUILD_TEXT = 0
DM = 1
GUILD_CATEGORY = 4
GUILD_FORUM = 15
PUBLIC_THREAD = 11
THREADS = (10, 11, 12)

# Message flags
EPHEMERAL = 1 << 6
LOADING = 1 << 7


class Snowflakes:
    """Ids like Discord's: milliseconds since its epoch, then a counter (so ids sort by time)."""

    def __init__(self) -> None:
        self._counter = itertools.count()

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)


def snowflake_at(moment: datetime, sequence: int = 0) -> int:
    """A stable id whose timestamp is ``moment`` (account creation dates come from ids)."""
    ms = int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | sequence


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class User:
    id: int
    name: str
    bot: bool = False
    #: A member with DMs closed makes the bot's DM answer 50007, as on Discord.
    dms_open: bool = True
    #: Their Discord app's language, sent as ``locale`` with each of their interactions.
    locale: str = "en-US"
    #: The display name the member chose for every server (Discord's ``global_name``).
    global_name: str | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.global_name or (None if self.bot else self.name),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int
    managed: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass
class Member:
    user: User
    roles: list[int] = field(default_factory=list)
    joined_at: datetime = field(default_factory=now)
    communication_disabled_until: datetime | None = None
    #: The server nickname (what others see in this server, before the global name).
    nick: str | None = None

    def timed_out(self, at: datetime | None = None) -> bool:
        until = self.communication_disabled_until
        return until is not None and until > (at or now())

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": iso(self.communication_disabled_until)
            if self.timed_out()
            else None,
        }
        if with_user:
            body["user"] = self.user.payload()
        if permissions is not None:
            body["permissions"] = str(permissions)
        return body


@dataclass
class Channel:
    id: int
    name: str
    type: int = GUILD_TEXT
    guild_id: int | None = None
    position: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    #: A DM's other member (the bot is the first).
    recipient: User | None = None
    parent_id: int | None = None
    topic: str | None = None
    #: Threads: who started it, and how many messages it has.
    owner_id: int | None = None
    message_count: int = 0

    @property
    def is_dm(self) -> bool:
        return self.type == DM

    @property
    def is_thread(self) -> bool:
        return self.type in THREADS

    def payload(self) -> dict[str, Any]:
        if self.is_dm:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": None,
                "recipients": [self.recipient.payload()],
                "flags": 0,
            }
        body: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.payload() for o in self.overwrites],
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "nsfw": False,
            "topic": self.topic,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if self.type == GUILD_FORUM:
            body |= {"available_tags": [], "default_reaction_emoji": None}
            body |= {"default_sort_order": None, "default_forum_layout": 0}
        if self.is_thread:
            body |= {
                "owner_id": str(self.owner_id),
                "message_count": self.message_count,
                "member_count": 1,
                "total_message_sent": self.message_count,
                "applied_tags": [],
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 4320,
                    "archive_timestamp": iso(snowflake_time(self.id)),
                    "locked": False,
                    "create_timestamp": iso(snowflake_time(self.id)),
                },
            }
            del body["permission_overwrites"], body["topic"], body["position"]
        return body


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str
    description: str | None = None

    def payload(self, base_url: str, channel_id: int) -> dict[str, Any]:
        url = f"{base_url}/attachments/{channel_id}/{self.id}/{self.filename}"
        body: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": url,
            "proxy_url": url,
            "content_type": self.content_type,
        }
        if self.description is not None:
            body["description"] = self.description
        return body


@dataclass
class Message:
    id: int
    channel_id: int
    author: User
    guild_id: int | None = None
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    timestamp: datetime = field(default_factory=now)
    edited_timestamp: datetime | None = None
    #: Set on interaction responses: the interaction and the member who used it.
    interaction_id: int | None = None
    interaction_user: User | None = None
    application_id: int | None = None
    #: Ephemeral messages are seen only by this user and are in no channel history.
    only_for: int | None = None
    mentions: list[User] = field(default_factory=list)
    deleted: bool = False
    #: A member's poll, as Discord sends it (question, answers, expiry).
    poll: dict[str, Any] | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def text(self) -> str:
        """Everything a reader sees, flattened (for tests and search)."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f.get('name')}: {f.get('value')}" for f in embed.get("fields", [])]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)

    def payload(self, base_url: str, member: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": iso(self.timestamp),
            "edited_timestamp": iso(self.edited_timestamp),
            "tts": False,
            "mention_everyone": False,
            "mentions": [u.payload() for u in self.mentions],
            "mention_roles": [],
            "attachments": [a.payload(base_url, self.channel_id) for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            body["guild_id"] = str(self.guild_id)
        if member is not None:
            body["member"] = member
        if self.poll is not None:
            body["poll"] = self.poll
        if self.application_id is not None:
            body["application_id"] = str(self.application_id)
            body["webhook_id"] = str(self.application_id)
        if self.interaction_id is not None and self.interaction_user is not None:
            body["interaction_metadata"] = {
                "id": str(self.interaction_id),
                "type": 2 if self.type == 20 else 3,
                "user": self.interaction_user.payload(),
                "authorizing_integration_owners": {},
            }
        return body


@dataclass
class Seen:
    """Something a member would see appear: a new or edited message, a modal, a failure."""

    kind: str  # "message" | "edit" | "delete" | "modal" | "failed" | "blocked"
    message: Message | None = None
    user_id: int | None = None  # for modals, failures and blocks: who sees it
    modal: dict[str, Any] | None = None
    interaction_id: int | None = None
    #: "blocked": what the member's client says instead of sending (AutoMod's message).
    note: str | None = None


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    #: user id -> reason
    bans: dict[int, str | None] = field(default_factory=dict)
    #: The server's language (Server Settings > Community): ``preferred_locale`` in the guild
    #: payload, ``guild_locale`` in interactions.
    preferred_locale: str = "en-US"
    #: Threads (forum posts), kept apart from the channel list as Discord does.
    thread_ids: list[int] = field(default_factory=list)
    #: Command permission overrides set by the server's admins: command id (or the
    #: application id, for all commands) -> [{"id", "type", "permission"}].
    command_permissions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    #: AutoMod rules as Discord stores them (rule id -> the rule's JSON).
    automod_rules: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]  # @everyone's id is the guild's id

    def role_named(self, name: str) -> Role:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(name)


@dataclass
class Command:
    """An application command as the bot synced it (kept as Discord stores it)."""

    id: int
    data: dict[str, Any]
    guild_id: int | None = None

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def type(self) -> int:
        return int(self.data.get("type", 1))
