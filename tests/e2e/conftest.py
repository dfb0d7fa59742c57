"""End-to-end fixtures: one local Discord and one real bot for the whole run, a fresh server each test.

- ``local``: the :class:`LocalDiscord` (session-wide). ``running``: the real ``MSBot`` connected
  to it (session-wide; its App has a clock tests can move with ``clock.shift``).
- ``world``: a new server for each test (new guild, owner, admin, moderator, member, channels),
  announced to the bot with GUILD_CREATE. Everything the bot stores is keyed by guild or member,
  so tests cannot see each other's data.
- ``restart``: stop the bot and start a new one on the same database (later tests use it).
- ``d``: a :class:`Driver` for that world: ``d.run``, ``d.post``, ``d.click``, ``d.select``,
  ``d.submit_modal``, ``d.menu``, ``d.autocomplete``, ``d.wait_for``, ``d.history``, ``d.dms``.

Test modules share the session's event loop: start each with
``pytestmark = pytest.mark.asyncio(loop_scope="session")``.

Every test ends by checking that the local Discord had no internal error and that the bot
broke none of Discord's rules (no refused request), unless the test expected them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import App
from bot.local_discord import Driver, LocalDiscord, World, build_world
from bot.local_discord.runner import RunningBot, start_bot
from bot.local_discord.server import Timing
from tests.e2e.settings import e2e_settings

#: A loaded, shared machine can be slow: the suite's deadline is generous unless set; the
#: test that proves the 3-second rule sets its own.
FIRST_RESPONSE = float(os.environ.get("E2E_FIRST_RESPONSE_SECONDS", "10"))


class Clock:
    """The bot's clock: real time plus a shift a test can set (reminders, retention)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def shift(self, delta: timedelta) -> None:
        self.offset += delta


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def local() -> AsyncIterator[LocalDiscord]:
    server = LocalDiscord(timing=Timing(first_response=FIRST_RESPONSE))
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def running(local: LocalDiscord, clock: Clock, e2e_dir: Path) -> AsyncIterator[RunningBot]:
    bot = await start_bot(local, App(e2e_settings(e2e_dir), clock=clock))
    yield bot
    await bot.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def world(local: LocalDiscord, running: RunningBot, clock: Clock) -> AsyncIterator[World]:
    clock.offset = timedelta()
    local.rejected.clear()
    built = build_world(local)
    for _ in range(500):  # the bot has read the GUILD_CREATE
        if running.bot.get_guild(built.guild.id) is not None:
            break
        await asyncio.sleep(0.01)
    yield built
    errors, refused = list(local.internal_errors), list(local.rejected)
    local.internal_errors.clear()
    local.rejected.clear()
    local.faults.clear()
    assert not errors, errors
    assert not refused, f"Discord refused what the bot sent: {refused}"


@pytest.fixture
def restart(
    local: LocalDiscord, running: RunningBot, clock: Clock, e2e_dir: Path
) -> Callable[[], Awaitable[None]]:
    """Stop the bot (if it still runs) and start a new one on the same database; later tests
    use the new one."""

    async def again() -> None:
        if not running.task.done():
            await running.stop()
        started = await start_bot(local, App(e2e_settings(e2e_dir), clock=clock))
        running.bot, running.task = started.bot, started.task

    return again


@pytest.fixture
def d(local: LocalDiscord, world: World) -> Driver:
    return Driver(local, world)


@pytest.fixture
def app(running: RunningBot) -> App:
    """The running bot's core (to set up data, or check what it stored)."""
    return running.app
