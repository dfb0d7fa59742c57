from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.settings import Settings
from tests.bot.streaks.conftest import MovableClock
from tests.engines import both_engines


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    """An App whose clock the seed moves (a rest day needs a day after joining)."""
    app = App(settings, clock=MovableClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC)))
    async with app:
        yield app


#: Every test here that uses the database runs on SQLite and on PostgreSQL.
__all__ = ["both_engines"]
