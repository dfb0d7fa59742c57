import logging
from unittest.mock import MagicMock

import discord
import pytest
from discord import app_commands

from bot.app import App
from bot.errors import UserError
from cogs._errors import friendly_message, handle_interaction_error
from tests.helpers import make_interaction


def _command() -> app_commands.Command:
    async def callback(interaction: discord.Interaction) -> None: ...

    return app_commands.Command(name="demo", description="demo", callback=callback)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (UserError("That article does not exist."), "That article does not exist."),
        (app_commands.MissingPermissions(["manage_guild"]), "Manage Server permission"),
        (app_commands.BotMissingPermissions(["ban_members"]), "I need the Ban Members permission"),
        (
            app_commands.CommandOnCooldown(app_commands.Cooldown(1, 30), 12.4),
            "try again in 12 seconds",
        ),
        (app_commands.NoPrivateMessage(), "only in a server"),
    ],
)
def test_known_errors_get_friendly_text(error: Exception, expected: str) -> None:
    message, error_id = friendly_message(error)
    assert expected in message
    assert error_id is None


def test_wrapped_user_error_is_unwrapped() -> None:
    wrapped = app_commands.CommandInvokeError(_command(), UserError("Minutes must be 1 to 600."))
    assert friendly_message(wrapped) == ("Minutes must be 1 to 600.", None)


def test_bad_argument_names_the_argument() -> None:
    transformer = MagicMock()
    transformer._error_display_name = "Channel"
    error = app_commands.TransformerError(
        "#nowhere", discord.AppCommandOptionType.channel, transformer
    )
    message, _ = friendly_message(error)
    assert "`#nowhere` is not a valid channel" in message


async def test_unexpected_error_is_logged_with_the_id_the_member_sees(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = make_interaction(app)
    with caplog.at_level(logging.ERROR):
        await handle_interaction_error(
            interaction, app_commands.CommandInvokeError(_command(), KeyError("secret detail"))
        )
    [sent] = interaction.sent
    assert sent.ephemeral
    error_id = sent.text.split("error id ")[1].split(")")[0]
    assert error_id in caplog.text
    assert "KeyError" in caplog.text
    assert "secret detail" not in sent.text
