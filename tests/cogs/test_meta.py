from unittest.mock import MagicMock

from discord.ext import commands

from bot.app import App
from cogs.config import ConfigCog
from cogs.meta import Meta, build_help_groups
from cogs.mydata import MyData
from tests.helpers import invoke, make_interaction


async def test_help_lists_every_command_by_feature(app: App) -> None:
    bot = MagicMock(spec=commands.Bot)
    bot.app = app
    bot.tree = MagicMock()
    cogs = [Meta(bot), ConfigCog(bot), MyData(bot)]
    bot.cogs = {cog.qualified_name: cog for cog in cogs}
    groups = {group.title: dict(group.entries) for group in build_help_groups(bot)}
    assert "/config show" in groups["Server settings"]
    assert "/mydata delete" in groups["Your data"]
    assert "/help" in groups["General"]
    assert all(description for entries in groups.values() for description in entries.values())

    interaction = make_interaction(app)
    await invoke(Meta.help, cogs[0], interaction)
    [sent] = interaction.sent
    assert sent.ephemeral
    assert "/config show" in sent.text
