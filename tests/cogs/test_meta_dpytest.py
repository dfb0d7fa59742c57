"""The mention-prefix help, driven through discord.py's own message parsing by dpytest."""

from collections.abc import AsyncIterator

import discord
import discord.ext.test as dpytest
import pytest
from discord.ext import commands

from bot.app import App
from cogs.meta import Meta


@pytest.fixture
async def bot(app: App) -> AsyncIterator[commands.Bot]:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True  # dpytest's fake gateway needs it
    test_bot = commands.Bot(
        command_prefix=commands.when_mentioned_or("!"), intents=intents, help_command=None
    )
    test_bot.app = app  # type: ignore[attr-defined]
    await test_bot._async_setup_hook()
    await test_bot.add_cog(Meta(test_bot))
    dpytest.configure(test_bot)
    yield test_bot
    await dpytest.empty_queue()


async def test_mention_help_sends_the_help_embed(bot: commands.Bot) -> None:
    await dpytest.message(f"<@{bot.user.id}> help")
    embed = dpytest.get_message().embeds[0]
    assert embed.title == "What I can do"
    assert any("/help" in field.value for field in embed.fields)


async def test_ordinary_messages_get_no_answer(bot: commands.Bot) -> None:
    await dpytest.message("good morning everyone, rough night with spasms")
    assert dpytest.verify().message().nothing()
