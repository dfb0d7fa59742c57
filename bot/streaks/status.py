"""The /streak status reply (text part) and its text alternative for the picture.

The week list is written to read as a record of what the member did, never of what they did not:
weeks before they joined are left out, and quiet weeks are said once, kindly, not day by day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.i18n import _, join_list, ngettext, number
from bot.replies import Reply
from bot.streaks import rules, texts
from bot.streaks.chart import grid_start
from bot.streaks.store import History


@dataclass(frozen=True)
class WeekCounts:
    monday: date
    moved: int
    rest: int
    paused: int
    minutes: int

    @property
    def quiet(self) -> bool:
        return not (self.moved or self.rest or self.paused)


def week_counts(
    history: History, monday: date, today: date, paused: set[date], join_day: date
) -> WeekCounts:
    days = [monday + timedelta(days=i) for i in range(7)]
    days = [d for d in days if join_day <= d <= today]
    rows = [history.day(d) for d in days]
    return WeekCounts(
        monday=monday,
        moved=sum(1 for row in rows if row.checkins),
        rest=sum(1 for row in rows if row.rest_reason is not None and not row.checkins),
        paused=sum(1 for d, row in zip(days, rows, strict=True) if d in paused and not row.counted),
        minutes=sum(row.minutes for row in rows),
    )


def week_summary(week: WeekCounts) -> str:
    parts = []
    if week.moved:
        parts.append(_(texts.WEEK_MOVED).format(days=texts.days_word(week.moved)))
    if week.rest:
        parts.append(texts.rest_days_word(week.rest))
    if week.paused:
        parts.append(_(texts.WEEK_PAUSED).format(days=texts.days_word(week.paused)))
    if week.minutes:
        parts.append(_(texts.WEEK_MINUTES).format(minutes=number(week.minutes)))
    return join_list(parts)


def week_lines(history: History, today: date, paused: set[date], join_day: date) -> list[str]:
    """One line per week since joining (at most 8); a run of quiet weeks is one line."""
    this_monday = today - timedelta(days=today.weekday())
    first_monday = max(grid_start(today), join_day - timedelta(days=join_day.weekday()))
    lines: list[str] = []
    quiet_run: list[date] = []

    def close_quiet_run() -> None:
        if len(quiet_run) == 1:
            lines.append(_(texts.QUIET_WEEK).format(week=texts.short_day(quiet_run[0])))
        elif quiet_run:
            lines.append(
                _(texts.QUIET_WEEKS).format(
                    first=texts.short_day(quiet_run[0]), last=texts.short_day(quiet_run[-1])
                )
            )
        quiet_run.clear()

    monday = first_monday
    while monday < this_monday:
        week = week_counts(history, monday, today, paused, join_day)
        if week.quiet:
            quiet_run.append(monday)
        else:
            close_quiet_run()
            lines.append(
                _(texts.WEEK_LINE).format(week=texts.short_day(monday), summary=week_summary(week))
            )
        monday += timedelta(weeks=1)
    close_quiet_run()
    current = week_counts(history, this_monday, today, paused, join_day)
    if current.quiet:
        lines.append(_(texts.THIS_WEEK_OPEN))
    else:
        lines.append(_(texts.THIS_WEEK_LINE).format(summary=week_summary(current)))
    return lines


def image_alt(history: History, today: date, join_day: date) -> str:
    start = max(grid_start(today), join_day)
    days = [start + timedelta(days=i) for i in range((today - start).days + 1)]
    moved = sum(1 for d in days if history.day(d).checkins)
    return _(texts.IMAGE_ALT).format(moved=texts.days_word(moved), today=texts.format_day(today))


def build_status(history: History, today: date, rest_limit: int, join_day: date) -> Reply:
    paused = history.paused(today + timedelta(days=2))
    summary = rules.summarise(today, history.counted, paused)
    total_minutes = sum(row.minutes for row in history.days.values())
    left = rules.rest_days_left(history.rest_days, today, rest_limit)
    reply = Reply(
        title=_(texts.STATUS_TITLE), body=texts.streak_line(summary.current, summary.best)
    )
    reply.add_field(
        _(texts.REST_LEFT_FIELD),
        _(texts.REST_LEFT).format(left=number(left), limit=number(rest_limit)),
        inline=True,
    )
    if summary.active_days:
        reply.add_field(
            _(texts.ALL_TIME_FIELD),
            ngettext(
                "{days} active, {minutes} minute", "{days} active, {minutes} minutes", total_minutes
            ).format(days=texts.days_word(summary.active_days), minutes=number(total_minutes)),
            inline=True,
        )
    pause = history.active_pause(today)
    if pause is not None:
        reply.add_field(
            _(texts.PAUSED_FIELD), _(texts.PAUSED_UNTIL).format(day=texts.format_day(pause[1]))
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
        reply.add_field(_(texts.YESTERDAY_OPEN_FIELD), _(texts.YESTERDAY_OPEN))
    weeks_title = texts.SINCE_JOINING_FIELD if join_day > grid_start(today) else texts.WEEKS_FIELD
    reply.add_field(_(weeks_title), "\n".join(week_lines(history, today, paused, join_day)))
    reply.image_alt = image_alt(history, today, join_day)
    return reply
