from typing import Any
from unittest.mock import MagicMock

import discord
import pytest
from discord.ext import commands

from bot.app import App
from bot.help import PHONE_LINE_CHARS, PHONE_LINES
from cogs.articles import Articles
from cogs.config import ConfigCog
from cogs.meta import HelpButton, Meta, build_help_groups
from cogs.moderation import Moderation
from cogs.mydata import MyData
from cogs.streaks import CheckinCog, StreakCog
from tests.helpers import click, invoke, make_interaction
from tests.phone import assert_fits_a_phone, phone_lines


@pytest.fixture
def bot(app: App) -> MagicMock:
    """A bot with every feature's cog, as in production."""
    bot = MagicMock(spec=commands.Bot)
    bot.app = app
    bot.tree = MagicMock()
    cogs = [
        cls(bot) for cls in (Meta, Articles, StreakCog, CheckinCog, MyData, ConfigCog, Moderation)
    ]
    bot.cogs = {cog.qualified_name: cog for cog in cogs}
    return bot


def all_commands(bot: MagicMock) -> set[str]:
    return {usage for group in build_help_groups(bot) for usage, _ in group.entries}


def member_interaction(app: App, bot: MagicMock) -> Any:
    interaction = make_interaction(app)
    interaction.client = bot
    return interaction


async def test_help_groups_every_command_by_feature_with_descriptions(bot: MagicMock) -> None:
    groups = {group.title: dict(group.entries) for group in build_help_groups(bot)}
    assert "/config show" in groups["Server settings"]
    assert "/mydata delete" in groups["Your data"]
    assert "/help" in groups["General"]
    assert "/checkin" in groups["Exercise streaks"] and "/streak join" in groups["Exercise streaks"]
    assert "Message menu: Report to moderators" in groups["Moderation"]
    assert all(description for entries in groups.values() for description in entries.values())
    assert list(groups)[-1] == "General"


async def test_help_fits_one_phone_screen_before_any_button_is_pressed(
    app: App, bot: MagicMock
) -> None:
    interaction = member_interaction(app, bot)
    await invoke(Meta.help, bot.cogs["Meta"], interaction)
    [sent] = interaction.sent
    assert sent.ephemeral
    [embed] = sent.embeds
    assert_fits_a_phone(embed, lines=PHONE_LINES, chars=PHONE_LINE_CHARS)
    print(
        f"/help overview: {len(phone_lines(embed))} lines, longest "
        f"{max(map(len, phone_lines(embed)))} characters"
    )
    buttons = [item for item in sent.view.children if isinstance(item, HelpButton)]
    titles = [group.title for group in build_help_groups(bot)]
    assert [b.item.label for b in buttons] == titles
    for title in titles:
        assert any(line.startswith(f"{title}: ") for line in phone_lines(embed)), title


async def test_each_button_shows_that_features_commands_privately(app: App, bot: MagicMock) -> None:
    interaction = member_interaction(app, bot)
    await invoke(Meta.help, bot.cogs["Meta"], interaction)
    shown: set[str] = set()
    for button in interaction.sent[0].view.children:
        press = member_interaction(app, bot)
        await click(button, press)
        [sent] = press.sent
        assert sent.ephemeral and sent.embeds[0].title == button.item.label
        shown |= {item.name for item in sent.embeds[0].fields}
    assert shown == all_commands(bot)


async def test_help_button_works_after_a_restart_and_for_a_gone_feature(
    app: App, bot: MagicMock
) -> None:
    template = HelpButton.__discord_ui_compiled_template__
    rebuilt = await HelpButton.from_custom_id(
        member_interaction(app, bot), MagicMock(), template.fullmatch("help:streaks")
    )
    press = member_interaction(app, bot)
    await rebuilt.callback(press)
    assert "/streak join" in press.sent[0].text
    gone = HelpButton("retired_feature")
    press = member_interaction(app, bot)
    await gone.callback(press)
    assert "not available any more" in press.sent[0].text and press.sent[0].ephemeral


async def test_mention_help_has_the_same_overview_and_buttons(bot: MagicMock) -> None:
    ctx = MagicMock()
    sent: dict[str, Any] = {}

    async def send(**kwargs: Any) -> None:
        sent.update(kwargs)

    ctx.send = send
    await Meta.help_text.callback(bot.cogs["Meta"], ctx)  # type: ignore[arg-type]
    embed: discord.Embed = sent["embed"]
    assert_fits_a_phone(embed)
    assert len(sent["view"].children) == len(build_help_groups(bot))
