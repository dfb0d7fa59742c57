"""Turning flags and verdicts into Replies (the cog renders them as cards and answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.moderation.detector import Verdict
from bot.moderation.snowflake import describe_age, snowflake_time
from bot.moderation.store import Flag
from bot.replies import Reply, Tone

EXCERPT_CHARS = 400
#: The card itself stays short (a phone screen); Details shows the rest.
CARD_EXCERPT_CHARS = 200
CARD_REASONS = 4
STATUS_WORDS = {
    "open": "Open: waiting for a moderator",
    "deleted": "Message deleted",
    "dismissed": "Dismissed (not spam)",
    "timed_out": "Author timed out",
    "banned": "Author banned",
    "restored": "Message restored",
}


def jump_url(flag: Flag) -> str:
    return f"https://discord.com/channels/{flag.guild_id}/{flag.channel_id}/{flag.message_id}"


def reason_line(reason: dict[str, Any]) -> str:
    matched = str(reason.get("matched") or "")
    shown = f': "{matched[:80]}"' if matched else ""
    return f"{float(reason.get('weight', 0)):+g} {reason.get('reason', '')}{shown}"


def moderator_label(user_id: int | None) -> str:
    """A mention, or "a former moderator (N)" for a pseudonym left by /mydata delete."""
    if not user_id:
        return ""
    if user_id < 0:
        return f"a former moderator ({-user_id})"
    return f"<@{user_id}>"


def _time(moment: datetime) -> str:
    return moment.strftime("%d %b %Y %H:%M UTC")


def _removed_text(flag: Flag, retention_days: int) -> str:
    if flag.redacted == "erased":
        return "(text erased at the author's request)"
    return f"(text removed after {retention_days} days)"


def _author(flag: Flag, now: datetime, retention_days: int, *, full: bool) -> str:
    if not flag.author_id:
        if flag.redacted == "erased":
            return "(erased at their request)"
        return f"(removed after {retention_days} days)"
    age = describe_age(now - snowflake_time(flag.author_id))
    text = f"<@{flag.author_id}> ({flag.author_name})"
    if not full:
        return f"{text}, account {age} old"
    text += f"\nAccount age: {age}"
    if flag.author_joined_at is not None:
        text += f"\nJoined the server: {flag.author_joined_at.strftime('%d %b %Y')}"
    return text


def _excerpt(flag: Flag, retention_days: int, limit: int) -> str:
    if flag.content is None:
        excerpt = _removed_text(flag, retention_days)
    else:
        excerpt = flag.content[:limit] + ("…" if len(flag.content) > limit else "")
        excerpt = excerpt or "(no text)"
    if flag.hidden:
        excerpt = "Hidden automatically; the text is kept here.\n" + excerpt
    return excerpt


def _status(flag: Flag) -> str:
    status = STATUS_WORDS.get(flag.status, flag.status)
    if not flag.is_open and flag.closed_at is not None:
        who = moderator_label(flag.closed_by)
        by = f" by {who}" if who else ""
        detail = f" ({flag.close_detail})" if flag.close_detail else ""
        return f"{status}{by} on {_time(flag.closed_at)}{detail}"
    if flag.close_detail:
        status += f" ({flag.close_detail})"
    return status


def _title(flag: Flag) -> str:
    kind = "Reported message" if flag.source == "report" else "Flagged message"
    title = f"{kind} #{flag.id}: score {flag.score:g}"
    if flag.report_count:
        title += f", {flag.report_count} report{'s' if flag.report_count != 1 else ''}"
    return title


def _strongest_reasons(reasons: list[dict[str, Any]]) -> list[str]:
    """Distinct reason wordings, strongest first (weights of repeats add up)."""
    totals: dict[str, float] = {}
    for reason in reasons:
        text = str(reason.get("reason") or "")
        if text:
            totals[text] = totals.get(text, 0.0) + float(reason.get("weight", 0))
    return sorted(totals, key=lambda text: -totals[text])


def flag_card(flag: Flag, now: datetime, retention_days: int) -> Reply:
    """The short card moderators act on, a few lines for a phone: who, where, what, why, status.

    The matched snippets, join date and reporters' words are behind the Details button.
    """
    reply = Reply(title=_title(flag), url=jump_url(flag), private=False)
    reply.tone = Tone.WARNING if flag.is_open else Tone.INFO
    reasons = _strongest_reasons(flag.reasons)
    why = ", ".join(reasons[:CARD_REASONS]) or "member report"
    if len(reasons) > CARD_REASONS:
        why += f" and {len(reasons) - CARD_REASONS} more"
    excerpt = _excerpt(flag, retention_days, CARD_EXCERPT_CHARS).replace("\n", " ")
    reply.body = "\n".join(
        (
            f"**Author:** {_author(flag, now, retention_days, full=False)}",
            f"**Where:** <#{flag.channel_id}> · [Jump to message]({jump_url(flag)})",
            f"**Message:** {excerpt}",
            f"**Why:** {why}",
            f"**Status:** {_status(flag)}",
        )
    )
    reply.footer = f"Flag {flag.id} · found {_time(flag.created_at)} · Details: all reasons"
    return reply


def flag_details(flag: Flag, now: datetime, retention_days: int) -> Reply:
    """Everything stored about a flag, for the moderator who pressed Details (privately)."""
    reply = Reply(title=_title(flag), url=jump_url(flag))
    reply.add_field("Author", _author(flag, now, retention_days, full=True), inline=True)
    reply.add_field("Channel", f"<#{flag.channel_id}>\n[Jump to message]({jump_url(flag)})", True)
    reply.add_field("Message", _excerpt(flag, retention_days, EXCERPT_CHARS))
    reasons = [reason_line(r) for r in flag.reasons] or ["(no detector reasons)"]
    reply.add_field("Why", "\n".join(reasons[:15]))
    if flag.report_reasons:
        reply.add_field(
            "What reporters said", "\n".join(f"- {r[:150]}" for r in flag.report_reasons[:5])
        )
    if flag.erase_requested:
        reply.add_field(
            "Kept as evidence",
            "The author asked for their data to be erased. This flag is kept until you decide "
            f"(at most {retention_days} days), then their name and text are removed.",
        )
    reply.add_field("Status", _status(flag))
    reply.footer = f"Flag {flag.id} · found {_time(flag.created_at)}"
    return reply


def verdict_reply(verdict: Verdict) -> Reply:
    if verdict.flagged:
        reply = Reply(
            title=f"Would be flagged: score {verdict.score:g} (threshold {verdict.threshold:g})",
            tone=Tone.WARNING,
        )
    else:
        reply = Reply(
            title=f"Would not be flagged: score {verdict.score:g} "
            f"(threshold {verdict.threshold:g})",
        )
    if verdict.reasons:
        reply.body = "\n".join(r.describe() for r in verdict.reasons)
    else:
        reply.body = "Nothing in this message looks like spam."
    return reply
