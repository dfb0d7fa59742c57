"""The flag card fits a phone screen; the details are one button away (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.moderation.render import flag_card, flag_details
from bot.moderation.store import Flag
from bot.replies import render_text

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def busy_flag() -> Flag:
    """Every reason, several reports, a long hidden text: the card's worst case."""
    reasons = [
        {"signal": f"s{i}", "reason": f"reason number {i}", "weight": 1.0, "matched": f"m{i}"}
        for i in range(15)
    ]
    return Flag(
        id=12,
        guild_id=1,
        channel_id=2,
        message_id=3,
        author_id=700_000_000_000_000_077,
        author_name="Dr Okoh",
        content="Buy my cure now! " * 200,
        score=21.5,
        reasons=reasons,
        source="report",
        report_count=4,
        status="open",
        hidden=True,
        card_channel_id=None,
        card_message_id=None,
        created_at=NOW,
        closed_at=None,
        closed_by=None,
        close_detail=None,
        author_joined_at=NOW,
        report_reasons=["scam", "he messaged me privately", "spam", "fake doctor"],
    )


def test_card_is_a_few_short_lines() -> None:
    card = flag_card(busy_flag(), NOW, 30)
    text = render_text(card)
    assert len(text.splitlines()) <= 8, text
    assert len(card.body) <= 600
    assert "and 11 more" in card.body  # the strongest reasons, then a count
    assert "m3" not in text and "fake doctor" not in text  # snippets and reports: Details


def test_details_hold_everything() -> None:
    details = render_text(flag_details(busy_flag(), NOW, 30))
    for expected in ('"m14"', "fake doctor", "Joined the server", "Account age"):
        assert expected in details
