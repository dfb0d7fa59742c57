"""The bot's lifecycle with discord.py's real Bot class; only the network calls are faked."""

import asyncio
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.app import App
from bot.discord_bot import MSBot, build_intents, discover_cogs, draw_requests_from
from bot.ratelimit import RateBudget
from bot.settings import Settings
from tests.bot.test_ratelimit import FakeTime


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
    assert not [name for name in bot.extensions if name.startswith("cogs._")]  # helpers
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


class FakeHttp:
    """discord.py's HTTPClient.request, answering from a script."""

    def __init__(self) -> None:
        self.routes: list[str] = []

    async def request(self, route: str, **kwargs: Any) -> Any:
        self.routes.append(route)
        if route == "refused":
            response = MagicMock(status=429, headers={"Retry-After": "3"})
            raise discord.HTTPException(response, "You are being rate limited.")
        if route == "too long":
            raise discord.RateLimited(120.0)
        return {"id": "1"}


async def test_every_rest_request_draws_from_the_budget_and_a_429_holds_it() -> None:
    http = FakeHttp()
    fake = FakeTime()
    budget = RateBudget(100, 10, clock=fake, sleep=fake.sleep)
    draw_requests_from(http, budget)  # type: ignore[arg-type]
    assert await http.request("send") == {"id": "1"}
    assert budget.limiter.acquired == 1 and not budget.limiter.held
    with pytest.raises(discord.HTTPException):
        await http.request("refused")
    assert budget.limiter.acquired == 2 and budget.limiter.held
    with pytest.raises(discord.RateLimited):
        await http.request("too long")  # waited out the 3 seconds first
    assert fake.now >= 1003 and budget.limiter.held
    assert http.routes == ["send", "refused", "too long"]


async def test_the_bot_sends_every_rest_request_through_its_budget(settings: Settings) -> None:
    bot = MSBot(App(settings))
    assert bot.rate_budget.rate < 50  # inside Discord's global limit
    assert bot.http.request.__wrapped__ is not None  # type: ignore[attr-defined]


async def test_two_processes_starting_together_sync_commands_once(settings: Settings) -> None:
    """Shard processes share the database: the command-sync lease and the stored hash make
    one of them sync, the other finds the commands already synced."""
    first, second = MSBot(App(settings)), MSBot(App(settings))
    for bot in (first, second):
        await bot._async_setup_hook()
        bot.tree.sync = AsyncMock(return_value=[])  # type: ignore[method-assign]
    await asyncio.gather(first.setup_hook(), second.setup_hook())
    assert first.tree.sync.await_count + second.tree.sync.await_count == 1
    await first.close()
    await second.close()
