from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.settings import Settings
from tests.engines import database_url_for, drop_template

__all__ = ["database_url_for"]


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No developer .env or MSBOT_* variable leaks into a test."""
    import os

    for name in list(os.environ):
        if name.startswith("MSBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def engine() -> str:
    """The storage engine: SQLite, except where a conftest runs tests on both (tests/engines.py)."""
    return "sqlite"


@pytest.fixture
def settings(tmp_path: Path, database_url_for: str | None) -> Settings:
    return Settings(  # type: ignore[call-arg]
        database_path=tmp_path / "bot.sqlite3", database_url=database_url_for, _env_file=None
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    app = App(settings)
    await app.start()
    try:
        yield app
    finally:
        await app.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_template()
