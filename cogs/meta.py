"""/help and the installation of the one error handler."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.help import HelpGroup, render_help
from cogs._errors import on_app_command_error
from cogs._ui import app_of, reply_to_embed, respond

FEATURE = "meta"


def build_help_groups(bot: commands.Bot) -> list[HelpGroup]:
    """Every app command, grouped by its cog's feature title (the core's feature registry)."""
    titles = bot.app.feature_titles  # type: ignore[attr-defined]
    groups: dict[str, HelpGroup] = {}
    for cog in bot.cogs.values():
        feature = getattr(cog, "feature", None) or cog.qualified_name
        title = titles.get(feature, "General" if feature == FEATURE else feature)
        group = groups.setdefault(title, HelpGroup(title))
        for command in cog.walk_app_commands():
            if isinstance(command, app_commands.Command):
                group.entries.append((f"/{command.qualified_name}", command.description))
        for menu in getattr(cog, "context_menus", []):
            group.entries.append(
                (f"Message menu: {menu.name}", "Right-click (or long-press) a message, then Apps")
            )
    return [group for group in groups.values() if group.entries]


class Meta(commands.Cog):
    feature = FEATURE

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._previous_handler = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous_handler  # type: ignore[method-assign]

    @app_commands.command(name="help", description="Every command with a one-line description")
    async def help(self, interaction: discord.Interaction) -> None:
        app_of(interaction)  # fails loudly if the bot was built without the core
        await respond(interaction, render_help(build_help_groups(self.bot)))

    @commands.command(name="help")
    async def help_text(self, ctx: commands.Context[commands.Bot]) -> None:
        """Mention the bot with "help" (for apps or members that cannot use slash commands)."""
        await ctx.send(embed=reply_to_embed(render_help(build_help_groups(self.bot))))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Meta(bot))
