from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import App
from bot.settings import Settings
from tests.bot.articles.conftest import service
from tests.bot.articles.test_import import ATOM


async def test_feed_sync_runs_in_background_and_stops(tmp_path: Path) -> None:
    feed = tmp_path / "atom.xml"
    feed.write_text(ATOM, encoding="utf-8")
    settings = Settings(  # type: ignore[call-arg]
        database_path=tmp_path / "f.sqlite3",
        articles_dir=tmp_path / "none",
        articles_feed_url=str(feed),
        articles_feed_sync_minutes=60,
        _env_file=None,
    )
    app = App(settings)
    await app.start()
    task = app.services["articles_feed_task"]
    try:
        for _ in range(200):  # the first sync runs at once, in the background
            if (await service(app).tags()) or await app.db.fetchval(
                "SELECT COUNT(*) FROM articles"
            ):
                break
            await asyncio.sleep(0.01)
        assert (await service(app).resolve("balance-drills")).title == "Balance drills"
    finally:
        await app.close()
    assert task.cancelled()


async def test_no_feed_task_without_settings(app: App) -> None:
    assert "articles_feed_task" not in app.services


async def test_feedback_channel_key_declared(app: App) -> None:
    key = app.config.key("article_feedback_channel")
    assert key.kind == "channel" and key.feature == "articles"
