"""Reminder scheduling: the due query, the atomic claim, restarts and closed DMs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.app import App
from bot.settings import Settings
from bot.streaks.feature import Streaks, streaks_of
from tests.bot.streaks.conftest import MovableClock

GUILD = 1


async def test_due_reminder_sent_once_and_advanced(s: Streaks, clock: MovableClock) -> None:
    await s.core.join(1, GUILD, "Europe/Paris", "19:00 exactly")  # 18:00 UTC in March
    clock.set(2026, 3, 2, 17, 59)
    assert (await s.reminders.claim_due()).to_send == []
    clock.set(2026, 3, 2, 18, 0)
    claim = await s.reminders.claim_due()
    assert [r.user_id for r in claim.to_send] == [1]
    assert claim.to_send[0].text
    assert (await s.reminders.claim_due()).to_send == []  # claimed: never twice
    member = await s.core.member(1)
    assert member is not None
    assert member.next_reminder_at == int(datetime(2026, 3, 3, 18, 0, tzinfo=UTC).timestamp())


async def test_no_reminder_after_checkin_rest_or_pause(s: Streaks, clock: MovableClock) -> None:
    for user in (1, 2, 3, 4):
        await s.core.join(user, GUILD, "Europe/Paris", "19:00 exactly")
    await s.core.checkin(1)
    await s.core.rest(2, "fatigue")
    await s.core.pause(3, 1)
    clock.set(2026, 3, 2, 18, 5)
    claim = await s.reminders.claim_due()
    assert [r.user_id for r in claim.to_send] == [4]
    assert claim.claimed == 4  # the others were advanced too, so they are not retried


async def test_snooze_skips_a_week(s: Streaks, clock: MovableClock) -> None:
    await s.core.join(1, GUILD, "Europe/Paris", "19:00 exactly")
    await s.account.snooze_reminders(1)
    for day in range(2, 9):
        clock.set(2026, 3, day, 18, 1)
        assert (await s.reminders.claim_due()).to_send == []
    clock.set(2026, 3, 9, 18, 1)
    assert len((await s.reminders.claim_due()).to_send) == 1


async def test_stale_reminder_from_a_past_day_is_dropped(s: Streaks, clock: MovableClock) -> None:
    await s.core.join(1, GUILD, "Europe/Paris", "19:00 exactly")
    clock.set(2026, 3, 4, 12)  # the bot was down for two days
    claim = await s.reminders.claim_due()
    assert claim.to_send == [] and claim.claimed == 1
    clock.set(2026, 3, 4, 18, 0)
    assert len((await s.reminders.claim_due()).to_send) == 1


async def test_restart_with_reminders_due(settings: Settings) -> None:
    clock = MovableClock(datetime(2026, 3, 2, 12, tzinfo=UTC))
    async with App(settings, clock=clock) as app:
        for user in range(1, 6):
            await streaks_of(app).core.join(user, GUILD, "Europe/Paris", "19:00 exactly")
    clock.set(2026, 3, 2, 18, 30)  # reminders fell due while the bot was stopped
    async with App(settings, clock=clock) as app:
        first = await streaks_of(app).reminders.claim_due(limit=3)
    async with App(settings, clock=clock) as app:  # restarted after claiming 3 of 5
        second = await streaks_of(app).reminders.claim_due(limit=3)
        third = await streaks_of(app).reminders.claim_due(limit=3)
    sent = [r.user_id for r in first.to_send + second.to_send + third.to_send]
    assert sorted(sent) == [1, 2, 3, 4, 5]  # each exactly once: none skipped, none twice


async def test_concurrent_ticks_never_double_send(s: Streaks, clock: MovableClock) -> None:
    for user in range(1, 21):
        await s.core.join(user, GUILD, "Europe/Paris", "19:00 exactly")
    clock.set(2026, 3, 2, 18, 0)
    claims = await asyncio.gather(*(s.reminders.claim_due(limit=7) for _ in range(5)))
    sent = [r.user_id for c in claims for r in c.to_send]
    assert sorted(sent) == list(range(1, 21))


async def test_closed_dms_turn_reminders_off_and_tell_the_member(
    s: Streaks, clock: MovableClock
) -> None:
    await s.core.join(1, GUILD, "Europe/Paris", "19:00 exactly")
    await s.reminders.dms_closed(1)
    member = await s.core.member(1)
    assert member is not None and member.reminder_time is None and member.next_reminder_at is None
    clock.set(2026, 3, 3, 18, 0)
    assert (await s.reminders.claim_due()).to_send == []
    status = await s.core.status(1, image=False)
    assert any("direct messages are closed" in f.value for f in status.fields)
    again = await s.core.status(1, image=False)
    assert not any("direct messages" in f.value for f in again.fields)  # told once


async def test_due_query_uses_the_index(sapp: App, engine: str) -> None:
    from bot.streaks.store import DUE_SQL

    if engine == "sqlite":
        plan = await sapp.db.fetchall("EXPLAIN QUERY PLAN " + DUE_SQL, (0, 10))
        assert any("streak_members_due" in row["detail"] for row in plan)
        return
    async with sapp.db.write() as conn:  # PostgreSQL scans a tiny table: ask for the index
        await conn.execute("SET LOCAL enable_seqscan = off")
        plan = await conn.fetchall("EXPLAIN " + DUE_SQL, (0, 10))
    assert any("streak_members_due" in row[0] for row in plan), [row[0] for row in plan]


async def test_a_claim_checks_each_members_own_local_day(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    # At 20:00 UTC on 2 March it is 10:00 on 3 March in Kiritimati and 08:00 on 2 March at
    # UTC-12: one claim batch holds reminders for two different local days.
    await s.core.join(1, GUILD, "Pacific/Kiritimati", "10:00 exactly")
    await s.core.join(2, GUILD, "Etc/GMT+12", "08:00 exactly")
    await s.core.join(3, GUILD, "Pacific/Kiritimati", "10:00 exactly")
    async with sapp.db.write() as conn:
        await conn.executemany(
            "INSERT INTO streak_days (user_id, day, checkins) VALUES (?, ?, 1)",
            [(1, "2026-03-02"), (2, "2026-03-03"), (3, "2026-03-03")],
        )
    clock.set(2026, 3, 2, 20, 0)
    claim = await s.reminders.claim_due()
    # 1 and 2 moved on some other day, not on the day their reminder is for; 3 did.
    assert sorted(r.user_id for r in claim.to_send) == [1, 2]
    assert claim.claimed == 3


async def test_around_reminders_fire_at_the_members_own_minute(
    s: Streaks, clock: MovableClock
) -> None:
    from bot.streaks import rules

    await s.core.join(1, GUILD, "Europe/Paris", "19:00")
    member = await s.core.member(1)
    assert member is not None and member.reminder_time == "~19:00"
    own = rules.ReminderTime.from_stored("~19:00").minute_for(1)
    due = datetime(2026, 3, 2, own.hour - 1, own.minute, tzinfo=UTC)  # Paris is UTC+1
    assert member.next_reminder_at == int(due.timestamp())
    clock.now = due
    assert [r.user_id for r in (await s.reminders.claim_due()).to_send] == [1]
