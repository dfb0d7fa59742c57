"""Gather permission facts from discord.py objects for the core to decide on (``bot.permissions``).

Always the permissions in the channel where the action happens, channel overrides included, as
Discord computes them: ``interaction.permissions`` for the channel the member is typing or
clicking in, ``channel.permissions_for(member)`` for another channel (a flagged message's).
Never ``guild_permissions`` for a check: it ignores overrides.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.errors import UserError
from bot.permissions import require_permission


class PermissionRefused(UserError, app_commands.CheckFailure):
    """A server-side permission check refused; ``message`` names the permission.

    Also an ``AppCommandError``: discord.py sends only those to the error handler when a cog's
    ``interaction_check`` raises (anything else escaped it, and the member saw "The
    application did not respond" when an admin had opened the command to their role).
    """


def permission_names(permissions: discord.Permissions) -> frozenset[str]:
    return frozenset(name for name, granted in permissions if granted)


def here(interaction: discord.Interaction) -> frozenset[str]:
    """The member's permissions in the channel of this interaction."""
    if interaction.guild is None:
        return frozenset()
    return permission_names(interaction.permissions)


def in_channel(member: Any, channel: Any) -> frozenset[str]:
    """``member``'s permissions in ``channel`` (a TextChannel, thread, ...)."""
    return permission_names(channel.permissions_for(member))


def require_here(interaction: discord.Interaction, needed: str) -> None:
    """The server-side check behind ``default_permissions`` (which only hides a command,
    and which a server's admins can override for a role)."""
    try:
        require_permission(here(interaction), needed)
    except UserError as refused:
        raise PermissionRefused(refused.message) from None
