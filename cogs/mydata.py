"""/mydata export and /mydata delete: a member's own data, from every feature."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import _
from bot.privacy.registry import erase_summary
from bot.replies import Reply, Tone
from cogs._ui import CONFIRM_ERASE_MY_DATA, app_of, ask_to_confirm, respond


class MyData(
    commands.GroupCog, group_name="mydata", group_description="Your data: get a copy or erase it"
):
    feature = "privacy"

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(
        name="export", description="Get everything the bot holds about you, as a JSON file"
    )
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await app_of(interaction).privacy.export_json(interaction.user.id)
        file = discord.File(io.BytesIO(data), filename=f"my-data-{interaction.user.id}.json")
        try:
            await interaction.user.send(_("Here is everything I hold about you."), file=file)
            reply = Reply(body=_("I sent your data to you in a direct message."), tone=Tone.SUCCESS)
            await respond(interaction, reply)
        except discord.Forbidden:
            # DMs closed: hand the file over privately here instead of failing.
            file = discord.File(io.BytesIO(data), filename=f"my-data-{interaction.user.id}.json")
            await interaction.followup.send(
                _("Your direct messages are closed, so here is your data privately."),
                file=file,
                ephemeral=True,
            )

    @app_commands.command(
        name="delete", description="Erase everything the bot holds about you (asks first)"
    )
    async def delete(self, interaction: discord.Interaction) -> None:
        privacy = app_of(interaction).privacy
        if await ask_to_confirm(interaction, privacy.delete_warning(), CONFIRM_ERASE_MY_DATA):
            erasure = await privacy.erase(interaction.user.id)
            await interaction.followup.send(
                embed=None, content=erase_summary(erasure).body, ephemeral=True
            )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(MyData(bot))
