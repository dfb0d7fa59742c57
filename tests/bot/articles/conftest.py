from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.app import App
from bot.articles import ArticleService
from bot.settings import Settings
from tests.engines import both_engines


def article_text(
    slug: str,
    title: str = "A title",
    body: str = "Some body text.",
    *,
    tags: str = "[basics]",
    summary: str = "A short summary.",
) -> str:
    return (
        textwrap.dedent(
            f"""\
        ---
        slug: {slug}
        title: "{title}"
        summary: "{summary}"
        takeaways: [One thing to remember]
        tags: {tags}
        sources: [Test source]
        last_reviewed: 2026-01-31
        ---
        """
        )
        + body
        + "\n"
    )


@pytest.fixture
def write_article(tmp_path: Path) -> Callable[..., Path]:
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)

    def write(name: str, text: str) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def library_settings(tmp_path: Path) -> Settings:
    """Settings whose shipped-articles folder is an empty temp folder the test fills."""
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    return Settings(  # type: ignore[call-arg]
        database_path=tmp_path / "lib.sqlite3", articles_dir=folder, _env_file=None
    )


@pytest.fixture
async def empty_app(library_settings: Settings) -> AsyncIterator[App]:
    async with App(library_settings) as app:
        yield app


def service(app: App) -> ArticleService:
    result: ArticleService = app.services["articles"]
    return result


#: Every test here that uses the database runs on SQLite and on PostgreSQL.
__all__ = ["both_engines"]
