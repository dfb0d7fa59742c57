from __future__ import annotations

import os
import sys
import threading
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


_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_template()
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Exit now if a database connection was left open, instead of hanging at exit.

    aiosqlite's worker threads are not daemons: a test that fails half-way can leave one
    running, and the interpreter then waits for it forever (CI would sit until its time
    limit). Passing tests never leave one, so one left over fails the run, naming it.
    """
    left = [
        t.name
        for t in threading.enumerate()
        if t is not threading.main_thread() and not t.daemon and t.is_alive()
    ]
    if not left or not _EXIT_STATUS:
        return
    status = _EXIT_STATUS[-1] or 1
    print(f"\nThreads left running after the tests (exiting {status}): {', '.join(left)}")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
