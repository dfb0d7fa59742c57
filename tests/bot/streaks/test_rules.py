"""Pure streak rules: local days across DST and zones, reminder instants, rest days, streaks."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError
from bot.streaks import rules

D = date(2026, 3, 2)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# -- local days --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        # Exactly local midnight starts the new day.
        (utc(2026, 6, 30, 22, 0), "Europe/Paris", date(2026, 7, 1)),
        (utc(2026, 6, 30, 21, 59, 59), "Europe/Paris", date(2026, 6, 30)),
        (utc(2026, 1, 1, 5, 0), "America/New_York", date(2026, 1, 1)),
        (utc(2026, 1, 1, 4, 59), "America/New_York", date(2025, 12, 31)),
        # Half-hour and 45-minute offsets (Chatham is UTC+13:45 in January).
        (utc(2026, 1, 1, 18, 30), "Asia/Kolkata", date(2026, 1, 2)),
        (utc(2026, 1, 1, 10, 14), "Pacific/Chatham", date(2026, 1, 1)),
        (utc(2026, 1, 1, 10, 15), "Pacific/Chatham", date(2026, 1, 2)),
        # The far ends of the clock: the same instant is two different local dates.
        (utc(2026, 5, 1, 12, 0), "Pacific/Kiritimati", date(2026, 5, 2)),
        (utc(2026, 5, 1, 12, 0), "Pacific/Pago_Pago", date(2026, 5, 1)),
    ],
)
def test_local_day_boundaries(instant: datetime, zone: str, expected: date) -> None:
    assert rules.local_day(instant, zone) == expected


def test_day_end_hour_gives_night_owls_the_evening_before() -> None:
    one_am_paris = utc(2026, 7, 1, 23, 0)  # 01:00 on 2 July in Paris (UTC+2)
    assert rules.local_day(one_am_paris, "Europe/Paris", 0) == date(2026, 7, 2)
    assert rules.local_day(one_am_paris, "Europe/Paris", 2) == date(2026, 7, 1)
    assert rules.local_day(utc(2026, 7, 2, 0, 0), "Europe/Paris", 2) == date(2026, 7, 2)


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("Europe/Paris", utc(2026, 3, 27, 12)),  # spring forward 29 March
        ("Europe/Paris", utc(2026, 10, 23, 12)),  # fall back 25 October
        ("America/New_York", utc(2026, 3, 6, 12)),
        ("America/New_York", utc(2026, 10, 30, 12)),
        ("Australia/Sydney", utc(2026, 4, 2, 12)),  # southern hemisphere, April
        ("Australia/Lord_Howe", utc(2026, 4, 2, 12)),  # half-hour DST shift
    ],
)
@pytest.mark.parametrize("day_end", [0, 2, 4])
def test_dst_never_creates_or_deletes_a_day(zone: str, start: datetime, day_end: int) -> None:
    # Sample every 10 minutes for a week around the change: the local days seen must be
    # exactly consecutive, each appearing, none skipped.
    seen: list[date] = []
    instant = start
    while instant < start + timedelta(days=7):
        day = rules.local_day(instant, zone, day_end)
        if not seen or seen[-1] != day:
            seen.append(day)
        instant += timedelta(minutes=10)
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(seen))
    assert len(seen) in (7, 8)


# -- reminders ---------------------------------------------------------------------------
def test_next_reminder_is_the_local_wall_time_across_dst() -> None:
    zone = "Europe/Paris"
    at = time(19, 30)
    before_change = rules.next_reminder_at(utc(2026, 3, 28, 12), at, zone)
    after_change = rules.next_reminder_at(before_change, at, zone)
    assert before_change == utc(2026, 3, 28, 18, 30)  # UTC+1
    assert after_change == utc(2026, 3, 29, 17, 30)  # UTC+2: still 19:30 on the clock


def test_next_reminder_is_strictly_after_and_respects_not_before() -> None:
    at = time(9, 0)
    due = utc(2026, 3, 2, 8, 0)  # 09:00 Paris
    assert rules.next_reminder_at(due, at, "Europe/Paris") == utc(2026, 3, 3, 8, 0)
    later = rules.next_reminder_at(due, at, "Europe/Paris", not_before=date(2026, 3, 9))
    assert later == utc(2026, 3, 9, 8, 0)


def test_reminder_in_a_dst_gap_still_fires_that_day() -> None:
    nxt = rules.next_reminder_at(utc(2026, 3, 29, 0, 0), time(2, 30), "Europe/Paris")
    assert rules.local_day(nxt, "Europe/Paris") == date(2026, 3, 29)


@pytest.mark.parametrize(
    "raw",
    [
        "25:00", "24:00", "12:60", "noon", "7", "", "-1:00", "١٩:٣٠", "²:00", "19:３０",
        "13pm", "0am", "7:60pm", "19:30pm", "7 p", "pm",
    ],
)  # fmt: skip
def test_bad_reminder_times_are_refused(raw: str) -> None:
    with pytest.raises(UserError, match="like 19:30 or 7:30pm"):
        rules.parse_reminder_time(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19:30", time(19, 30)),
        ("7.05", time(7, 5)),
        ("00:00", time(0, 0)),
        ("7pm", time(19, 0)),
        ("7:30 PM", time(19, 30)),
        ("11.15a.m.", time(11, 15)),
        ("12am", time(0, 0)),
        ("12:05pm", time(12, 5)),
        ("8 am", time(8, 0)),
    ],
)
def test_good_reminder_times(raw: str, expected: time) -> None:
    assert rules.parse_reminder_time(raw) == expected


@pytest.mark.parametrize(
    ("raw", "stored", "said"),
    [
        ("19:30", "~19:30", "around 19:30"),
        ("7.05", "~07:05", "around 07:05"),
        ("19:30 exactly", "19:30", "at 19:30 exactly"),
        ("Exactly 8h15", "08:15", "at 08:15 exactly"),
    ],
)
def test_reminders_are_around_a_time_unless_exact(raw: str, stored: str, said: str) -> None:
    reminder = rules.ReminderTime.parse(raw)
    assert reminder.stored() == stored and reminder.describe() == said
    assert rules.ReminderTime.from_stored(stored) == reminder


def test_reminders_stored_before_around_existed_stay_exact() -> None:
    assert rules.ReminderTime.from_stored("19:30") == rules.ReminderTime(time(19, 30), exact=True)


def test_around_spreads_a_servers_reminders_over_the_window_stably() -> None:
    around = rules.ReminderTime.parse("08:00")
    minutes = [around.minute_for(user) for user in range(1, 2001)]
    offsets = {m.hour * 60 + m.minute - 8 * 60 for m in minutes}
    assert offsets <= set(range(-rules.AROUND_MINUTES, rules.AROUND_MINUTES + 1))
    assert len(offsets) == 2 * rules.AROUND_MINUTES + 1  # every minute of the window is used
    assert [around.minute_for(user) for user in range(1, 2001)] == minutes  # same every day
    exact = rules.ReminderTime.parse("08:00 exactly")
    assert {exact.minute_for(user) for user in range(1, 50)} == {time(8, 0)}


@given(st.integers(1, 10**18), st.integers(0, 23), st.integers(0, 59), st.integers(0, 4))
def test_around_never_moves_a_reminder_to_another_day(
    user: int, hour: int, minute: int, day_end: int
) -> None:
    chosen = time(hour, minute)
    got = rules.ReminderTime(chosen).minute_for(user, day_end)
    as_day_minutes = [(t.hour * 60 + t.minute - day_end * 60) % 1440 for t in (chosen, got)]
    assert abs(as_day_minutes[1] - as_day_minutes[0]) <= rules.AROUND_MINUTES


@pytest.mark.parametrize("minutes", [0, -5, 601, 10_000])
def test_minutes_out_of_range(minutes: int) -> None:
    with pytest.raises(UserError, match="1 to 600"):
        rules.validate_minutes(minutes)


# -- rest days ---------------------------------------------------------------------------
def _brute_force_ok(rests: set[date], limit: int) -> bool:
    if not rests:
        return True
    first, last = min(rests), max(rests)
    start = first - timedelta(days=6)
    while start <= last:
        if sum(1 for d in rests if start <= d <= start + timedelta(days=6)) > limit:
            return False
        start += timedelta(days=1)
    return True


@given(
    offsets=st.sets(st.integers(min_value=0, max_value=30), max_size=12),
    new=st.integers(min_value=0, max_value=30),
    limit=st.integers(min_value=0, max_value=4),
)
def test_rest_allowed_matches_every_rolling_window(offsets: set[int], new: int, limit: int) -> None:
    rests = {D + timedelta(days=o) for o in offsets}
    if not _brute_force_ok(rests, limit):
        return  # only valid histories can exist (every rest was checked when declared)
    day = D + timedelta(days=new)
    assert rules.rest_allowed(rests, day, limit) == _brute_force_ok(rests | {day}, limit)


def test_rest_limit_default_two_per_seven_days() -> None:
    rests = {D, D + timedelta(days=3)}
    assert not rules.rest_allowed(rests, D + timedelta(days=5), 2)
    assert rules.rest_allowed(rests, D + timedelta(days=7), 2)  # D left the window
    assert rules.rest_days_left(rests, D + timedelta(days=5), 2) == 0
    assert rules.rest_days_left(rests, D + timedelta(days=7), 2) == 1


# -- streaks -----------------------------------------------------------------------------
def days(*offsets: int) -> set[date]:
    return {D + timedelta(days=o) for o in offsets}


def test_today_not_yet_checked_in_does_not_break_the_streak() -> None:
    assert rules.current_streak(D + timedelta(days=3), days(0, 1, 2), set()) == 3
    assert rules.current_streak(D + timedelta(days=4), days(0, 1, 2), set()) == 0


def test_paused_days_neither_count_nor_break() -> None:
    counted = days(0, 1, 10, 11)
    paused = days(*range(2, 10))
    assert rules.current_streak(D + timedelta(days=11), counted, paused) == 4
    assert rules.best_streak(D + timedelta(days=11), counted, paused) == 4


def test_a_break_keeps_the_best() -> None:
    counted = days(0, 1, 2, 3, 4, 6)
    summary = rules.summarise(D + timedelta(days=6), counted, set())
    assert (summary.current, summary.best, summary.active_days) == (1, 5, 6)


def test_day_after_today_counts_after_moving_west() -> None:
    # Checked in on the 3rd in UTC+13, then moved to UTC-11 where it is still the 2nd.
    assert rules.current_streak(D + timedelta(days=1), days(-1, 0, 2), set()) == 3


@given(st.sets(st.integers(min_value=0, max_value=60), max_size=40))
def test_current_never_exceeds_best_or_active_days(offsets: set[int]) -> None:
    counted = days(*offsets)
    today = D + timedelta(days=60)
    summary = rules.summarise(today, counted, set())
    assert summary.current <= summary.best <= summary.active_days


def test_milestones() -> None:
    assert rules.milestone_reached(2, 3) == 3
    assert rules.milestone_reached(3, 4) is None
    assert rules.milestone_reached(99, 100) == 100
    assert rules.milestone_reached(0, 0) is None
