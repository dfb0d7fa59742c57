"""Registers the articles feature: config key, privacy, start-up import,
the optional feed sync, and ``python -m bot articles ...``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path

from bot.app import App, Feature
from bot.articles.importer import ImportReport, import_feed, import_folder
from bot.articles.service import ArticleService
from bot.guild_config import ConfigKey, ConfigKind
from bot.i18n import N_
from bot.privacy import PrivacySection
from bot.settings import Settings
from bot.storage.leases import FEED_SYNC, lease_for

log = logging.getLogger(__name__)
NAME = "articles"
FEEDBACK_CHANNEL_KEY = "article_feedback_channel"


def service_of(app: App) -> ArticleService:
    service: ArticleService = app.services[NAME]
    return service


def register(app: App) -> None:
    service = ArticleService(app)
    app.services[NAME] = service
    app.config.declare(
        ConfigKey(
            FEEDBACK_CHANNEL_KEY,
            ConfigKind.CHANNEL,
            None,
            N_("Where feedback from low article ratings is posted for editors"),
            feature=NAME,
        )
    )
    app.privacy.register(
        PrivacySection(
            name="article_ratings",
            description="Your article ratings and the feedback you wrote about articles",
            export=service.ratings.export_user,
            erase=service.ratings.erase_user,
            label=N_("article ratings and feedback"),
        )
    )


# -- lifecycle ---------------------------------------------------------------------------------
_FEED_TASK = "articles_feed_task"


#: Folders already warned about in this process: `migrate`, `backup` and the bot all start
#: the App, and a missing folder is worth one warning, not one per start.
_WARNED_FOLDERS: set[Path] = set()


def _warn_once(folder: Path, problem: str) -> None:
    if folder in _WARNED_FOLDERS:
        return
    _WARNED_FOLDERS.add(folder)
    log.warning(
        "Articles folder %s %s, so the library has no shipped articles: set "
        "MSBOT_ARTICLES_DIR to the folder of .md articles (see .env.example).",
        folder,
        problem,
    )


async def start(app: App) -> None:
    service = service_of(app)
    folder = app.settings.articles_dir
    if folder.is_dir():
        # Each file imports on its own: a bad one is reported (name, line, reason) and
        # never stops start-up, so `run`, `console`, `migrate` and `backup` all go on.
        report = await import_folder(service, folder)
        log.info("Articles from %s. %s", folder, report.summary())
        for name, reason in report.failures:
            log.warning("Article %s was not imported: %s", name, reason)
        if not (report.changed or report.unchanged or report.failures):
            _warn_once(folder, "has no .md files")
    else:
        _warn_once(folder, "does not exist")
    await service.catalog()  # warm now, so the first search after a restart is not slow
    url = app.settings.articles_feed_url
    minutes = app.settings.articles_feed_sync_minutes
    if url and minutes > 0:
        app.services[_FEED_TASK] = asyncio.create_task(
            feed_sync_loop(service, url, minutes * 60), name="articles-feed-sync"
        )


async def feed_sync_loop(service: ArticleService, source: str, interval: float) -> None:
    """Re-import the feed forever; a failed run is logged and retried next time. With several
    bot processes, the one holding the feed-sync lease imports (the others' catalogues follow
    through ``Database.external_changes``)."""
    while True:
        try:
            if not await service.app.leases.hold(FEED_SYNC, lease_for(interval)):
                await asyncio.sleep(interval)
                continue
            report = await import_feed(service, source)
            log.info("Feed %s synced. %s", source, report.summary())
        except Exception:
            log.exception("Feed sync of %s failed; retrying in %.0f s", source, interval)
        await asyncio.sleep(interval)


async def stop(app: App) -> None:
    task = app.services.pop(_FEED_TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await service_of(app).close()


# -- command line ------------------------------------------------------------------------------
def _print_report(report: ImportReport) -> int:
    print(report.summary())
    return 1 if report.failures else 0


async def _cli_import(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    async with App(settings) as app:
        report = await import_folder(
            service_of(app),
            Path(args.path),
            progress=lambda items: tqdm(items, desc="Importing articles", unit="file"),
        )
    return _print_report(report)


async def _cli_import_feed(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    async with App(settings) as app:
        report = await import_feed(
            service_of(app),
            args.source,
            progress=lambda items: tqdm(items, desc="Importing feed", unit="entry"),
        )
    return _print_report(report)


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("articles", help="import articles from files or a feed")
    commands = parser.add_subparsers(dest="articles_command", metavar="ACTION", required=True)
    folder = commands.add_parser("import", help="import a folder of Markdown articles")
    folder.add_argument("path", help="folder with .md files (front matter + Markdown)")
    folder.set_defaults(handler=_cli_import)
    feed = commands.add_parser("import-feed", help="import an RSS or Atom feed")
    feed.add_argument("source", metavar="URL_OR_FILE", help="feed address or a saved feed file")
    feed.set_defaults(handler=_cli_import_feed)


FEATURE = Feature(
    name=NAME,
    title=N_("Articles"),
    register=register,
    start=start,
    stop=stop,
    add_cli=add_cli,
    order=20,
)
