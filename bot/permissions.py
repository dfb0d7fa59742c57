"""Permission checks, decided in the core from plain permission names.

The cogs gather the names from discord.py (always the permissions in the channel where the
action happens, so channel overrides count as they do in Discord) and the core decides. A check
repeats at every click of a follow-up menu: a menu must not outlive the permission behind it.
"""

from __future__ import annotations

from bot.errors import UserError

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


def permission_label(name: str) -> str:
    """``manage_guild`` -> ``Manage Server``: the name members see in Discord's settings."""
    return name.replace("_", " ").replace("guild", "server").title()


def has_permission(permissions: frozenset[str], needed: str) -> bool:
    return needed in permissions or "administrator" in permissions


def permission_refusal(permissions: frozenset[str], needed: str) -> str | None:
    """Why the member may not do it, or None when they may."""
    if has_permission(permissions, needed):
        return None
    return f"You need the {permission_label(needed)} permission here to do that."


def require_permission(permissions: frozenset[str], needed: str) -> None:
    refusal = permission_refusal(permissions, needed)
    if refusal is not None:
        raise UserError(refusal)


def is_moderator(permissions: frozenset[str]) -> bool:
    return bool(permissions & MODERATOR_PERMISSIONS)
