"""The /streak cog where a real Discord cannot go: failures of the reminder loop's own parts.

Everything a member does with /streak, /checkin and the reminder DMs is tested end to end
(``tests/e2e/test_streaks_more.py``, ``tests/e2e/test_features.py``). Left here: the mapping of
discord.py's exact error classes, a database failure during a reminder tick, and the ownership
check of a reminder's buttons, which Discord itself never lets another member reach (a DM is
seen by its member only).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.app import App
from bot.ratelimit import RateBudget
from bot.settings import Settings
from bot.streaks.delivery import DmClosedError, RetryLaterError, UnknownChannelError
from bot.streaks.feature import Streaks, streaks_of
from cogs.streaks import RestButton, StreakCog, delivery_error
from tests.bot.streaks.conftest import MovableClock
from tests.helpers import make_interaction, make_member

USER = 1000


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))


@pytest.fixture
async def sapp(settings: Settings, clock: MovableClock) -> AsyncIterator[App]:
    async with App(settings, clock=clock) as app:
        yield app


@pytest.fixture
def s(sapp: App) -> Streaks:
    return streaks_of(sapp)


def dm_bot(app: App, channel_id: int = 555) -> tuple[MagicMock, MagicMock]:
    """A fake bot that opens DM channel ``channel_id``, and that channel."""
    bot = MagicMock()
    bot.app = app
    bot.rate_budget = RateBudget(40, 4, headroom=8)
    channel = MagicMock(spec=discord.PartialMessageable)
    channel.id = channel_id
    channel.send = AsyncMock()
    bot.create_dm = AsyncMock(return_value=channel)
    bot.get_partial_messageable = MagicMock(return_value=channel)
    return bot, channel


async def rebuilt(cls: Any, custom_id: str, interaction: Any) -> Any:
    """What discord.py does with a button press after a restart: rebuild from custom_id."""
    match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    return await cls.from_custom_id(interaction, MagicMock(), match)


async def test_reminder_buttons_belong_to_their_member(sapp: App, s: Streaks) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "19:00")
    stranger = make_interaction(sapp, user=make_member(2000))
    await (await rebuilt(RestButton, f"streak:rest:{USER}", stranger)).callback(stranger)
    assert "sent to" in stranger.sent[0].text
    assert await sapp.db.fetchval("SELECT COUNT(*) FROM streak_days") == 0


async def test_a_failed_tick_does_not_stop_the_reminder_loop(
    sapp: App, s: Streaks, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "19:00 exactly")
    bot, channel = dm_bot(sapp)
    cog = StreakCog(bot)
    broken = AsyncMock(side_effect=RuntimeError("database is locked"))
    monkeypatch.setattr(s.reminders, "claim_due", broken)
    clock.set(2026, 3, 2, 18, 0)
    await cog.reminder_loop.coro(cog)  # logged, not raised: discord.py keeps the loop running
    monkeypatch.undo()
    await cog.reminder_loop.coro(cog)  # the next tick sends it
    channel.send.assert_awaited_once()


def test_discord_errors_map_to_what_the_sender_does() -> None:
    def http_error(cls: type[discord.HTTPException], status: int, **headers: str) -> Any:
        return cls(MagicMock(status=status, headers=headers), "x")

    assert isinstance(delivery_error(http_error(discord.Forbidden, 403)), DmClosedError)
    assert isinstance(delivery_error(http_error(discord.NotFound, 404)), UnknownChannelError)
    limited = delivery_error(http_error(discord.HTTPException, 429, **{"Retry-After": "2.5"}))
    assert isinstance(limited, RetryLaterError) and limited.retry_after == 2.5
    assert isinstance(delivery_error(http_error(discord.DiscordServerError, 503)), RetryLaterError)
    assert isinstance(delivery_error(discord.RateLimited(7.0)), RetryLaterError)
    assert isinstance(delivery_error(TimeoutError()), RetryLaterError)
    bad_request = http_error(discord.HTTPException, 400)
    assert delivery_error(bad_request) is None  # a real error: raised as it is, logged
