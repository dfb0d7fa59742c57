"""/config: per-server options for every feature (Manage Server, checked server-side)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.guild_config import ConfigKey, ConfigKind
from bot.guild_config.feature import set_option
from bot.guild_config.render import detail_reply
from bot.i18n import N_, _
from bot.replies import Reply, Tone
from cogs._permissions import require_here
from cogs._ui import OwnerOnlyView, app_of, respond

DETAILS_PLACEHOLDER = N_("What does a setting do? Choose one")
MAX_OPTIONS = 25  # Discord's limit for one select


async def _option_autocomplete(
    interaction: discord.Interaction, current: str, *, channels: bool
) -> list[app_commands.Choice[str]]:
    keys = app_of(interaction).config.keys
    wanted = [k for k in keys if (k.kind is ConfigKind.CHANNEL) == channels]
    current = current.lower()
    return [
        app_commands.Choice(name=f"{k.name}: {k.explanation}"[:100], value=k.name)
        for k in wanted
        if current in k.name
    ][:25]


async def channel_options(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return await _option_autocomplete(interaction, current, channels=True)


async def value_options(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return await _option_autocomplete(interaction, current, channels=False)


class SettingDetailsView(OwnerOnlyView):
    """A select under /config show: the chosen option's description, default and range."""

    def __init__(self, owner_id: int, keys: list[ConfigKey]) -> None:
        super().__init__(owner_id)
        select: discord.ui.Select[SettingDetailsView] = discord.ui.Select(
            placeholder=_(DETAILS_PLACEHOLDER),
            options=[
                discord.SelectOption(label=k.name[:100], description=k.explanation[:100])
                for k in keys[:MAX_OPTIONS]
            ],
        )
        select.callback = self._explain  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def _explain(self, interaction: discord.Interaction) -> None:
        app = app_of(interaction)
        assert interaction.guild_id is not None
        key = app.config.key(self.select.values[0])
        value = await app.config.get(interaction.guild_id, key.name)
        await respond(interaction, detail_reply(key, value), private=True)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ConfigCog(
    commands.GroupCog, group_name="config", group_description="Server settings for the bot"
):
    feature = "guild_config"

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # default_permissions only hides the command; this is the real, server-side check,
        # on the permissions in this channel (overrides count, as in Discord).
        require_here(interaction, "manage_guild")
        return True

    @app_commands.command(name="show", description="Show every server setting and its value")
    async def show(self, interaction: discord.Interaction) -> None:
        app = app_of(interaction)
        assert interaction.guild_id is not None
        reply = await app.config.show(interaction.guild_id, app.feature_titles)
        view = SettingDetailsView(interaction.user.id, app.config.keys) if app.config.keys else None
        await respond(interaction, reply, view=view)

    @app_commands.command(name="set", description="Change a server setting (numbers, on/off, text)")
    @app_commands.describe(option="The setting to change", value="Its new value")
    @app_commands.autocomplete(option=value_options)
    async def set_(self, interaction: discord.Interaction, option: str, value: str) -> None:
        assert interaction.guild_id is not None
        reply = await set_option(
            app_of(interaction), interaction.guild_id, option, value, interaction.user.id
        )
        await respond(interaction, reply)

    @app_commands.command(name="channel", description="Choose the channel a feature posts to")
    @app_commands.describe(option="Which channel setting", channel="The channel to use")
    @app_commands.autocomplete(option=channel_options)
    async def channel(
        self, interaction: discord.Interaction, option: str, channel: discord.TextChannel
    ) -> None:
        assert interaction.guild_id is not None
        reply = await set_option(
            app_of(interaction), interaction.guild_id, option, str(channel.id), interaction.user.id
        )
        await respond(interaction, reply)

    @app_commands.command(name="reset", description="Put a server setting back to its default")
    @app_commands.describe(option="The setting to reset")
    @app_commands.autocomplete(option=value_options)
    async def reset(self, interaction: discord.Interaction, option: str) -> None:
        assert interaction.guild_id is not None
        app = app_of(interaction)
        key = app.config.key(option)
        await app.config.reset(interaction.guild_id, key.name)
        await respond(
            interaction,
            Reply(
                body=_("{name} is back to its default: {value}.").format(
                    name=key.name, value=key.display(key.default)
                ),
                tone=Tone.SUCCESS,
            ),
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ConfigCog(bot))
