"""Facts about a moderation action, read from discord.py objects for the core to decide on.

The cog side of ``bot.moderation.authority``: permissions in the channel where the action
happens, top-role positions of the moderator, the author and the bot, and the owner's id. Read
again at every click (a button, then its follow-up), so nothing outlives a lost role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord

from bot.moderation.authority import MEMBER_ACTIONS, Standing
from bot.moderation.store import Flag
from bot.permissions import is_moderator
from cogs._permissions import here, in_channel, permission_names


@dataclass(frozen=True)
class Facts:
    permissions: frozenset[str]
    standing: Standing | None
    #: The author as a member of the server, when the action needs them (timeout).
    target: Any = None


#: The Discord side of a timeout or ban, given the claimed flag and the facts read at the click.
MemberPerform = Callable[[Flag, Facts], Awaitable[str]]


def channel_of(guild: Any, flag: Flag) -> Any:
    """The flagged message's channel, or thread (a forum post): ``get_channel`` has no
    threads, and a flag in one would find no channel at all."""
    return guild.get_channel_or_thread(flag.channel_id)


def flag_channel(interaction: discord.Interaction, flag: Flag) -> Any:
    return channel_of(interaction.guild, flag)


def actor_permissions(interaction: discord.Interaction, flag: Flag, action: str) -> frozenset[str]:
    """Message actions count the permissions in the flagged message's channel; member actions
    (timeout, ban) those where the moderator clicks, which Discord resolves for us."""
    channel = None if action in MEMBER_ACTIONS else flag_channel(interaction, flag)
    return here(interaction) if channel is None else in_channel(interaction.user, channel)


async def find_member(guild: Any, user_id: int) -> Any:
    """The member, or None when they are unknown (erased) or not in the server any more."""
    if not user_id:
        return None
    member = guild.get_member(user_id)
    if member is None:
        try:
            member = await guild.fetch_member(user_id)
        except discord.NotFound:
            return None
    return member


async def gather(interaction: discord.Interaction, flag: Flag, action: str) -> Facts:
    """Read, at this click, everything the core needs to decide on ``action``."""
    permissions = actor_permissions(interaction, flag, action)
    if action == "dismiss":
        return Facts(permissions, None)  # nothing happens on Discord; no roles involved
    guild: Any = interaction.guild
    me = guild.me
    target = None
    if action in MEMBER_ACTIONS:
        target = await find_member(guild, flag.author_id)
        bot_permissions = permission_names(me.guild_permissions)
    else:
        channel = flag_channel(interaction, flag)
        bot_permissions = None if channel is None else in_channel(me, channel)
    standing = Standing(
        owner_id=guild.owner_id,
        actor_top_role=interaction.user.top_role.position,  # type: ignore[union-attr]
        bot_top_role=me.top_role.position,
        target_top_role=None if target is None else target.top_role.position,
        target_is_moderator=target is not None
        and is_moderator(permission_names(target.guild_permissions)),
        bot_permissions=bot_permissions,
    )
    return Facts(permissions, standing, target)
