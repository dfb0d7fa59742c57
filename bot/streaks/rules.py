"""Pure streak rules: local days, reminder instants, rest-day limits and streak lengths.

No I/O here, so every rule can be tested exhaustively. Days are always the member's *local*
days (``datetime.date``): a day is computed once, from a UTC instant, the member's IANA zone and
the hour their day ends, and stored as an ISO date. Daylight-saving and zone changes therefore
never create or delete a stored day.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.errors import UserError
from bot.i18n import N_, _, number
from bot.streaks.zones import zone

MILESTONES = (3, 7, 14, 30, 50, 100, 365)
MAX_DAY_END_HOUR = 4
MAX_PAUSE_WEEKS = 8
MIN_MINUTES, MAX_MINUTES = 1, 600
MAX_NOTE_CHARS = 300
MAX_REASON_CHARS = 40
#: Suggested activities and rest reasons: stored in English (the key), shown translated.
ACTIVITIES = (
    N_("walking"),
    N_("stretching"),
    N_("chair exercises"),
    N_("yoga"),
    N_("swimming"),
    N_("aquafit"),
    N_("physio exercises"),
    N_("strength"),
    N_("bike"),
    N_("dance"),
    N_("other"),
)
REST_REASONS = (N_("fatigue"), N_("flare"), N_("appointment"), N_("heat"), N_("other"))
#: The reason stored for a rest day declared without one.
NO_REASON = N_("rest")
_HHMM = re.compile(r"^\s*([0-9]{1,2})[:.h]([0-9]{2})\s*$")  # ASCII digits only
#: "7pm", "7:30 pm", "11.15a.m.": 12-hour times, as many members write them.
_TWELVE_HOUR = re.compile(
    r"^\s*([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*([ap])\.?\s*m\.?\s*$", re.IGNORECASE
)
#: "exactly" in the languages the bot speaks (a member types it in their own).
_EXACTLY = re.compile(
    r"\b(?:exactly|exact|exacto|exacta|exactamente|en punto|genau|exakt|pünktlich)\b",
    re.IGNORECASE,
)
#: "Around 08:00": each member's reminder comes at their own fixed minute within this many
#: minutes of the time they chose, so a server's reminders do not all fall in one minute.
AROUND_MINUTES = 15
#: How a reminder "around" a time is stored; rows without it (and "exactly") are exact.
AROUND_MARK = "~"


# -- validation --------------------------------------------------------------------------
def parse_reminder_time(raw: str) -> time:
    """'19:30' / '7.05' / '8h15' / '7pm' / '7:30 am' -> time; anything else (like '25:00'
    or '13pm') gets a clear error."""
    match = _HHMM.match(raw)
    if match:
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    match = _TWELVE_HOUR.match(raw)
    if match:
        hour, minute = int(match[1]), int(match[2] or 0)
        if 1 <= hour <= 12 and minute < 60:
            return time(hour % 12 + (12 if match[3].lower() == "p" else 0), minute)
    raise UserError(
        _(
            "`{typed}` is not a time of day. Write it like 19:30 or 7:30pm (from 00:00 to 23:59)."
        ).format(typed=raw.strip()[:20])
    )


@dataclass(frozen=True)
class ReminderTime:
    """A member's daily reminder: around a time (the default) or exactly at it."""

    at: time
    exact: bool = False

    @classmethod
    def parse(cls, raw: str) -> ReminderTime:
        """What a member typed: '19:30' (around 19:30) or '19:30 exactly'."""
        exact = _EXACTLY.search(raw) is not None
        return cls(parse_reminder_time(_EXACTLY.sub(" ", raw)), exact)

    @classmethod
    def from_stored(cls, stored: str) -> ReminderTime:
        return cls(
            parse_reminder_time(stored.removeprefix(AROUND_MARK)),
            not stored.startswith(AROUND_MARK),
        )

    def stored(self) -> str:
        return ("" if self.exact else AROUND_MARK) + self.at.strftime("%H:%M")

    def describe(self) -> str:
        hhmm = self.at.strftime("%H:%M")
        return (_("at {time} exactly") if self.exact else _("around {time}")).format(time=hhmm)

    def minute_for(self, user_id: int, day_end_hour: int = 0) -> time:
        """The member's own minute: the same every day, within AROUND_MINUTES of ``at``, and
        never moved across the end of their day (a reminder must stay on the day it is for)."""
        if self.exact:
            return self.at
        digest = hashlib.sha256(f"reminder:{user_id}".encode()).digest()
        offset = int.from_bytes(digest[:4], "big") % (2 * AROUND_MINUTES + 1) - AROUND_MINUTES
        day_minutes = 24 * 60
        since_day_start = (self.at.hour * 60 + self.at.minute - day_end_hour * 60) % day_minutes
        if not 0 <= since_day_start + offset < day_minutes:
            return self.at
        minute = (self.at.hour * 60 + self.at.minute + offset) % day_minutes
        return time(minute // 60, minute % 60)


def validate_minutes(minutes: int | None) -> int | None:
    if minutes is not None and not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise UserError(
            _(
                "Minutes go from {minimum} to {maximum}. You can also leave them out: moving at "
                "all counts."
            ).format(minimum=number(MIN_MINUTES), maximum=number(MAX_MINUTES))
        )
    return minutes


def validate_activity(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    text = raw.strip().lower()
    if text in ACTIVITIES:
        return text
    if len(text) > 40:
        raise UserError(
            _("Please describe the activity in at most {limit} characters.").format(limit=40)
        )
    return text


def validate_day_end_hour(hour: int) -> int:
    if not 0 <= hour <= MAX_DAY_END_HOUR:
        raise UserError(
            _("Your day can end at midnight (0) or up to {hour} am: pick 0 to {hour}.").format(
                hour=MAX_DAY_END_HOUR
            )
        )
    return hour


def validate_weeks(weeks: int) -> int:
    if not 1 <= weeks <= MAX_PAUSE_WEEKS:
        raise UserError(_("A pause lasts 1 to {weeks} weeks.").format(weeks=MAX_PAUSE_WEEKS))
    return weeks


def reason_label(reason: str) -> str:
    """A stored rest reason as the member reads it: a suggested one translated, their own
    words as they typed them."""
    return _(reason) if reason in REST_REASONS or reason == NO_REASON else reason


def choice_label(word: str) -> str:
    """A suggested activity or rest reason in the member's language (autocomplete)."""
    return _(word)


# -- days and instants -------------------------------------------------------------------
def local_day(instant: datetime, zone_name: str, day_end_hour: int = 0) -> date:
    """The member's local day at ``instant``; before ``day_end_hour`` it is still yesterday.

    Wall-clock arithmetic on the local time is intended: a 2 am day end means 2 am on the
    clock, whatever the UTC offset that night.
    """
    local = instant.astimezone(zone(zone_name)).replace(tzinfo=None)
    return (local - timedelta(hours=day_end_hour)).date()


def _local_to_utc(day: date, at: time, zone_name: str) -> datetime:
    # A wall time skipped by a DST jump (02:30 in spring) resolves to the shifted instant;
    # a repeated one (autumn) to its first occurrence (fold=0).
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone(zone_name))
    return aware.astimezone(UTC)


def next_reminder_at(
    after: datetime, at: time, zone_name: str, *, not_before: date | None = None
) -> datetime:
    """The first instant strictly after ``after`` when the local clock shows ``at``.

    ``not_before`` skips local dates before it (used by "pause reminders for a week").
    """
    start = after.astimezone(zone(zone_name)).date() - timedelta(days=1)
    if not_before is not None and not_before > start:
        start = not_before
    for offset in range(0, 400):
        candidate = _local_to_utc(start + timedelta(days=offset), at, zone_name)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a reminder time occurs every day")


def next_reminder(
    after: datetime,
    stored: str,
    zone_name: str,
    user_id: int,
    day_end_hour: int = 0,
    *,
    not_before: date | None = None,
) -> datetime:
    """The next instant a member's stored reminder fires (their own minute if "around")."""
    at = ReminderTime.from_stored(stored).minute_for(user_id, day_end_hour)
    return next_reminder_at(after, at, zone_name, not_before=not_before)


def reminder_day(due: datetime, zone_name: str, day_end_hour: int) -> date:
    """The local day a reminder firing at ``due`` is about."""
    return local_day(due, zone_name, day_end_hour)


def to_epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


# -- rest days ---------------------------------------------------------------------------
def rest_allowed(rest_days: Iterable[date], day: date, limit: int) -> bool:
    """Would one more rest day on ``day`` keep every rolling 7-day window at most ``limit``?"""
    rests = set(rest_days)
    if day in rests:
        return True
    rests.add(day)
    for start_offset in range(-6, 1):
        start = day + timedelta(days=start_offset)
        in_window = sum(1 for d in rests if start <= d <= start + timedelta(days=6))
        if in_window > limit:
            return False
    return True


def rest_days_left(rest_days: Iterable[date], today: date, limit: int) -> int:
    """Rest days still available today: the limit minus those in the last 7 days."""
    used = sum(1 for d in rest_days if today - timedelta(days=6) <= d <= today)
    return max(0, limit - used)


# -- streaks -----------------------------------------------------------------------------
@dataclass(frozen=True)
class StreakSummary:
    current: int
    best: int
    active_days: int


def _walk_start(today: date, counted: set[date]) -> date:
    # After moving west a member's "today" can be behind a day they already checked in on;
    # that day still counts, so the walk starts at the latest counted day (at most 2 ahead).
    latest = max((d for d in counted if d <= today + timedelta(days=2)), default=today)
    return max(today, latest)


def current_streak(today: date, counted: set[date], paused: set[date]) -> int:
    """Consecutive counted days ending today (or yesterday: today is not over yet).

    Paused days are skipped (neither count nor break). Days from today on that are not yet
    counted are still in progress, so they don't break the streak either.
    """
    if not counted:
        return 0
    earliest = min(counted)
    day = _walk_start(today, counted)
    streak = 0
    while day >= earliest:
        if day in counted:
            streak += 1
        elif day not in paused and day < today:
            break  # a missed day that nothing covers
        day -= timedelta(days=1)
    return streak


def best_streak(today: date, counted: set[date], paused: set[date]) -> int:
    """The longest run of counted days (paused days skipped) in the whole history."""
    if not counted:
        return 0
    end = _walk_start(today, counted)
    day, run, best = min(counted), 0, 0
    while day <= end:
        if day in counted:
            run += 1
            best = max(best, run)
        elif day not in paused and day < today:
            run = 0
        day += timedelta(days=1)
    return best


def summarise(today: date, counted: set[date], paused: set[date]) -> StreakSummary:
    return StreakSummary(
        current=current_streak(today, counted, paused),
        best=best_streak(today, counted, paused),
        active_days=len(counted),
    )


def milestone_reached(before: int, after: int) -> int | None:
    """The highest milestone crossed going from ``before`` to ``after`` days, if any."""
    crossed = [m for m in MILESTONES if before < m <= after]
    return crossed[-1] if crossed else None


def paused_days(pauses: Iterable[tuple[date, date]], until: date) -> set[date]:
    """Every day covered by the (start, end inclusive) pauses, up to ``until``."""
    days: set[date] = set()
    for start, end in pauses:
        day = start
        stop = min(end, until)
        while day <= stop:
            days.add(day)
            day += timedelta(days=1)
    return days
