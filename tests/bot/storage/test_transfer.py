"""``python -m bot migrate-data``: a community's SQLite file copied into an empty PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.articles.feature import service_of as articles_of
from bot.errors import UserError
from bot.settings import Settings
from bot.storage.postgresql import PostgreSQLDatabase
from bot.storage.sqlite import SQLiteDatabase
from bot.storage.transfer import copy_order, transfer
from tests.bot.privacy.test_inventory import MEMBER, seed_everything, where_is
from tests.bot.streaks.conftest import MovableClock
from tests.bot.test_cli import run_cli
from tests.engines import fresh_database


@pytest.fixture
def empty_postgresql() -> Iterator[str]:
    yield from fresh_database(migrated=False)


async def _community(path: Path) -> None:
    """A SQLite file with a bit of everything: articles, ratings, streaks, flags, settings."""
    settings = Settings(database_path=path, _env_file=None)  # type: ignore[call-arg]
    async with App(settings, clock=MovableClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))) as app:
        await seed_everything(app)


class Bar:
    def __init__(self, total: int) -> None:
        self.total, self.done, self.tables = total, 0, []

    def update(self, n: int) -> None:
        self.done += n

    def set_description(self, desc: str) -> None:
        self.tables.append(desc)


async def test_everything_is_copied_counted_and_new_ids_follow(
    tmp_path: Path, empty_postgresql: str
) -> None:
    path = tmp_path / "community.sqlite3"
    await _community(path)
    source, target = SQLiteDatabase(path), PostgreSQLDatabase(empty_postgresql)
    bars: list[Bar] = []
    for database in (source, target):
        await database.open()
        await database.migrate()
    report = await transfer(source, target, lambda total: bars.append(Bar(total)) or bars[-1])
    assert not report.mismatched and report.rows > 25
    assert bars[0].done == bars[0].total == report.rows  # the progress bar reached the end
    assert {"articles", "moderation_flags", "streak_checkins"} <= set(report.counts)
    assert bars[0].tables.index("articles") < bars[0].tables.index("article_ratings")
    stats = await source.fetchall("SELECT * FROM article_rating_stats ORDER BY article_id")
    assert [dict(r) for r in stats] == [
        dict(r) for r in await target.fetchall("SELECT * FROM article_rating_stats ORDER BY 1")
    ]  # triggers were off while copying: no rating counted twice
    highest = await target.fetchval("SELECT MAX(id) FROM moderation_decisions")
    async with target.write() as conn:
        new_id = await conn.insert(
            "INSERT INTO moderation_decisions (flag_id, guild_id, moderator_id, action, "
            "created_at) SELECT id, guild_id, 1, 'x', 'now' FROM moderation_flags LIMIT 1"
        )
    assert new_id > highest  # the identity sequence was moved past the copied ids
    with pytest.raises(UserError, match="is not empty"):  # never into a database with data
        await transfer(source, target)
    await source.close()
    await target.close()

    settings = Settings(  # type: ignore[call-arg]
        database_path=tmp_path / "unused.sqlite3", database_url=empty_postgresql, _env_file=None
    )
    async with App(settings) as app:  # the bot runs on the copy: search, privacy
        results = await articles_of(app).search("fatigue")
        assert results.hits
        assert await where_is(app, MEMBER)  # the member's data came along ...
        await app.privacy.erase(MEMBER)  # ... and /mydata delete works on it


def test_copy_order_puts_referenced_tables_first() -> None:
    order = copy_order(
        ["article_ratings", "articles", "streak_days", "streak_members"],
        {"article_ratings": {"articles"}, "streak_days": {"streak_members"}},
    )
    assert order.index("articles") < order.index("article_ratings")
    assert order.index("streak_members") < order.index("streak_days")


def test_cli_copies_with_a_progress_bar_and_refuses_a_second_time(
    tmp_path: Path, empty_postgresql: str
) -> None:
    assert run_cli("migrate", tmp_path=tmp_path).returncode == 0  # a fresh SQLite file
    first = run_cli("migrate-data", "--to", empty_postgresql, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "rows copied and counted" in first.stdout
    assert "row/s" in first.stderr or "rows/s" in first.stderr or "100%" in first.stderr
    again = run_cli("migrate-data", "--to", empty_postgresql, tmp_path=tmp_path)
    assert again.returncode != 0 and "is not empty" in again.stderr
    assert "Traceback" not in again.stderr
    wrong = run_cli("migrate-data", "--to", "data/other.sqlite3", tmp_path=tmp_path)
    assert wrong.returncode != 0 and "PostgreSQL URL" in wrong.stderr
