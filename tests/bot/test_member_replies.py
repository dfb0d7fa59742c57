"""Every reply a member can see, in every state, kept in one reviewed file.

The rule is "never shame, never nag". This module drives the core services (and the cogs' confirm
steps) through a member's life: before joining, new, on a streak, after a break, during and
after a pause, after leaving; plus articles, /help and server settings. Each reply is rendered as
text and compared with ``member_replies.golden.txt``, so any change of wording shows up as a diff
in review. After an intended change, regenerate the file and read its diff before committing:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/bot/test_member_replies.py

The same life is lived in Spanish and German (``member_replies.es.golden.txt``,
``member_replies.de.golden.txt``), so a translation is reviewed the same way. Every text (the
golden ones, every string literal in the bot's source that is not a log message or a docstring,
and every translation in the catalogs) is also checked for shaming words, per language.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from discord.ext import commands

import cogs._ui as ui
from bot import i18n
from bot.app import App
from bot.articles.models import ArticleInput
from bot.articles.render import article_page, rating_reply, search_reply, top_reply
from bot.articles.service import ArticleService
from bot.errors import UserError
from bot.help import help_feature, help_overview
from bot.replies import Reply, error_reply, render_text
from bot.settings import Settings
from bot.streaks import texts
from bot.streaks.feature import Streaks, streaks_of
from cogs.articles import Articles
from cogs.config import ConfigCog
from cogs.meta import Meta, build_help_groups
from cogs.moderation import Moderation
from cogs.mydata import MyData
from cogs.streaks import CheckinCog, StreakCog
from tests.bot.streaks.conftest import MovableClock

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("member_replies.golden.txt")
LANGUAGES = ("en", "es", "de")
USER, FRIEND, GUILD = 1000, 2000, 1

#: Words that blame, shame or nag. Matched as whole words, case-insensitively.
SHAMING = re.compile(
    r"\b(fail(ed|ure|ing)?|missed|miss(ed)? your|broke|broken|lost your|lose your|lazy|"
    r"should have|shouldn't have|forgot|forgotten|behind|disappoint\w*|give up|gave up|"
    r"no excuses?|slack\w*|streak is over|streak ended|don't forget|you must|only managed|"
    r"what happened|again\?)\b",
    re.IGNORECASE,
)
#: The same, in the other languages the bot speaks in full.
SHAMING_IN = {
    "en": SHAMING,
    "es": re.compile(
        r"\b(fallaste|has fallado|fracas\w*|perdiste|has perdido|rompiste|vago|vaga|"
        r"pereza|deberías haber|olvidaste|olvidado|atrasad[oa]|decepci\w*|te rindes|rendirte|"
        r"sin excusas?|se acabó tu racha|no olvides|tienes que|solo has|qué pasó|otra vez\?)\b",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"\b(versagt|versäumt|verpasst|gescheitert|kaputt|hast( \w+){0,2} verloren|faul|"
        r"hättest|(hast|hattest)( \w+){0,3} vergessen|"
        r"hinterher|enttäusch\w*|aufgegeben|gib nicht auf|keine ausreden?|serie ist vorbei|"
        r"vergiss nicht|du musst|nur geschafft|was ist passiert|schon wieder\?)\b",
        re.IGNORECASE,
    ),
}
#: Source strings allowed to use one of those words, and why.
ALLOWED_SOURCE = {
    # Admin-facing import report of the article command-line tool, not shown to members.
    ("bot/articles/importer.py", " failed"),
}
#: The developer's console and the local Discord it drives speak about the bot, not to members.
NOT_MEMBER_FACING = ("bot/console/", "bot/local_discord/")
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


class Transcript:
    """(state, action, reply) in the order a member meets them."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str, str]] = []
        self.state = ""

    def add(self, action: str, reply: Reply | str) -> None:
        text = reply if isinstance(reply, str) else render_text(reply)
        self.entries.append((self.state, action, text))

    async def attempt(self, action: str, call: Callable[[], Awaitable[object]]) -> None:
        """A command that answers with a friendly error in this state."""
        with pytest.raises(UserError) as caught:
            await call()
        self.add(action, error_reply(caught.value.message))

    def render(self) -> str:
        blocks = [f"## {state} | {action}\n{text}\n" for state, action, text in self.entries]
        return "\n".join(blocks)


async def streak_life(s: Streaks, app: App, clock: MovableClock, say: Transcript) -> None:
    core, account, community = s.core, s.account, s.community
    say.state = "before joining"
    await say.attempt("/checkin", lambda: core.checkin(USER, 10))
    await say.attempt("/streak status", lambda: core.status(USER, image=False))
    await say.attempt("/streak join zone:Nowhere/Land", lambda: core.join(USER, GUILD, "x", None))
    say.add("/streak join (the question)", core.join_preview("Europe/Paris", "19:30")[2])
    say.add("/streak join: Cancel", i18n._(ui.CONFIRM_JOIN.cancelled))

    say.state = "new"  # Monday 2 March 2026
    say.add("/streak join: Yes", await core.join(USER, GUILD, "Europe/Paris", "19:30"))
    say.add("/streak status", await core.status(USER, image=False))
    say.add("/streak settings", account.show(await core.require_member(USER)))
    await say.attempt("/checkin minutes:700", lambda: core.checkin(USER, 700))
    say.add(
        "/checkin minutes:10 note:(400 characters)",
        (await core.checkin(USER, 10, None, "n" * 400)).reply,
    )
    say.add("/checkin minutes:5 (again today)", (await core.checkin(USER, 5)).reply)
    say.add("I moved today (button, again today)", (await core.checkin(USER, button=True)).reply)
    await say.attempt("/streak rest (after checking in)", lambda: core.rest(USER))
    await say.attempt("/streak resume (not paused)", lambda: core.resume(USER))
    say.add("/streak settings public:on", await account.update(USER, public=True))
    say.add("Pause reminders for a week (button)", await account.snooze_reminders(USER))
    say.add("/streak status", await core.status(USER, image=False))

    say.state = "on a streak"
    await app.config.set_value(GUILD, "checkin_channel", 555)
    for day in (3, 4):
        clock.set(2026, 3, day, 12)
        outcome = await core.checkin(USER, 20, "walking")
    say.add("/checkin (day 3)", outcome.reply)
    assert outcome.announcement is not None
    say.add("milestone in the check-in channel", outcome.announcement.reply)
    clock.set(2026, 3, 5, 12)
    say.add("/streak rest reason:fatigue", (await core.rest(USER, "fatigue")).reply)
    say.add("/streak rest (again today)", (await core.rest(USER)).reply)
    clock.set(2026, 3, 6, 12)
    say.add("/streak rest reason:(60 characters)", (await core.rest(USER, "r" * 60)).reply)
    clock.set(2026, 3, 7, 12)
    await say.attempt("/streak rest (limit used)", lambda: core.rest(USER, "heat"))
    for day in (7, 8):
        clock.set(2026, 3, day, 12)
        outcome = await core.checkin(USER, 30)
    say.add("/checkin (day 7)", outcome.reply)
    await core.join(FRIEND, GUILD, "Europe/Paris", None, public=True)
    clock.set(2026, 3, 9, 8)
    say.add("/streak status", await core.status(USER, image=False))
    say.add("/streak board", await community.board(GUILD))
    summary = await community.claim_weekly_summary(GUILD)
    assert summary is not None
    say.add("weekly summary in the check-in channel", summary)
    say.add("weekly summary of a quiet week", await community.weekly_summary(GUILD, clock().date()))

    say.state = "after a break"
    for day in (9, 10, 11):
        clock.set(2026, 3, day, 12)
        await core.checkin(USER, 10)
    clock.set(2026, 3, 13, 12)  # nothing on Thursday 12
    say.add("/streak status (yesterday still open)", await core.status(USER, image=False))
    clock.set(2026, 3, 15, 12)  # nothing on Friday 13 or Saturday 14
    say.add("/streak status", await core.status(USER, image=False))
    say.add("/checkin (first after the break)", (await core.checkin(USER, 10)).reply)

    say.state = "during a pause"
    clock.set(2026, 3, 16, 12)
    say.add("/streak pause weeks:2", await core.pause(USER, 2))
    clock.set(2026, 3, 20, 12)
    say.add("/streak status", await core.status(USER, image=False))
    await say.attempt("/streak rest", lambda: core.rest(USER))
    say.add("/streak resume", await core.resume(USER))

    say.state = "after a pause"
    say.add("/checkin (the day of resuming)", (await core.checkin(USER, 15)).reply)
    await core.pause(USER, 1)
    clock.set(2026, 3, 23, 12)
    say.add("/checkin (ends the pause)", (await core.checkin(USER, 15)).reply)
    say.add("/streak status", await core.status(USER, image=False))
    await core.pause(USER, 1)
    clock.set(2026, 3, 24, 12)
    await core.resume(USER)
    clock.set(2026, 3, 25, 12)  # resumed yesterday without a check-in or a rest day
    say.add("/streak status (the day after resuming)", await core.status(USER, image=False))

    say.state = "reminders"
    for index, reminder in enumerate(texts.REMINDERS, start=1):
        say.add(f"daily reminder {index}", i18n._(reminder))
    say.add("notice after direct messages were closed", i18n._(texts.DMS_CLOSED_NOTICE))

    say.state = "after leaving"
    say.add("/streak leave (the question)", await account.leave(USER))
    say.add("/streak leave: Cancel", i18n._(ui.CONFIRM_DELETE_STREAK_HISTORY.cancelled))
    await say.attempt("/streak status", lambda: core.status(USER, image=False))
    await say.attempt("/checkin", lambda: core.checkin(USER))
    await say.attempt("/streak leave (again)", lambda: account.leave(USER))
    say.add("/streak join: Yes", await core.join(USER, GUILD, "Europe/Paris", None))
    await account.leave(USER)
    say.add("/streak leave: Yes, delete my history", await account.leave(USER, delete=True))
    await say.attempt("/streak status (history deleted)", lambda: core.status(USER, image=False))


async def articles_life(articles: ArticleService, say: Transcript) -> None:
    say.state = "articles"
    say.add("/article top (nothing rated yet)", top_reply(await articles.top()))
    say.add("/article search query:fatigue", search_reply(await articles.search("fatigue")))
    say.add("/article search query:tird", search_reply(await articles.search("tird")))
    say.add("/article search query:tired zebra", search_reply(await articles.search("tired zebra")))
    say.add("/article search query:xylophone", search_reply(await articles.search("xylophone")))
    await say.attempt("/article search query:how to", lambda: articles.search("how to"))
    await say.attempt("/article search query:!!!", lambda: articles.search("!!!"))
    await say.attempt("/article show article:zzzz", lambda: articles.resolve("zzzz"))
    article = await articles.resolve("tired-days")
    say.add("/article show (page 1)", article_page(article, 1))
    say.add("/article show (page 2)", article_page(article, 2))
    outcome = await articles.ratings.rate(article.id, USER, 4)
    say.add("rate 4 stars", rating_reply(outcome))
    outcome = await articles.ratings.rate(article.id, USER, 2)
    say.add("rate 2 stars, with feedback", rating_reply(outcome, feedback_saved=True))


def help_life(app: App, say: Transcript) -> None:
    say.state = "help"
    bot = MagicMock(spec=commands.Bot)
    bot.app = app
    bot.tree = MagicMock()
    cogs = [c(bot) for c in (Meta, Articles, StreakCog, CheckinCog, MyData, ConfigCog, Moderation)]
    bot.cogs = {cog.qualified_name: cog for cog in cogs}
    groups = build_help_groups(bot)
    say.add("/help", help_overview(groups))
    for group in groups:
        say.add(f"/help, then {group.title}", help_feature(group))


async def transcript(tmp_path: Path, language: str = "en") -> str:
    """The member's whole life with the bot, read in ``language`` (a server in it too)."""
    folder = tmp_path / language
    folder.mkdir(parents=True, exist_ok=True)
    with i18n.using(language, language):
        return await _transcript(folder)


async def _transcript(tmp_path: Path) -> str:
    clock = MovableClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))  # a Monday
    settings = Settings(  # type: ignore[call-arg]
        database_path=tmp_path / "replies.sqlite3", articles_dir=tmp_path, _env_file=None
    )
    say = Transcript()
    async with App(settings, clock=clock) as app:
        articles: ArticleService = app.services["articles"]
        await articles.upsert(
            ArticleInput(
                "tired-days",
                "Moving on tired days",
                "Small movements that still count when energy is low.",
                "## Start small\nFive minutes of stretching counts.\n\n" + "Rest too. " * 400,
                takeaways=("Any movement counts",),
                tags=("fatigue", "exercise"),
                sources=("Test source",),
            ),
            "test:",
        )
        await articles.upsert(
            ArticleInput("heat", "Heat and MS", "Keeping cool.", "Cool water helps."), "test:"
        )
        await streak_life(streaks_of(app), app, clock, say)
        await articles_life(articles, say)
        help_life(app, say)
        say.state = "your data"
        say.add("/mydata delete (the question)", app.privacy.delete_warning())
        say.add("/mydata delete: Cancel", i18n._(ui.CONFIRM_ERASE_MY_DATA.cancelled))
        say.state = "server settings (admins)"
        say.add("/config show", await app.config.show(GUILD, app.feature_titles))
    return say.render()


def golden(language: str) -> Path:
    return GOLDEN if language == "en" else GOLDEN.with_name(f"member_replies.{language}.golden.txt")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_member_replies_match_the_reviewed_list(tmp_path: Path, language: str) -> None:
    actual = await transcript(tmp_path, language)
    reviewed = golden(language)
    if os.environ.get("UPDATE_GOLDEN"):
        reviewed.write_text(actual, encoding="utf-8")
        pytest.skip(f"{reviewed.name} rewritten: review its diff before committing")
    expected = reviewed.read_text(encoding="utf-8") if reviewed.exists() else ""
    if actual != expected:
        diff = "\n".join(
            difflib.unified_diff(
                expected.splitlines(), actual.splitlines(), "reviewed", "now", lineterm=""
            )
        )
        pytest.fail(
            "What members read has changed. If that is intended, regenerate the list with\n"
            "    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/bot/test_member_replies.py\n"
            "and have the diff reviewed against 'never shame, never nag'.\n" + diff
        )


@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_reply_shames(tmp_path: Path, language: str) -> None:
    shaming = SHAMING_IN[language]
    lines = (await transcript(tmp_path, language)).splitlines()
    assert not [line for line in lines if shaming.search(line)]


@pytest.mark.parametrize("language", ["es", "de"])
def test_no_translation_shames(language: str) -> None:
    """Every sentence of the catalog, including those no test life reaches."""
    from babel.messages.pofile import read_po

    path = i18n.LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    texts_ = [
        form
        for message in catalog
        if message.id
        for form in (message.string if isinstance(message.string, tuple) else (message.string,))
    ]
    assert not [text for text in texts_ if SHAMING_IN[language].search(text)]


def _source_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # docstrings
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in LOG_METHODS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in {"log", "logger", "logging"}
        ):
            skip.update(id(sub) for arg in node.args for sub in ast.walk(arg))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def test_no_source_string_shames() -> None:
    found = []
    for path in sorted([*ROOT.glob("bot/**/*.py"), *ROOT.glob("cogs/*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(NOT_MEMBER_FACING):
            continue
        for text in _source_strings(path):
            if SHAMING.search(text) and (relative, text) not in ALLOWED_SOURCE:
                found.append(f"{relative}: {text!r}")
    assert not found


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "You failed to check in"),
        ("en", "You missed 3 days"),
        ("en", "You broke your streak"),
        ("en", "Don't forget!"),
        ("es", "Fallaste tu registro"),
        ("es", "Perdiste tu racha"),
        ("es", "¡No olvides moverte!"),
        ("de", "Du hast deine Serie verloren"),
        ("de", "Vergiss nicht, dich einzutragen!"),
        ("de", "Du hast 3 Tage verpasst"),
    ],
)
def test_the_shaming_check_catches_shaming(language: str, text: str) -> None:
    assert SHAMING_IN[language].search(text)
