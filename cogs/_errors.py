"""The bot's one error handler for slash commands, buttons, selects and modals."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.errors import UserError, new_error_id
from bot.i18n import N_, _, join_list, number
from bot.permissions import permission_label
from cogs._language import speak_to

log = logging.getLogger(__name__)

#: Discord's code for an interaction whose time to answer is over (3 seconds, or 15 minutes
#: after a defer): nobody is left to tell, and another answer would be refused the same way.
UNKNOWN_INTERACTION = 10062


#: A value Discord could not turn into what the option holds, one whole sentence per kind.
NOT_VALID = {
    "channel": N_("`{value}` is not a valid channel. Please pick one from the list."),
    "member": N_("`{value}` is not a valid member. Please pick one from the list."),
    "user": N_("`{value}` is not a valid user. Please pick one from the list."),
    "role": N_("`{value}` is not a valid role. Please pick one from the list."),
    "integer": N_("`{value}` is not a whole number. Please type digits, like 10."),
    "number": N_("`{value}` is not a number. Please type digits, like 2.5."),
    "string": N_("`{value}` is not a valid choice. Please pick one from the list."),
}


def _permission_names(names: list[str]) -> str:
    return join_list(permission_label(name) for name in names)


def friendly_message(error: Exception) -> tuple[str, str | None]:
    """(message for the member, error id if it was unexpected and logged)."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, UserError):
        return original.message, None
    if isinstance(original, app_commands.MissingPermissions):
        return (
            _("You need the {permission} permission to do that.").format(
                permission=_permission_names(original.missing_permissions)
            ),
            None,
        )
    if isinstance(original, app_commands.BotMissingPermissions):
        return (
            _("I need the {permission} permission here. Ask a server admin to grant it.").format(
                permission=_permission_names(original.missing_permissions)
            ),
            None,
        )
    if isinstance(original, app_commands.CommandOnCooldown):
        return (
            _("Slow down a little: try again in {seconds} seconds.").format(
                seconds=number(round(original.retry_after))
            ),
            None,
        )
    if isinstance(original, app_commands.NoPrivateMessage):
        return _("This command works only in a server, not in direct messages."), None
    if isinstance(original, app_commands.TransformerError):
        name = getattr(original.transformer, "_error_display_name", None) or original.type.name
        sentence = NOT_VALID.get(name.lower(), NOT_VALID["string"])
        return _(sentence).format(value=str(original.value)[:50]), None
    if isinstance(original, app_commands.CheckFailure):
        return _("You can't use that here."), None
    if isinstance(original, discord.Forbidden):
        return _("Discord would not let me do that here (missing permission)."), None
    error_id = new_error_id()
    log.error("Unexpected error (error id %s)", error_id, exc_info=original)
    return (
        _(
            "Something went wrong on my side (error id {error_id}). Nothing you entered was "
            "lost; please try again, and tell a moderator the id if it keeps happening."
        ).format(error_id=error_id),
        error_id,
    )


async def handle_interaction_error(interaction: discord.Interaction, error: Exception) -> None:
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION:
        log.warning("An answer came after Discord's deadline for the interaction: not sent")
        return
    # Errors can be raised before any hook ran (an item's own check): say them in the member's
    # language all the same.
    speak_to(interaction)
    message, _error_id = friendly_message(error)
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
