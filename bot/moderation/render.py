"""Turning flags and verdicts into Replies (the cog renders them as cards and answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.moderation.detector import Verdict
from bot.moderation.snowflake import describe_age, snowflake_time
from bot.moderation.store import Flag
from bot.replies import Reply, Tone

EXCERPT_CHARS = 400
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
    return f"+{float(reason.get('weight', 0)):g} {reason.get('reason', '')}{shown}"


def _time(moment: datetime) -> str:
    return moment.strftime("%d %b %Y %H:%M UTC")


def flag_card(flag: Flag, now: datetime, retention_days: int) -> Reply:
    """The review card moderators act on: who, where, what, why, and what was done."""
    kind = "Reported message" if flag.source == "report" else "Flagged message"
    title = f"{kind} #{flag.id}: score {flag.score:g}"
    if flag.report_count:
        title += f", {flag.report_count} report{'s' if flag.report_count != 1 else ''}"
    reply = Reply(title=title, url=jump_url(flag), private=False)
    reply.tone = Tone.WARNING if flag.is_open else Tone.INFO
    author = f"<@{flag.author_id}> ({flag.author_name})" if flag.author_id else "(erased)"
    if flag.author_id:
        age = now - snowflake_time(flag.author_id)
        author += f"\nAccount age: {describe_age(age)}"
        if flag.author_joined_at is not None:
            author += f"\nJoined the server: {flag.author_joined_at.strftime('%d %b %Y')}"
    reply.add_field("Author", author, inline=True)
    reply.add_field("Channel", f"<#{flag.channel_id}>\n[Jump to message]({jump_url(flag)})", True)
    if flag.content is None:
        excerpt = f"(text removed: kept only {retention_days} days, or erased on request)"
    else:
        excerpt = flag.content[:EXCERPT_CHARS] + ("…" if len(flag.content) > EXCERPT_CHARS else "")
        excerpt = excerpt or "(no text)"
    if flag.hidden:
        excerpt = "Hidden automatically; the text is kept here.\n" + excerpt
    reply.add_field("Message", excerpt)
    reasons = [reason_line(r) for r in flag.reasons] or ["(no detector reasons)"]
    reply.add_field("Why", "\n".join(reasons[:15]))
    if flag.report_reasons:
        reply.add_field(
            "What reporters said", "\n".join(f"- {r[:150]}" for r in flag.report_reasons[:5])
        )
    status = STATUS_WORDS.get(flag.status, flag.status)
    if not flag.is_open and flag.closed_at is not None:
        by = f" by <@{flag.closed_by}>" if flag.closed_by else ""
        detail = f" ({flag.close_detail})" if flag.close_detail else ""
        status = f"{status}{by} on {_time(flag.closed_at)}{detail}"
    elif flag.close_detail:
        status += f" ({flag.close_detail})"
    reply.add_field("Status", status)
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
