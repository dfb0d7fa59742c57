"""The /streak status reply (text part) and its text alternative for the picture."""

from __future__ import annotations

from datetime import date, timedelta

from bot.replies import Reply
from bot.streaks import rules, texts
from bot.streaks.chart import WEEKS, grid_start
from bot.streaks.store import History


def week_lines(history: History, today: date, paused: set[date]) -> list[str]:
    start = grid_start(today)
    lines = []
    for week in range(WEEKS):
        monday = start + timedelta(weeks=week)
        days = [monday + timedelta(days=i) for i in range(7) if monday + timedelta(days=i) <= today]
        moved = sum(1 for d in days if history.day(d).checkins)
        rest = sum(1 for d in days if history.day(d).rest_reason and not history.day(d).checkins)
        pause = sum(1 for d in days if d in paused and not history.day(d).counted)
        minutes = sum(history.day(d).minutes for d in days)
        parts = [f"moved {texts.days_word(moved)}"]
        if rest:
            parts.append(f"{rest} rest")
        if pause:
            parts.append(f"{pause} paused")
        if minutes:
            parts.append(f"{minutes} min")
        lines.append(f"Week of {monday.day} {monday:%b}: " + ", ".join(parts))
    return lines


def build_status(history: History, today: date, rest_limit: int) -> Reply:
    paused = history.paused(today + timedelta(days=2))
    summary = rules.summarise(today, history.counted, paused)
    monday = today - timedelta(days=today.weekday())
    week_days = [monday + timedelta(days=i) for i in range((today - monday).days + 1)]
    week_active = sum(1 for d in week_days if history.day(d).counted)
    week_minutes = sum(history.day(d).minutes for d in week_days)
    total_minutes = sum(row.minutes for row in history.days.values())
    left = rules.rest_days_left(history.rest_days, today, rest_limit)
    reply = Reply(title="Your streak", body=texts.streak_line(summary.current, summary.best))
    reply.add_field(
        "This week (since Monday)",
        f"{texts.days_word(week_active)} active, {week_minutes} minutes",
    )
    reply.add_field("Rest days left", f"{left} of {rest_limit} in the last 7 days")
    reply.add_field(
        "All time", f"{texts.days_word(summary.active_days)} active, {total_minutes} minutes"
    )
    pause = history.active_pause(today)
    if pause is not None:
        reply.add_field(
            "Paused",
            f"Until {texts.format_day(pause[1])}. Your streak is safe; /streak resume to restart.",
        )
    yesterday = today - timedelta(days=1)
    # Only worth saying when covering yesterday would join it to an earlier run.
    if (
        not history.day(yesterday).counted
        and yesterday not in paused
        and history.days
        and rules.rest_allowed(history.rest_days, yesterday, rest_limit)
        and rules.current_streak(today, history.counted | {yesterday}, paused) > summary.current + 1
    ):
        reply.add_field(
            "Yesterday is still open",
            "Mark it as a rest day with /streak rest day:yesterday to keep your streak.",
        )
    lines = week_lines(history, today, paused)
    reply.add_field("Last 8 weeks", "\n".join(lines))
    moved_8w = sum(1 for d, row in history.days.items() if row.checkins and d >= grid_start(today))
    reply.image_alt = (
        f"Calendar of the last 8 weeks: moved on {texts.days_word(moved_8w)}. "
        "Week by week details are in the text."
    )
    return reply
