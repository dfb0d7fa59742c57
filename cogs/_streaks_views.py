"""Buttons and helpers shared by the /streak cog: reminder and pinned DynamicItems.

The buttons are DynamicItems (custom_id ``streak:<action>:<user_id>``) so they keep working
after a restart; ``cogs/streaks.py`` registers them in ``cog_load``.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from typing import Any

import discord

from bot.errors import UserError
from bot.i18n import N_, _
from bot.streaks.feature import Streaks, streaks_of
from bot.streaks.service import Announcement, Outcome
from cogs._errors import handle_interaction_error
from cogs._language import SpeaksMemberLanguage
from cogs._ui import DynamicItemsView, app_of, reply_to_embed, respond

log = logging.getLogger(__name__)


def streaks_for(interaction: discord.Interaction) -> Streaks:
    return streaks_of(app_of(interaction))


async def announce(client: discord.Client, announcement: Announcement | None) -> None:
    """Post a milestone in the check-in channel; a missing channel or permission is not fatal."""
    if announcement is None:
        return
    channel = client.get_channel(announcement.channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        log.warning("Check-in channel %s not found", announcement.channel_id)
        return
    try:
        await channel.send(
            embed=reply_to_embed(announcement.reply),
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except discord.HTTPException:
        log.warning("Could not post a milestone in channel %s", announcement.channel_id)


async def send_outcome(interaction: discord.Interaction, outcome: Outcome) -> None:
    await respond(interaction, outcome.reply)
    await announce(interaction.client, outcome.announcement)


class _OwnedButton(SpeaksMemberLanguage, ABC):
    """Behaviour shared by the reminder/pinned buttons (mixed into DynamicItem subclasses).

    ``user_id`` 0 means anyone may press it (the pinned one).
    """

    action = ""
    label = ""
    style = discord.ButtonStyle.secondary

    def __init__(self, user_id: int) -> None:
        super().__init__(  # type: ignore[call-arg]
            discord.ui.Button(
                label=_(self.label),
                style=self.style,
                custom_id=f"streak:{self.action}:{user_id}",
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Any:
        return cls(int(match["user_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        try:
            if self.user_id and interaction.user.id != self.user_id:
                raise UserError(_("These buttons are for the member they were sent to."))
            await self.run(interaction, streaks_for(interaction))
        except Exception as error:  # dynamic items have no view of ours to route errors
            await handle_interaction_error(interaction, error)

    @abstractmethod
    async def run(self, interaction: discord.Interaction, s: Streaks) -> None:
        """What the button does for the member who pressed it."""


class MovedButton(
    _OwnedButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"streak:moved:(?P<user_id>\d+)",
):
    action, label, style = "moved", N_("I moved today"), discord.ButtonStyle.success

    async def run(self, interaction: discord.Interaction, s: Streaks) -> None:
        await send_outcome(interaction, await s.core.checkin(interaction.user.id, button=True))


class RestButton(
    _OwnedButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"streak:rest:(?P<user_id>\d+)",
):
    action, label = "rest", N_("Rest day")

    async def run(self, interaction: discord.Interaction, s: Streaks) -> None:
        await send_outcome(interaction, await s.core.rest(interaction.user.id))


class SnoozeButton(
    _OwnedButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"streak:snooze:(?P<user_id>\d+)",
):
    action, label = "snooze", N_("Pause reminders for a week")

    async def run(self, interaction: discord.Interaction, s: Streaks) -> None:
        await respond(interaction, await s.account.snooze_reminders(interaction.user.id))


DYNAMIC_ITEMS = (MovedButton, RestButton, SnoozeButton)


def reminder_view(user_id: int) -> discord.ui.View:
    return DynamicItemsView([item(user_id) for item in DYNAMIC_ITEMS])


def pin_view() -> discord.ui.View:
    return DynamicItemsView([MovedButton(0)])
