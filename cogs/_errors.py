"""The bot's one error handler for slash commands, buttons, selects and modals."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.errors import UserError, new_error_id

log = logging.getLogger(__name__)


def _permission_names(names: list[str]) -> str:
    return ", ".join(name.replace("_", " ").replace("guild", "server").title() for name in names)


def friendly_message(error: Exception) -> tuple[str, str | None]:
    """(message for the member, error id if it was unexpected and logged)."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, UserError):
        return original.message, None
    if isinstance(original, app_commands.MissingPermissions):
        return (
            f"You need the {_permission_names(original.missing_permissions)} permission to do that.",
            None,
        )
    if isinstance(original, app_commands.BotMissingPermissions):
        return (
            f"I need the {_permission_names(original.missing_permissions)} permission here. "
            "Ask a server admin to grant it.",
            None,
        )
    if isinstance(original, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {original.retry_after:.0f} seconds.", None
    if isinstance(original, app_commands.NoPrivateMessage):
        return "This command works only in a server, not in direct messages.", None
    if isinstance(original, app_commands.TransformerError):
        name = getattr(original.transformer, "_error_display_name", None) or original.type.name
        return (
            f"`{str(original.value)[:50]}` is not a valid {name.lower()}. Please pick one from the list.",
            None,
        )
    if isinstance(original, app_commands.CheckFailure):
        return "You can't use that here.", None
    if isinstance(original, discord.Forbidden):
        return "Discord would not let me do that here (missing permission).", None
    error_id = new_error_id()
    log.error("Unexpected error (error id %s)", error_id, exc_info=original)
    return (
        f"Something went wrong on my side (error id {error_id}). Nothing you entered was lost; "
        "please try again, and tell a moderator the id if it keeps happening.",
        error_id,
    )


async def handle_interaction_error(interaction: discord.Interaction, error: Exception) -> None:
    message, _ = friendly_message(error)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        # Not the message itself: it may quote what the member typed.
        log.warning("Could not tell the member about an error (%d chars)", len(message))


async def on_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    await handle_interaction_error(interaction, error)
