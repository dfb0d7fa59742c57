"""The reminder sender: concurrent, rate-shared, one request per reminder, never twice."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from bot.ratelimit import RateLimiter
from bot.streaks.delivery import (
    RETRY_DELAYS,
    WORKERS,
    DmClosedError,
    ReminderSender,
    RetryLaterError,
    UnknownChannelError,
)
from bot.streaks.feature import Streaks
from bot.streaks.reminders import CLAIM_BATCH, DueReminder
from tests.bot.streaks.conftest import MovableClock
from tests.bot.test_ratelimit import FakeTime

GUILD = 1
CHANNEL_BASE = 10_000


class FakeDms:
    """A DM transport that records every request; channel ids are CHANNEL_BASE + user id."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.opened: list[int] = []
        self.sent: list[tuple[int, int]] = []  # (channel id, user id)
        self.failures: dict[int, list[Exception]] = {}  # user id -> raised on the next sends
        self.gone: set[int] = set()  # channel ids Discord no longer knows
        self.in_flight = 0
        self.most_in_flight = 0

    async def open_dm(self, user_id: int) -> int:
        self.opened.append(user_id)
        return CHANNEL_BASE + user_id

    async def send(self, channel_id: int, reminder: DueReminder) -> None:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.latency)
            if channel_id in self.gone:
                raise UnknownChannelError()
            failures = self.failures.get(reminder.user_id)
            if failures:
                raise failures.pop(0)
            self.sent.append((channel_id, reminder.user_id))
        finally:
            self.in_flight -= 1

    @property
    def sent_to(self) -> list[int]:
        return [user_id for _, user_id in self.sent]


class RecordedSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def fast_share() -> RateLimiter:
    fake = FakeTime()
    return RateLimiter(1000, burst=50, clock=fake, sleep=fake.sleep)


async def join_many(s: Streaks, count: int, at: str = "19:00 exactly") -> None:
    for user in range(1, count + 1):
        await s.core.join(user, GUILD, "Europe/Paris", at)


async def test_every_due_reminder_leaves_once_and_concurrently(
    s: Streaks, clock: MovableClock
) -> None:
    await join_many(s, 120)
    clock.set(2026, 3, 2, 18, 0)  # 19:00 in Paris
    dms = FakeDms(latency=0.01)
    share = fast_share()
    report = await ReminderSender(s.reminders, dms, share).drain()
    assert sorted(dms.sent_to) == list(range(1, 121))
    assert report.sent == 120 and report.claimed == 120 and report.failed == 0
    assert dms.most_in_flight > 1  # a slow request does not hold up the others
    assert share.acquired == report.requests == 240  # open + send, each inside the share


async def test_the_dm_channel_is_learnt_so_the_next_reminder_is_one_request(
    s: Streaks, clock: MovableClock
) -> None:
    await join_many(s, 60)
    clock.set(2026, 3, 2, 18, 0)
    dms = FakeDms()
    await ReminderSender(s.reminders, dms, fast_share()).drain()
    assert sorted(dms.opened) == list(range(1, 61))
    member = await s.core.member(7)
    assert member is not None and member.dm_channel_id == CHANNEL_BASE + 7

    clock.set(2026, 3, 3, 18, 0)
    again = FakeDms()
    report = await ReminderSender(s.reminders, again, fast_share()).drain()
    assert again.opened == [] and report.requests == report.sent == 60
    assert {channel for channel, _ in again.sent} == {CHANNEL_BASE + u for u in range(1, 61)}


async def test_a_stale_channel_is_opened_again_once_and_replaced(
    s: Streaks, sapp: object, clock: MovableClock
) -> None:
    await join_many(s, 2)
    await s.reminders.remember_dm_channels({1: 999, 2: CHANNEL_BASE + 2})
    clock.set(2026, 3, 2, 18, 0)
    dms = FakeDms()
    dms.gone.add(999)
    report = await ReminderSender(s.reminders, dms, fast_share()).drain()
    assert sorted(dms.sent) == [(CHANNEL_BASE + 1, 1), (CHANNEL_BASE + 2, 2)]
    assert dms.opened == [1] and report.requests == 4  # 1: stale send, open, send; 2: send
    member = await s.core.member(1)
    assert member is not None and member.dm_channel_id == CHANNEL_BASE + 1


async def test_closed_dms_turn_that_members_reminders_off(s: Streaks, clock: MovableClock) -> None:
    await join_many(s, 3)
    clock.set(2026, 3, 2, 18, 0)
    dms = FakeDms()
    dms.failures[2] = [DmClosedError()]
    report = await ReminderSender(s.reminders, dms, fast_share()).drain()
    assert sorted(dms.sent_to) == [1, 3] and report.closed == 1
    member = await s.core.member(2)
    assert member is not None and member.reminder_time is None and member.dm_channel_id is None


async def test_a_passing_failure_is_retried_while_the_day_lasts(
    s: Streaks, clock: MovableClock
) -> None:
    await join_many(s, 1)
    clock.set(2026, 3, 2, 18, 0)
    dms = FakeDms()
    dms.failures[1] = [RetryLaterError(retry_after=2.0), RetryLaterError()]
    sleep = RecordedSleep()
    share = fast_share()
    report = await ReminderSender(s.reminders, dms, share, sleep=sleep).drain()
    assert dms.sent_to == [1] and report.sent == 1 and report.retries == 2
    assert sleep.delays == [2.0, RETRY_DELAYS[1]]  # the server's retry-after, then back-off


async def test_a_retry_stops_when_the_members_day_is_over(s: Streaks, clock: MovableClock) -> None:
    await join_many(s, 1, at="23:58 exactly")
    clock.set(2026, 3, 2, 22, 58)  # 23:58 in Paris: the day ends in two minutes
    dms = FakeDms()
    dms.failures[1] = [RetryLaterError() for _ in range(10)]
    sleep = RecordedSleep()

    async def passing_time(seconds: float) -> None:
        await sleep(seconds)
        clock.now += timedelta(seconds=seconds)

    report = await ReminderSender(s.reminders, dms, fast_share(), sleep=passing_time).drain()
    assert dms.sent_to == [] and report.expired == 1 and report.sent == 0
    assert sum(sleep.delays) < 120  # it gave up before midnight instead of sending a day late


async def test_falling_behind_is_logged_with_the_backlog_and_nothing_is_dropped(
    s: Streaks, clock: MovableClock, caplog: pytest.LogCaptureFixture
) -> None:
    await join_many(s, 3 * CLAIM_BATCH)
    clock.set(2026, 3, 2, 18, 10)  # ten minutes late, same local day
    dms = FakeDms()
    with caplog.at_level(logging.INFO, logger="bot.streaks.delivery"):
        report = await ReminderSender(s.reminders, dms, fast_share()).drain()
    assert report.sent == 3 * CLAIM_BATCH and report.most_behind == 600
    behind = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert behind == [
        "Reminders are running 10 minutes behind: "
        f"{2 * CLAIM_BATCH} still due. Each is still sent while its member's day lasts "
        "(sending up to 1000 a second)."
    ]
    assert any("caught up" in r.getMessage() for r in caplog.records)


async def test_an_interrupted_drain_never_sends_a_reminder_twice(
    s: Streaks, clock: MovableClock
) -> None:
    await join_many(s, 200)
    clock.set(2026, 3, 2, 18, 0)
    dms = FakeDms(latency=0.001)
    first = asyncio.create_task(ReminderSender(s.reminders, dms, fast_share()).drain())

    original_send = dms.send

    async def crash_after_60(channel_id: int, reminder: DueReminder) -> None:
        if len(dms.sent) >= 60:
            first.cancel()  # the bot stops in the middle of a wave
            await asyncio.sleep(3600)
        await original_send(channel_id, reminder)

    dms.send = crash_after_60  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        await first
    dms.send = original_send  # type: ignore[method-assign]
    await ReminderSender(s.reminders, dms, fast_share()).drain()  # after the restart
    assert len(dms.sent_to) == len(set(dms.sent_to))  # at most once
    lost = 200 - len(dms.sent_to)
    assert lost <= CLAIM_BATCH + 2 * WORKERS  # at most what was claimed and not yet sent
