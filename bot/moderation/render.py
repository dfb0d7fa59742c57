"""Turning flags and verdicts into Replies (the cog renders them as cards and answers)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.i18n import N_, _, decimal_g, format_day, format_time, ngettext, number
from bot.moderation.detector import Verdict
from bot.moderation.explain import close_detail_text, reason_label, verdict_line
from bot.moderation.snowflake import describe_age, snowflake_time
from bot.moderation.store import Flag
from bot.replies import Reply, Tone

EXCERPT_CHARS = 400
#: The card itself stays short (a phone screen); Details shows the rest.
CARD_EXCERPT_CHARS = 200
CARD_REASONS = 4
STATUS_WORDS = {
    "open": N_("Open: waiting for a moderator"),
    "deleted": N_("Message deleted"),
    "dismissed": N_("Dismissed (not spam)"),
    "timed_out": N_("Author timed out"),
    "banned": N_("Author banned"),
    "restored": N_("Message restored"),
}
#: A closed flag's status with who closed it and when, one whole sentence per status.
CLOSED_BY = {
    "deleted": N_("Message deleted by {moderator} on {when}"),
    "dismissed": N_("Dismissed (not spam) by {moderator} on {when}"),
    "timed_out": N_("Author timed out by {moderator} on {when}"),
    "banned": N_("Author banned by {moderator} on {when}"),
    "restored": N_("Message restored by {moderator} on {when}"),
}
CLOSED_ON = N_("{status} on {when}")


def jump_url(flag: Flag) -> str:
    return f"https://discord.com/channels/{flag.guild_id}/{flag.channel_id}/{flag.message_id}"


def reason_line(reason: dict[str, Any]) -> str:
    matched = str(reason.get("matched") or "")
    shown = f': "{matched[:80]}"' if matched else ""
    label = reason_label(str(reason.get("reason", "")))
    return f"{float(reason.get('weight', 0)):+g} {label}{shown}"


def moderator_label(user_id: int | None) -> str:
    """A mention, or "a former moderator (N)" for a pseudonym left by /mydata delete."""
    if not user_id:
        return ""
    if user_id < 0:
        return _("a former moderator ({number})").format(number=-user_id)
    return f"<@{user_id}>"


#: TRANSLATORS: a date and time pattern (CLDR): "07 Sep 2026 14:05 UTC" in English.
TIME_PATTERN = N_("dd MMM y HH:mm 'UTC'")
#: TRANSLATORS: a date pattern (CLDR): "07 Sep 2026" in English.
DATE_PATTERN = N_("dd MMM y")


def _time(moment: datetime) -> str:
    return format_time(moment.astimezone(UTC), _(TIME_PATTERN))


def long_date(moment: datetime) -> str:
    """ "07 Sep 2026" in the reader's language."""
    return format_day(moment, _(DATE_PATTERN))


def _removed_text(flag: Flag, retention_days: int) -> str:
    if flag.redacted == "erased":
        return _("(text erased at the author's request)")
    return ngettext(
        "(text removed after {days} day)", "(text removed after {days} days)", retention_days
    ).format(days=number(retention_days))


def _author(flag: Flag, now: datetime, retention_days: int, *, full: bool) -> str:
    if not flag.author_id:
        if flag.redacted == "erased":
            return _("(erased at their request)")
        return ngettext(
            "(removed after {days} day)", "(removed after {days} days)", retention_days
        ).format(days=number(retention_days))
    age = describe_age(now - snowflake_time(flag.author_id))
    text = f"<@{flag.author_id}> ({flag.author_name})"
    if not full:
        return _("{author}, account {age} old").format(author=text, age=age)
    text += "\n" + _("Account age: {age}").format(age=age)
    if flag.author_joined_at is not None:
        text += "\n" + _("Joined the server: {day}").format(day=long_date(flag.author_joined_at))
    return text


def _excerpt(flag: Flag, retention_days: int, limit: int) -> str:
    if flag.content is None:
        excerpt = _removed_text(flag, retention_days)
    else:
        excerpt = flag.content[:limit] + ("…" if len(flag.content) > limit else "")
        excerpt = excerpt or _("(no text)")
    if flag.hidden:
        excerpt = _("Hidden automatically; the text is kept here.") + "\n" + excerpt
    return excerpt


#: A closed flag's status in one word or two ("Flag #3 was already handled: deleted.").
STATUS_SHORT = {
    "open": N_("open"),
    "deleted": N_("deleted"),
    "dismissed": N_("dismissed"),
    "timed_out": N_("timed out"),
    "banned": N_("banned"),
    "restored": N_("restored"),
}


def status_short(status: str) -> str:
    return _(STATUS_SHORT[status]) if status in STATUS_SHORT else status.replace("_", " ")


def status_word(status: str) -> str:
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def close_detail(detail: str) -> str:
    """A stored close detail ("the message was already gone", "for 1 hour") in words."""
    return close_detail_text(detail)


def _status(flag: Flag) -> str:
    status = status_word(flag.status)
    detail = f" ({close_detail(flag.close_detail)})" if flag.close_detail else ""
    if not flag.is_open and flag.closed_at is not None:
        who = moderator_label(flag.closed_by)
        when = _time(flag.closed_at)
        if who and flag.status in CLOSED_BY:
            said = _(CLOSED_BY[flag.status]).format(moderator=who, when=when)
        else:
            said = _(CLOSED_ON).format(status=status, when=when)
        return said + detail
    return status + detail


def _title(flag: Flag) -> str:
    score = decimal_g(flag.score)
    if flag.source == "report":
        title = _("Reported message #{number}: score {score}")
    else:
        title = _("Flagged message #{number}: score {score}")
    title = title.format(number=flag.id, score=score)
    if flag.report_count:
        title += ngettext(", {count} report", ", {count} reports", flag.report_count).format(
            count=number(flag.report_count)
        )
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
    why = ", ".join(reason_label(r) for r in reasons[:CARD_REASONS]) or _("member report")
    if len(reasons) > CARD_REASONS:
        why = _("{reasons} and {count} more").format(
            reasons=why, count=number(len(reasons) - CARD_REASONS)
        )
    excerpt = _excerpt(flag, retention_days, CARD_EXCERPT_CHARS).replace("\n", " ")
    reply.body = "\n".join(
        (
            _("**Author:** {author}").format(author=_author(flag, now, retention_days, full=False)),
            _("**Where:** {channel} · [Jump to message]({url})").format(
                channel=f"<#{flag.channel_id}>", url=jump_url(flag)
            ),
            _("**Message:** {excerpt}").format(excerpt=excerpt),
            _("**Why:** {reasons}").format(reasons=why),
            _("**Status:** {status}").format(status=_status(flag)),
        )
    )
    reply.footer = _("Flag {number} · found {when} · Details: all reasons").format(
        number=flag.id, when=_time(flag.created_at)
    )
    return reply


def flag_details(flag: Flag, now: datetime, retention_days: int) -> Reply:
    """Everything stored about a flag, for the moderator who pressed Details (privately)."""
    reply = Reply(title=_title(flag), url=jump_url(flag))
    reply.add_field(_("Author"), _author(flag, now, retention_days, full=True), inline=True)
    jump = _("[Jump to message]({url})").format(url=jump_url(flag))
    reply.add_field(_("Channel"), f"<#{flag.channel_id}>\n{jump}", True)
    reply.add_field(_("Message"), _excerpt(flag, retention_days, EXCERPT_CHARS))
    reasons = [reason_line(r) for r in flag.reasons] or [_("(no detector reasons)")]
    reply.add_field(_("Why"), "\n".join(reasons[:15]))
    if flag.report_reasons:
        reply.add_field(
            _("What reporters said"), "\n".join(f"- {r[:150]}" for r in flag.report_reasons[:5])
        )
    if flag.erase_requested:
        reply.add_field(
            _("Kept as evidence"),
            ngettext(
                "The author asked for their data to be erased. This flag is kept until you "
                "decide (at most {days} day), then their name and text are removed.",
                "The author asked for their data to be erased. This flag is kept until you "
                "decide (at most {days} days), then their name and text are removed.",
                retention_days,
            ).format(days=number(retention_days)),
        )
    reply.add_field(_("Status"), _status(flag))
    reply.footer = _("Flag {number} · found {when}").format(
        number=flag.id, when=_time(flag.created_at)
    )
    return reply


def verdict_reply(verdict: Verdict) -> Reply:
    scores = {"score": decimal_g(verdict.score), "threshold": decimal_g(verdict.threshold)}
    if verdict.flagged:
        reply = Reply(
            title=_("Would be flagged: score {score} (threshold {threshold})").format(**scores),
            tone=Tone.WARNING,
        )
    else:
        reply = Reply(
            title=_("Would not be flagged: score {score} (threshold {threshold})").format(**scores)
        )
    if verdict.reasons:
        reply.body = "\n".join(verdict_line(r.weight, r.label, r.matched) for r in verdict.reasons)
    else:
        reply.body = _("Nothing in this message looks like spam.")
    return reply
