"""Fixtures for streak tests: an App whose clock the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.settings import Settings
from bot.streaks.feature import Streaks, streaks_of
from tests.engines import both_engines


class MovableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, *args: int) -> None:
        self.now = datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))  # a Monday


@pytest.fixture
async def sapp(settings: Settings, clock: MovableClock) -> AsyncIterator[App]:
    app = App(settings, clock=clock)
    await app.start()
    try:
        yield app
    finally:
        await app.close()


@pytest.fixture
def s(sapp: App) -> Streaks:
    return streaks_of(sapp)


#: Every test here that uses the database runs on SQLite and on PostgreSQL.
__all__ = ["both_engines"]
