"""Lone surrogates in member text (issue "Hardening", item 7).

JSON can carry ``\\ud800`` without its partner; such a ``str`` cannot be encoded to UTF-8, so
before the fix SQLite refused the write (a scam carrying one was never stored: a way round the
detector). One rule, applied where text enters: on the Discord side every decoded payload,
and on the storage side every text bound to a statement.
"""

from __future__ import annotations

import inspect

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import App
from bot.articles.feature import service_of as articles_of
from bot.discord_bot import install_text_guard
from bot.moderation.feature import service_of as moderation_of
from bot.moderation.signals.base import MessageFacts
from bot.streaks.feature import streaks_of
from bot.text import clean_text

SCAM = "Dr. Okoh cured me of multiple sclerosis \ud83d, contact him on WhatsApp +234 813 555 1234"


def test_clean_text_replaces_only_lone_halves() -> None:
    assert clean_text("a\ud800b\udfffc") == "a\ufffdb\ufffdc"
    assert clean_text("pair \ud83d\ude00") == "pair 😀"  # a split pair is put back together
    assert clean_text("plain é 😀") == "plain é 😀"


@given(st.text(alphabet=st.characters(codec=None), max_size=50))
def test_clean_text_always_gives_encodable_text(text: str) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")  # never raises
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        assert cleaned == text


async def test_a_scam_carrying_a_lone_surrogate_is_still_flagged_and_stored(app: App) -> None:
    service = moderation_of(app)
    facts = MessageFacts(text=SCAM, guild_id=1, channel_id=2, author_id=3, message_id=4)
    outcome = await service.check_message(facts, author_name="stranger\udc80")
    assert outcome is not None
    assert outcome.flag.content == SCAM.replace("\ud83d", "\ufffd")
    stored = await app.db.fetchval("SELECT content FROM moderation_flags")
    assert stored == outcome.flag.content


async def test_member_text_anywhere_is_stored(app: App) -> None:
    flag, _, _ = await moderation_of(app).report(
        guild_id=1,
        channel_id=2,
        message_id=5,
        author_id=3,
        author_name="a\ud800",
        content="buy \udfff now",
        reporter_id=9,
        reason="spam \ud800",
    )
    assert flag.content == "buy \ufffd now"
    articles = articles_of(app)
    article = await articles.resolve("mobility-aids")
    feedback = await articles.ratings.add_feedback(article.id, 9, 1, 2, "too \ud800 vague")
    assert feedback is not None
    assert (await articles.ratings.open_feedback(1))[0].text == "too \ufffd vague"
    await app.config.set(1, "moderation_trusted_phrases", "kind \ud800 words")
    assert await app.config.get(1, "moderation_trusted_phrases") == ["kind \ufffd words"]
    streaks = streaks_of(app)
    await streaks.core.join(9, 1, "Europe/Paris", None)
    await streaks.core.checkin(9, 10, "walking", note="felt \udc00 good")
    assert await app.db.fetchval("SELECT note FROM streak_checkins") == "felt \ufffd good"
    await articles.search("fatigue \ud800")  # no error


def test_every_discord_payload_is_decoded_without_lone_surrogates() -> None:
    install_text_guard()
    raw = (
        '{"op":0,"d":{"content":"scam \\ud800 x","embeds":[{"title":"\\uDFFF"}],'
        '"pair":"\\ud83d\\ude00","n":1}}'
    )
    data = discord.utils._from_json(raw)
    assert data["d"]["content"] == "scam \ufffd x"
    assert data["d"]["embeds"][0]["title"] == "\ufffd"
    assert data["d"]["pair"] == "😀" and data["d"]["n"] == 1
    install_text_guard()  # twice is harmless: still one wrapper
    assert discord.utils._from_json(raw) == data


@pytest.mark.parametrize(
    ("module", "function"),
    [
        (discord.gateway.DiscordWebSocket, "received_message"),
        (discord.http, "json_or_text"),
    ],
)
def test_discord_py_still_decodes_through_utils_from_json(module: object, function: str) -> None:
    """The guard wraps ``discord.utils._from_json``; this fails if discord.py stops calling it
    (then the guard must move)."""
    assert "utils._from_json(" in inspect.getsource(getattr(module, function))
