from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.moderation.detector import Detector
from bot.moderation.feature import service_of
from bot.moderation.rules import RuleSet, load_rules
from bot.moderation.service import ModerationService
from bot.moderation.store import Flag
from bot.settings import Settings
from tests.bot.streaks.conftest import MovableClock
from tests.engines import both_engines

RULES_DIR = Path(__file__).resolve().parents[3] / "data" / "moderation"


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules(RULES_DIR)


@pytest.fixture
def detector(rules: RuleSet) -> Detector:
    return Detector(rules)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))


@pytest.fixture
async def clocked_app(settings: Settings, clock: MovableClock) -> AsyncIterator[App]:
    """An App whose clock the test moves (claims going stale, retention)."""
    app = App(settings, clock=clock)
    async with app:
        yield app


@pytest.fixture
def service(clocked_app: App) -> ModerationService:
    """The moderation service of ``clocked_app`` (test_service.py has its own)."""
    return service_of(clocked_app)


class SlowAction:
    """A Discord action that waits until the test lets it finish (to act meanwhile)."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.finish = asyncio.Event()

    async def __call__(self, claimed: Flag) -> str:
        self.started.set()
        await self.finish.wait()
        return ""


#: Every test here that uses the database runs on SQLite and on PostgreSQL.
__all__ = ["both_engines"]
