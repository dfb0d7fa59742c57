"""No member's words in the log at any level (issue 11, item 8).

A scenario at DEBUG through the real libraries that log payloads: discord.py's gateway parsing
a MESSAGE_CREATE, discord.py's HTTP client posting the flag card (to a local server), aiosqlite
storing the flag, a check-in note and feedback, and an unexpected error quoting member input.
Then the captured log is searched for the member texts.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from unittest.mock import MagicMock

import aiohttp
import discord
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from discord.gateway import DiscordWebSocket

from bot.app import App
from bot.articles.feature import service_of as articles_of
from bot.moderation.feature import service_of as moderation_of
from bot.privacy.logs import protect_logs, sanitise
from bot.streaks.feature import streaks_of
from cogs._errors import friendly_message
from tests.discord_state import RAW_GUILD_ID, REVIEW_ID, Gateway

SCAM_TEXT = "Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp +234 813 555 1234"
NOTE = "walked to the pharmacy, legs numb again"
FEEDBACK = "the fatigue article ignores heat sensitivity"
TYPED = "my neurologist said maybe relapse"
MEMBER_TEXTS = (SCAM_TEXT, "+234 813 555 1234", NOTE, FEEDBACK, TYPED, "legs numb")


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> AsyncIterator[Captured]:
    protect_logs()
    handler = Captured()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in ("discord", "aiosqlite"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for name in ("discord", "aiosqlite"):
            logging.getLogger(name).setLevel(logging.NOTSET)


async def discord_api(request: web.Request) -> web.Response:
    """Answers the bot's POST of a card like Discord: the created message, echoed."""
    body = await request.json()
    answer = json.dumps(
        {
            "id": "999000000000000777",
            "channel_id": request.match_info["channel_id"],
            "author": {"id": "5000", "username": "ms-bot", "discriminator": "0", "avatar": None},
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": [],
            "timestamp": "2026-11-23T11:00:01.000000+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "type": 0,
        }
    )
    return web.Response(
        body=answer.encode(),
        headers={
            "Content-Type": "application/json",  # exactly, as discord.py compares it
            "X-Ratelimit-Remaining": "5",
            "X-Ratelimit-Limit": "5",
            "X-Ratelimit-Reset": "1999999999",
            "X-Ratelimit-Reset-After": "1",
        },
    )


async def test_debug_log_of_a_full_scenario_holds_no_member_text(
    app: App, captured: Captured, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    await app.config.set(RAW_GUILD_ID, "moderation_review_channel", str(REVIEW_ID))
    gateway = Gateway(app)
    server_app = web.Application()
    server_app.router.add_post("/channels/{channel_id}/messages", discord_api)
    server = TestServer(server_app)
    await server.start_server()
    session = aiohttp.ClientSession()
    try:
        monkeypatch.setattr(discord.http.Route, "BASE", str(server.make_url("")).rstrip("/"))
        gateway.client.http._HTTPClient__session = session  # type: ignore[attr-defined]
        gateway.client.http.token = "test-token"
        gateway.client.http._global_over = asyncio.Event()  # what static_login sets up
        gateway.client.http._global_over.set()

        # 1. The gateway delivers a member's message (discord.py logs every event at DEBUG).
        socket = DiscordWebSocket(MagicMock(), loop=asyncio.get_running_loop())
        socket._discord_parsers = gateway.state.parsers  # type: ignore[attr-defined]
        socket.shard_id = None  # type: ignore[attr-defined]
        payload = {
            "op": 0,
            "s": 42,
            "t": "MESSAGE_CREATE",
            "d": gateway.message_data(SCAM_TEXT, edited=False),
        }
        await socket.received_message(json.dumps(payload))
        [(message,)] = [args for event, args in gateway.events if event == "message"]

        # 2. The cog scans it: aiosqlite stores the flag, discord.py POSTs the card over HTTP.
        await gateway.cog.on_message(message)
        flag = await moderation_of(app).flag(RAW_GUILD_ID, 1)
        assert flag.card_message_id == 999000000000000777  # the card really went over HTTP

        # 3. Other member words through aiosqlite: a check-in note and article feedback.
        streaks = streaks_of(app)
        await streaks.core.join(7, RAW_GUILD_ID, "Europe/Paris", None)
        await streaks.core.checkin(7, 15, "walking", NOTE)
        article = await articles_of(app).resolve("fatigue-and-weakness")
        await articles_of(app).ratings.add_feedback(article.id, 7, RAW_GUILD_ID, 2, FEEDBACK)

        # 4. An unexpected error whose message quotes what the member typed.
        try:
            int(TYPED)
        except ValueError as error:
            _, error_id = friendly_message(error)
        assert error_id is not None
    finally:
        await session.close()
        await server.close()

    log = "\n".join(captured.lines)
    # The scenario really logged through each library, at DEBUG ...
    assert "WebSocket Event: <gateway op=0 event=MESSAGE_CREATE" in log
    assert f"content=<{len(SCAM_TEXT)} chars>" in log
    assert "POST " in log and "has returned 200" in log
    if engine == "sqlite":  # aiosqlite logs every statement; asyncpg logs none
        assert "<SQL execute: INSERT INTO moderation_flags" in log
    assert f"Unexpected error (error id {error_id})" in log
    assert "ValueError (message withheld" in log and "int(TYPED)" in log  # traceback kept
    # ... and not one member word reached it.
    leaks = [text for text in MEMBER_TEXTS if text.lower() in log.lower()]
    assert not leaks, f"member text in the log: {leaks}"
    assert "test-token" not in log


def raw_record(name: str, msg: str, *args: Any) -> logging.LogRecord:
    return logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, args, None)


def test_without_the_filter_these_records_would_leak() -> None:
    """The control: the very records discord.py and aiosqlite make carry the text."""
    import functools

    gateway = raw_record(
        "discord.gateway",
        "For Shard ID %s: WebSocket Event: %s",
        None,
        {"op": 0, "t": "MESSAGE_CREATE", "d": {"id": "1", "content": NOTE}},
    )
    http = raw_record(
        "discord.http",
        "%s %s with %s has returned %s",
        "POST",
        "https://discord.com/api/v10/channels/1/messages",
        json.dumps({"content": NOTE}),
        200,
    )
    sql = raw_record(
        "aiosqlite",
        "executing %s",
        functools.partial(print, "INSERT INTO streak_checkins VALUES (?)", (NOTE,)),
    )
    for record in (gateway, http, sql):
        assert NOTE in record.getMessage()
        sanitise(record)
        assert NOTE not in record.getMessage()
    assert "channels/1/messages" in http.getMessage()  # the useful part stays
    assert "INSERT INTO streak_checkins" in sql.getMessage()


def test_interaction_tokens_are_cut_from_urls() -> None:
    token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6"
    record = raw_record(
        "discord.http",
        "%s %s has received %s",
        "POST",
        f"https://discord.com/api/v10/interactions/123/{token}/callback",
        None,
    )
    sanitise(record)
    assert token not in record.getMessage() and "/<token>/callback" in record.getMessage()


def test_safe_errors_keep_their_message() -> None:
    import sqlite3

    try:
        raise sqlite3.OperationalError("no such table: nope")
    except sqlite3.OperationalError as error:
        record = logging.LogRecord(
            "bot", logging.ERROR, __file__, 1, "failed", (), (type(error), error, None)
        )
    sanitise(record)
    assert record.exc_info is not None and "no such table" in str(record.exc_info[1])


def test_names_and_numbers_stay_readable() -> None:
    record = raw_record("discord.client", "Ignoring exception in %s (shard %s)", "on_message", 3)
    sanitise(record)
    assert record.getMessage() == "Ignoring exception in on_message (shard 3)"
    spaced = raw_record("discord.client", "%s", "two words")
    sanitise(spaced)
    assert spaced.getMessage() == "<text, 9 chars>"
