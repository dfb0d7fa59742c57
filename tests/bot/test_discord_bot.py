"""The bot's lifecycle with discord.py's real Bot class; only the network calls are faked."""

from unittest.mock import AsyncMock

import discord

from bot.app import App
from bot.discord_bot import MSBot, build_intents, discover_cogs
from bot.settings import Settings


async def _started_bot(settings: Settings) -> MSBot:
    bot = MSBot(App(settings))
    await bot._async_setup_hook()  # what login() does first: binds the loop
    bot.tree.sync = AsyncMock(return_value=[])  # type: ignore[method-assign]
    await bot.setup_hook()
    return bot


def test_intents_are_minimal() -> None:
    intents = build_intents()
    assert intents.guilds and intents.guild_messages and intents.message_content
    assert not intents.members and not intents.presences and not intents.typing


async def test_setup_hook_migrates_loads_every_cog_and_syncs_globally_once(
    settings: Settings,
) -> None:
    bot = await _started_bot(settings)
    assert set(bot.extensions) == set(discover_cogs())
    assert {"cogs.config", "cogs.meta", "cogs.mydata"} <= set(bot.extensions)
    assert await bot.app.db.schema_version() >= 1
    bot.tree.sync.assert_awaited_once_with()
    names = {command.name for command in bot.tree.get_commands()}
    assert {"help", "config", "mydata"} <= names
    for command in bot.tree.walk_commands():
        assert command.description, f"/{command.qualified_name} has no help text"
    await bot.close()
    assert not bot.app.db.is_open  # closing the bot closes the database

    # A restart with the same commands must not hit Discord's sync rate limit.
    again = await _started_bot(settings)
    again.tree.sync.assert_not_awaited()
    await again.close()


async def test_dev_guild_syncs_to_that_guild(settings: Settings) -> None:
    settings = settings.model_copy(update={"dev_guild_id": 123456789012345678})
    bot = await _started_bot(settings)
    [call] = bot.tree.sync.await_args_list
    assert call.kwargs["guild"].id == 123456789012345678
    await bot.close()


async def test_no_mass_mentions(settings: Settings) -> None:
    bot = MSBot(App(settings))
    mentions: discord.AllowedMentions = bot.allowed_mentions  # type: ignore[assignment]
    assert not mentions.everyone and not mentions.roles


async def test_sigterm_closes_the_bot_and_database(settings: Settings) -> None:
    import asyncio
    import signal

    from bot.discord_bot import _request_close

    bot = await _started_bot(settings)
    _request_close(bot, signal.SIGTERM, None)
    for _ in range(50):
        if not bot.app.db.is_open:
            break
        await asyncio.sleep(0.01)
    assert bot.is_closed()
    assert not bot.app.db.is_open
