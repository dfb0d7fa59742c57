"""Permission checks, decided in the core from plain permission names.

The cogs gather the names from discord.py (always the permissions in the channel where the
action happens, so channel overrides count as they do in Discord) and the core decides. A check
repeats at every click of a follow-up menu: a menu must not outlive the permission behind it.
"""

from __future__ import annotations

from bot.errors import UserError
from bot.i18n import N_, _

#: Holding any of these on the server makes a member part of the moderation team.
MODERATOR_PERMISSIONS = frozenset(
    {
        "administrator",
        "manage_guild",
        "manage_messages",
        "moderate_members",
        "kick_members",
        "ban_members",
    }
)


#: Discord's permission names as its apps show them (those the bot's checks and actions need).
PERMISSION_NAMES = {
    "manage_guild": N_("Manage Server"),
    "manage_messages": N_("Manage Messages"),
    "moderate_members": N_("Moderate Members"),
    "ban_members": N_("Ban Members"),
    "kick_members": N_("Kick Members"),
    "administrator": N_("Administrator"),
    "send_messages": N_("Send Messages"),
    "embed_links": N_("Embed Links"),
    "attach_files": N_("Attach Files"),
    "read_message_history": N_("Read Message History"),
    "view_channel": N_("View Channels"),
}


def permission_label(name: str) -> str:
    """``manage_guild`` -> ``Manage Server``: the name members see in Discord's settings, in
    their language (a permission not listed falls back to its words, in English)."""
    if name in PERMISSION_NAMES:
        return _(PERMISSION_NAMES[name])
    return name.replace("_", " ").replace("guild", "server").title()


def has_permission(permissions: frozenset[str], needed: str) -> bool:
    return needed in permissions or "administrator" in permissions


def permission_refusal(permissions: frozenset[str], needed: str) -> str | None:
    """Why the member may not do it, or None when they may."""
    if has_permission(permissions, needed):
        return None
    return _("You need the {permission} permission here to do that.").format(
        permission=permission_label(needed)
    )


def require_permission(permissions: frozenset[str], needed: str) -> None:
    refusal = permission_refusal(permissions, needed)
    if refusal is not None:
        raise UserError(refusal)


def is_moderator(permissions: frozenset[str]) -> bool:
    return bool(permissions & MODERATOR_PERMISSIONS)
