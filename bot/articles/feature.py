"""Registers the articles feature: config key, console commands, privacy, start-up import,
the optional feed sync, and ``python -m bot articles ...``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path

from bot.app import App, Feature
from bot.articles import render
from bot.articles.importer import ImportReport, import_feed, import_folder
from bot.articles.ratings import clean_feedback, parse_stars
from bot.articles.service import ArticleService
from bot.console.registry import ConsoleArgs, ConsoleContext
from bot.errors import UserError
from bot.guild_config import ConfigKey, ConfigKind
from bot.privacy import PrivacySection
from bot.replies import Reply, Tone
from bot.settings import Settings

log = logging.getLogger(__name__)
NAME = "articles"
FEEDBACK_CHANNEL_KEY = "article_feedback_channel"


def service_of(app: App) -> ArticleService:
    service: ArticleService = app.services[NAME]
    return service


def _page(args: ConsoleArgs) -> int:
    raw = args.option("page", "1") or "1"
    if not raw.isdigit():
        raise UserError("`page:` needs a page number, for example page:2.")
    return int(raw)


def split_rate_args(words: list[str]) -> tuple[str, int, str | None]:
    """``<article words> <1-5> [feedback words]``: the first bare 1-5 after the article."""
    for index, word in enumerate(words[1:], start=1):
        if word.isdigit() and 1 <= int(word) <= 5:
            return " ".join(words[:index]), int(word), " ".join(words[index + 1 :]) or None
    if any(word.isdigit() for word in words[1:]):
        raise UserError("A rating is a whole number of stars from 1 to 5.")
    raise UserError("Usage: /article rate <article> <1-5> [feedback], e.g. /article rate fatigue 4")


def register(app: App) -> None:
    service = ArticleService(app)
    app.services[NAME] = service
    app.config.declare(
        ConfigKey(
            FEEDBACK_CHANNEL_KEY,
            ConfigKind.CHANNEL,
            None,
            "Where feedback from low article ratings is posted for editors",
            feature=NAME,
        )
    )
    app.privacy.register(
        PrivacySection(
            name="article_ratings",
            description="Your article ratings and the feedback you wrote about articles",
            export=service.ratings.export_user,
            erase=service.ratings.erase_user,
        )
    )
    console = app.console

    @console.command(
        "article search", "Search the articles by words", feature=NAME, usage="<query>"
    )
    async def search(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        return render.search_reply(await service.search(args.raw))

    @console.command(
        "article show",
        "Read an article (by name, slug or tag)",
        feature=NAME,
        usage="<article> [page:N]",
        options=("page",),
    )
    async def show(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        article = await service.resolve(args.text)
        return render.console_article(article, _page(args))

    @console.command(
        "article share",
        "Post an article for everyone in the channel",
        feature=NAME,
        usage="<article>",
    )
    async def share(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        reply = render.article_page(await service.resolve(args.text), 1)
        reply.private = False
        return reply

    @console.command(
        "article list",
        "Browse all articles, or those with a tag",
        feature=NAME,
        usage="[tag] [page:N]",
        options=("page",),
    )
    async def list_(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        page = _page(args)
        articles, total, pages, tag = await service.list_articles(args.text or None, page)
        return render.list_reply(articles, total, min(page, pages), pages, tag)

    @console.command("article top", "The best rated articles", feature=NAME)
    async def top(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        return render.top_reply(await service.top())

    @console.command(
        "article rate",
        "Rate an article from 1 to 5 stars, with optional feedback",
        feature=NAME,
        usage="<article> <1-5> [feedback]",
    )
    async def rate(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        name, stars, text = split_rate_args(args.raw.split())
        article = await service.resolve(name)
        stars = parse_stars(stars)
        # Check the feedback before recording anything, so a too-long text loses nothing.
        clean_feedback(text)
        outcome = await service.ratings.rate(article.id, ctx.user_id, stars)
        feedback = await service.ratings.add_feedback(
            article.id, ctx.user_id, ctx.guild_id, stars, text
        )
        reply = render.rating_reply(outcome, feedback_saved=feedback is not None)
        if outcome.asks_feedback and feedback is None:
            reply.body += (
                "\nHow could we improve this article? Add a few words after the stars, "
                f"e.g. /article rate {article.slug} {stars} the tips were too vague"
            )
        return reply

    @console.command(
        "article feedback",
        "Editors: list open article feedback, or resolve one (Manage Messages)",
        feature=NAME,
        usage="[resolve <number>]",
    )
    async def feedback(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        if "manage_messages" not in ctx.permissions:
            raise UserError("You need the Manage Messages permission to see article feedback.")
        words = args.positional
        if words:
            if (
                words[0].lower() != "resolve"
                or len(words) != 2
                or not words[1].lstrip("#").isdigit()
            ):
                raise UserError("Usage: /article feedback resolve <number>, e.g. resolve 3")
            item = await service.ratings.resolve_feedback(
                ctx.guild_id, int(words[1].lstrip("#")), ctx.user_id
            )
            return Reply(body=f"Feedback #{item.id} is resolved.", tone=Tone.SUCCESS)
        items = await service.ratings.open_feedback(ctx.guild_id)
        return render.feedback_list_reply(items, await service.ratings.count_open(ctx.guild_id))


# -- lifecycle ---------------------------------------------------------------------------------
_FEED_TASK = "articles_feed_task"


async def start(app: App) -> None:
    service = service_of(app)
    folder = app.settings.articles_dir
    if folder.is_dir():
        report = await import_folder(service, folder)
        log.info("Articles from %s. %s", folder, report.summary())
        for name, reason in report.failures:
            log.warning("Article %s was not imported: %s", name, reason)
    else:
        log.warning("Articles folder %s does not exist; no shipped articles", folder)
    await service.catalog()  # warm now, so the first search after a restart is not slow
    url = app.settings.articles_feed_url
    minutes = app.settings.articles_feed_sync_minutes
    if url and minutes > 0:
        app.services[_FEED_TASK] = asyncio.create_task(
            feed_sync_loop(service, url, minutes * 60), name="articles-feed-sync"
        )


async def feed_sync_loop(service: ArticleService, source: str, interval: float) -> None:
    """Re-import the feed forever; a failed run is logged and retried next time."""
    while True:
        try:
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
    title="Articles",
    register=register,
    start=start,
    stop=stop,
    add_cli=add_cli,
    order=20,
)
