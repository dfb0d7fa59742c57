"""/help and the installation of the one error handler.

/help answers with a one-screen overview and a button per feature; a button shows that
feature's commands. The buttons are DynamicItems (custom_id ``help:<feature>``), so they keep
working after a restart and on the public "@bot help" message, for whoever presses them.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserError
from bot.help import (
    CONTEXT_MENU_HINT,
    CONTEXT_MENU_USAGE,
    FEATURE_SUMMARIES,
    GENERAL_TITLE,
    HELP_UNKNOWN_FEATURE,
    HelpGroup,
    help_feature,
    help_overview,
)
from bot.i18n import _
from cogs._errors import handle_interaction_error, on_app_command_error
from cogs._language import SpeaksMemberLanguage, command_text, command_usage, in_server_language
from cogs._ui import DynamicItemsView, app_of, reply_to_embed, respond

FEATURE = "meta"
#: Discord allows 25 buttons in a message (5 rows of 5).
MAX_BUTTONS = 25


def _context_menus(cog: commands.Cog) -> list[app_commands.ContextMenu]:
    listed = list(getattr(cog, "context_menus", []))
    listed += [v for v in vars(cog).values() if isinstance(v, app_commands.ContextMenu)]
    return list({id(menu): menu for menu in listed}.values())


def build_help_groups(bot: commands.Bot) -> list[HelpGroup]:
    """Every app command, grouped by its cog's feature."""
    titles = bot.app.feature_titles  # type: ignore[attr-defined]
    groups: dict[str, HelpGroup] = {}
    for cog in bot.cogs.values():
        feature = getattr(cog, "feature", None) or cog.qualified_name
        title = titles.get(feature, _(GENERAL_TITLE) if feature == FEATURE else feature)
        group = groups.setdefault(feature, HelpGroup(title, feature=feature))
        summary = FEATURE_SUMMARIES.get(feature)
        group.summary = group.summary or (_(summary) if summary else "")
        if not group.summary and getattr(cog, "__cog_is_app_commands_group__", False):
            group.summary = command_text(cog.__cog_group_description__)
        for command in cog.walk_app_commands():
            if isinstance(command, app_commands.Command):
                group.entries.append(
                    (command_usage(command.qualified_name), command_text(command.description))
                )
        for menu in _context_menus(cog):
            usage = _(CONTEXT_MENU_USAGE).format(name=command_text(menu.name))
            group.entries.append((usage, _(CONTEXT_MENU_HINT)))
    # Members' features first, in the help's own order; a feature it does not know follows.
    order = {name: index for index, name in enumerate(FEATURE_SUMMARIES)}
    found = [group for group in groups.values() if group.entries]
    return sorted(found, key=lambda g: (g.feature == FEATURE, order.get(g.feature, len(order))))


class HelpButton(
    SpeaksMemberLanguage,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"help:(?P<feature>[a-z0-9_]+)",
):
    """Shows one feature's commands, privately, to whoever presses it."""

    def __init__(self, feature: str, title: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=(title or feature)[:80],
                style=discord.ButtonStyle.primary,
                custom_id=f"help:{feature}",
            )
        )
        self.feature = feature

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> HelpButton:
        return cls(match["feature"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            groups = build_help_groups(interaction.client)  # type: ignore[arg-type]
            group = next((g for g in groups if g.feature == self.feature), None)
            if group is None:
                raise UserError(_(HELP_UNKNOWN_FEATURE))
            await respond(interaction, help_feature(group), private=True)
        except Exception as error:  # dynamic items have no view of ours to route errors
            await handle_interaction_error(interaction, error)


def help_view(groups: list[HelpGroup]) -> discord.ui.View:
    return DynamicItemsView([HelpButton(g.feature, g.title) for g in groups[:MAX_BUTTONS]])


class Meta(commands.Cog):
    feature = FEATURE

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._previous_handler = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = on_app_command_error  # type: ignore[method-assign]
        self.bot.add_dynamic_items(HelpButton)

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous_handler  # type: ignore[method-assign]
        self.bot.remove_dynamic_items(HelpButton)

    @app_commands.command(name="help", description="What I can do, feature by feature")
    async def help(self, interaction: discord.Interaction) -> None:
        app_of(interaction)  # fails loudly if the bot was built without the core
        groups = build_help_groups(self.bot)
        await respond(interaction, help_overview(groups), view=help_view(groups))

    @commands.command(name="help")
    async def help_text(self, ctx: commands.Context[commands.Bot]) -> None:
        """Mention the bot with "help" (for apps or members that cannot use slash commands)."""
        with in_server_language(ctx.guild):  # a message has no member locale; the post is public
            groups = build_help_groups(self.bot)
            await ctx.send(embed=reply_to_embed(help_overview(groups)), view=help_view(groups))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Meta(bot))
