"""Streak commands against a real database, with a clock the tests move."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot.app import App
from bot.errors import UserError
from bot.replies import render_text
from bot.streaks.feature import Streaks
from bot.streaks.service import NotJoinedError
from tests.bot.streaks.conftest import MovableClock

USER = 1000
GUILD = 1


async def join(s: Streaks, zone: str = "Europe/Paris", reminder: str | None = None) -> None:
    await s.core.join(USER, GUILD, zone, reminder)


async def day_rows(app: App) -> list[tuple[str, int, int, str | None]]:
    rows = await app.db.fetchall(
        "SELECT day, checkins, minutes, rest_reason FROM streak_days WHERE user_id = ? "
        "ORDER BY day",
        (USER,),
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_nothing_is_stored_before_joining(s: Streaks, sapp: App) -> None:
    _, _, preview = s.core.join_preview("Europe/Paris", "19:30")
    assert "opt-in" in preview.body and "time zone" in preview.body
    with pytest.raises(NotJoinedError, match="/streak join"):
        await s.core.checkin(USER, 10)
    assert await sapp.db.fetchval("SELECT COUNT(*) FROM streak_members") == 0


async def test_bad_join_input_stores_nothing(s: Streaks, sapp: App) -> None:
    with pytest.raises(UserError, match="time zone"):
        await s.core.join(USER, GUILD, "Nowhere/Land", None)
    with pytest.raises(UserError, match="like 19:30 or 7:30pm"):
        await s.core.join(USER, GUILD, "Europe/Paris", "25:00")
    assert await sapp.db.fetchval("SELECT COUNT(*) FROM streak_members") == 0


async def test_first_checkin_counts_later_ones_add_minutes(s: Streaks, sapp: App) -> None:
    await join(s)
    first = await s.core.checkin(USER, 10, "walking", "ok")
    second = await s.core.checkin(USER, 5)
    assert "Current streak: 1 day" in first.reply.body
    assert "15 minutes today" in second.reply.body
    assert await day_rows(sapp) == [("2026-03-02", 2, 15, None)]
    assert "Rest days left this week: 2 of 2" in render_text(first.reply)


async def test_bad_minutes_lose_nothing(s: Streaks, sapp: App) -> None:
    await join(s)
    await s.core.checkin(USER, 10)
    for bad in (0, 601):
        with pytest.raises(UserError, match="1 to 600"):
            await s.core.checkin(USER, bad)
    assert await day_rows(sapp) == [("2026-03-02", 1, 10, None)]


async def test_button_double_tap_counts_once(s: Streaks, sapp: App) -> None:
    await join(s)
    await s.core.checkin(USER, button=True)
    again = await s.core.checkin(USER, button=True)
    assert "already checked in" in again.reply.body
    assert await day_rows(sapp) == [("2026-03-02", 1, 0, None)]


async def test_concurrent_checkins_lose_nothing(s: Streaks, sapp: App) -> None:
    await join(s)
    outcomes = await asyncio.gather(*(s.core.checkin(USER, 5) for _ in range(10)))
    assert await day_rows(sapp) == [("2026-03-02", 10, 50, None)]
    firsts = [o for o in outcomes if "Checked in for today" in o.reply.body]
    assert len(firsts) == 1
    buttons = await asyncio.gather(*(s.core.checkin(USER, button=True) for _ in range(5)))
    assert all("already checked in" in o.reply.body for o in buttons)


async def test_checkin_at_exact_local_midnight_is_the_new_day(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    await join(s, "Europe/Paris")
    clock.set(2026, 3, 2, 22, 59, 59)  # 23:59:59 in Paris
    await s.core.checkin(USER)
    clock.set(2026, 3, 2, 23, 0, 0)  # 00:00:00 on the 3rd
    out = await s.core.checkin(USER)
    assert [r[0] for r in await day_rows(sapp)] == ["2026-03-02", "2026-03-03"]
    assert "2 days" in out.reply.body


async def test_night_owl_day_end(s: Streaks, sapp: App, clock: MovableClock) -> None:
    await join(s, "Europe/Paris")
    await s.account.update(USER, day_end_hour=2)
    clock.set(2026, 3, 3, 0, 30)  # 01:30 on the 3rd in Paris: still the 2nd
    await s.core.checkin(USER)
    assert [r[0] for r in await day_rows(sapp)] == ["2026-03-02"]
    with pytest.raises(UserError, match="0 to 4"):
        await s.account.update(USER, day_end_hour=5)


async def test_streak_across_dst_change(s: Streaks, sapp: App, clock: MovableClock) -> None:
    await join(s, "America/New_York")
    for day in range(6, 12):  # DST starts 8 March 2026 in New York
        clock.set(2026, 3, day, 23, 30)  # evening in New York, before and after the change
        await s.core.checkin(USER)
    reply = await s.core.status(USER, image=False)
    assert "Current streak: 6 days" in reply.body
    assert len(await day_rows(sapp)) == 6


async def test_rest_days_keep_the_streak_within_the_limit(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    await join(s)
    await s.core.checkin(USER)  # Mon 2
    clock.set(2026, 3, 3, 12)
    out = await s.core.rest(USER, "fatigue")  # Tue 3
    assert "Current streak: 2 days" in out.reply.body
    assert "1 of 2" in render_text(out.reply)
    clock.set(2026, 3, 4, 12)
    await s.core.rest(USER, "flare")  # Wed 4
    clock.set(2026, 3, 5, 12)
    with pytest.raises(UserError, match="used your 2 rest days"):
        await s.core.rest(USER, "heat")
    assert "already a rest day" in (await s.core.rest(USER, yesterday=True)).reply.body
    await sapp.config.set_value(GUILD, "streak_rest_days_per_week", 3)
    out = await s.core.rest(USER, "heat")
    assert "Current streak: 4 days" in out.reply.body


async def test_missed_day_covered_by_rest_declared_next_day(
    s: Streaks, clock: MovableClock
) -> None:
    await join(s)
    await s.core.checkin(USER)  # Mon
    clock.set(2026, 3, 4, 12)  # Wed: Tuesday was missed
    status = await s.core.status(USER, image=False)
    assert "Yesterday is still open" in render_text(status)
    out = await s.core.rest(USER, "appointment", yesterday=True)
    assert "Current streak: 2 days" in out.reply.body
    clock.set(2026, 3, 6, 12)  # Fri: Wednesday is now too late to cover
    assert "Yesterday is still open" not in render_text(await s.core.status(USER, image=False))


async def test_rest_refused_when_checked_in_and_freed_by_checkin(s: Streaks, sapp: App) -> None:
    await join(s)
    await s.core.rest(USER, "fatigue")
    await s.core.checkin(USER, 5)  # feeling better after all: the rest day is given back
    assert await day_rows(sapp) == [("2026-03-02", 1, 5, None)]
    with pytest.raises(UserError, match="already checked in"):
        await s.core.rest(USER)


async def test_break_keeps_best_and_is_encouraging(s: Streaks, clock: MovableClock) -> None:
    await join(s)
    for day in range(2, 6):
        clock.set(2026, 3, day, 12)
        await s.core.checkin(USER, 10)
    clock.set(2026, 3, 9, 12)
    out = await s.core.checkin(USER)
    assert "fresh start" in out.reply.body.lower()
    assert "best streak (4 days)" in out.reply.body
    for word in ("fail", "lost", "broke", "shame", "missed"):
        assert word not in out.reply.body.lower()
    status = render_text(await s.core.status(USER, image=False))
    assert "Best: 4 days" in status and "5 days active, 40 minutes" in status


async def test_pause_freezes_the_streak(s: Streaks, clock: MovableClock) -> None:
    await join(s, reminder="19:00")
    for day in (2, 3, 4):
        clock.set(2026, 3, day, 12)
        await s.core.checkin(USER)
    with pytest.raises(UserError, match="1 to 8 weeks"):
        await s.core.pause(USER, 9)
    await s.core.pause(USER, 2)
    clock.set(2026, 3, 12, 12)
    status = render_text(await s.core.status(USER, image=False))
    assert "Current streak: 3 days" in status and "Paused: Until" in status
    await s.core.resume(USER)
    with pytest.raises(UserError, match="not paused"):
        await s.core.resume(USER)
    out = await s.core.checkin(USER)
    assert "Current streak: 4 days" in out.reply.body


async def test_the_day_of_resuming_never_ends_the_streak(s: Streaks, clock: MovableClock) -> None:
    await join(s)
    for day in (2, 3, 4):
        clock.set(2026, 3, day, 12)
        await s.core.checkin(USER)
    await s.core.pause(USER, 1)
    clock.set(2026, 3, 8, 20)  # resumes in the evening and does not move that day
    assert "Today is covered" in (await s.core.resume(USER)).body
    with pytest.raises(UserError, match="not paused"):
        await s.core.resume(USER)  # the cover is not a running pause
    clock.set(2026, 3, 9, 12)
    status = render_text(await s.core.status(USER, image=False))
    assert "Current streak: 3 days" in status
    out = await s.core.checkin(USER)
    assert "Current streak: 4 days" in out.reply.body


async def test_checkin_during_pause_resumes(s: Streaks, clock: MovableClock) -> None:
    await join(s)
    await s.core.checkin(USER)
    await s.core.pause(USER, 1)
    clock.set(2026, 3, 5, 12)
    out = await s.core.checkin(USER)
    assert "pause has ended" in out.reply.body and "2 days" in out.reply.body


async def test_moving_from_utc_plus_13_to_utc_minus_11(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    clock.set(2026, 3, 1, 12)  # 2 March 01:00 in Tonga
    await join(s, "Pacific/Tongatapu")  # UTC+13
    await s.core.checkin(USER)
    clock.set(2026, 3, 2, 12)  # 3 March in Tonga
    await s.core.checkin(USER)
    await s.account.update(USER, zone="Pacific/Pago_Pago")  # UTC-11: it is 2 March 01:00 there
    out = await s.core.checkin(USER, 5)
    # The 2nd already had a check-in: minutes added, no day created, none deleted.
    assert "Added to today's check-in" in out.reply.body
    assert [r[0] for r in await day_rows(sapp)] == ["2026-03-02", "2026-03-03"]
    assert "Current streak: 2 days" in (await s.core.status(USER, image=False)).body
    clock.set(2026, 3, 3, 12)  # 3 March 01:00 in Pago Pago: the 3rd is already counted
    assert "Current streak: 2 days" in (await s.core.status(USER, image=False)).body


async def test_moving_far_east_pauses_the_skipped_day(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    await join(s, "Etc/GMT+12")  # UTC-12
    clock.set(2026, 3, 3, 10, 30)  # 2 March 22:30 at UTC-12
    await s.core.checkin(USER)
    await s.account.update(USER, zone="Pacific/Kiritimati")  # UTC+14: already 4 March 00:30
    out = await s.core.checkin(USER)
    assert "2 days" in out.reply.body  # the 3rd, skipped by travel, neither counts nor breaks
    pauses = await sapp.db.fetchall("SELECT start_day, end_day, reason FROM streak_pauses")
    assert [tuple(p) for p in pauses] == [("2026-03-03", "2026-03-03", "travel")]


async def test_settings_validate_everything_before_saving(s: Streaks) -> None:
    await join(s, reminder="19:00")
    with pytest.raises(UserError, match="like 19:30 or 7:30pm"):
        await s.account.update(USER, public=True, reminder="25:00")
    member = await s.core.member(USER)
    assert member is not None and not member.public and member.reminder_time == "~19:00"
    await s.reminders.remember_dm_channels({USER: 555})
    await s.account.update(USER, reminder="off")
    member = await s.core.member(USER)
    assert member is not None and member.reminder_time is None and member.next_reminder_at is None
    assert member.dm_channel_id is None  # no reminders: the DM channel is not kept either
    await s.reminders.remember_dm_channels({USER: 555})
    member = await s.core.member(USER)
    assert member is not None and member.dm_channel_id is None  # nor learnt again


async def test_status_image_and_text_alternative(s: Streaks, sapp: App) -> None:
    await join(s)
    await s.core.checkin(USER, 20)
    reply = await s.core.status(USER)
    try:
        assert reply.image_path is not None and reply.image_path.read_bytes()[:4] == b"\x89PNG"
        assert reply.image_alt and "moved on 1 day" in reply.image_alt
        assert "Since you joined" in render_text(reply)
    finally:
        if reply.image_path:
            reply.image_path.unlink()


async def test_milestones_only_announced_for_public_members(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    await sapp.config.set_value(GUILD, "checkin_channel", 555)
    await join(s)
    outcomes = []
    for day in (2, 3, 4):
        clock.set(2026, 3, day, 12)
        outcomes.append(await s.core.checkin(USER))
    assert outcomes[-1].announcement is None
    assert "3 days in a row" in render_text(outcomes[-1].reply)
    await s.account.update(USER, public=True)
    for day in range(5, 9):
        clock.set(2026, 3, day, 12)
        out = await s.core.checkin(USER)
    assert out.announcement is not None and out.announcement.channel_id == 555
    assert "7 days in a row" in out.announcement.reply.body


async def test_board_and_summary_names_only_public(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    await join(s)
    await s.core.join(2000, GUILD, "Europe/Paris", None, public=True)
    await s.core.checkin(USER, 30)
    await s.core.checkin(2000, 15)
    board = await s.community.board(GUILD)
    assert "<@2000>: active on 1 of the last 7 days" in board.body and "<@1000>" not in board.body
    assert "min" not in board.body
    clock.set(2026, 3, 9, 12)
    summary = await s.community.claim_weekly_summary(GUILD)
    assert summary is not None
    text = render_text(summary)
    assert "2 members moved, on 2 days" in text and "45 minutes" in text
    assert "<@2000>" in text and "<@1000>" not in text
    assert await s.community.claim_weekly_summary(GUILD) is None  # posted once


async def test_leave_keeps_history_until_deleted(s: Streaks, sapp: App) -> None:
    await join(s, reminder="08:00")
    await s.core.checkin(USER, 10)
    await s.account.leave(USER)
    with pytest.raises(NotJoinedError):
        await s.core.checkin(USER)
    assert len(await day_rows(sapp)) == 1
    back = await s.core.join(USER, GUILD, "Europe/Paris", None)
    assert "history is still here" in back.body
    await s.account.leave(USER, delete=True)
    assert await day_rows(sapp) == []
    assert await sapp.db.fetchval("SELECT COUNT(*) FROM streak_members") == 0


async def test_privacy_export_and_erase(s: Streaks, sapp: App, clock: MovableClock) -> None:
    clock.set(2026, 3, 1, 12)
    await join(s, reminder="08:00")
    clock.set(2026, 3, 2, 12)
    await s.core.checkin(USER, 10, "yoga", "gentle")
    await s.core.rest(USER, "heat", yesterday=True)
    await s.core.pause(USER, 1)
    await s.reminders.remember_dm_channels({USER: 123456789012345678})
    data = await sapp.privacy.export(USER)
    section = data["streaks"]
    assert section["settings"]["zone"] == "Europe/Paris"
    assert section["settings"]["dm_channel_id"] == "123456789012345678"  # ids as text in JSON
    assert section["checkins"][0]["note"] == "gentle"
    assert section["rest_days"] == [{"day": "2026-03-01", "reason": "heat"}]
    assert len(section["pauses"]) == 1
    counts = await sapp.privacy.erase(USER)
    assert counts["streaks"] >= 4
    assert (await sapp.privacy.export(USER))["streaks"] == {}


async def test_local_dates_are_iso(s: Streaks, sapp: App) -> None:
    await join(s, "Asia/Tokyo")
    await s.core.checkin(USER)
    day = (await day_rows(sapp))[0][0]
    assert date.fromisoformat(day) == date(2026, 3, 2)


async def test_hint_when_today_is_done_but_yesterday_open(s: Streaks, clock: MovableClock) -> None:
    await join(s)
    await s.core.checkin(USER)  # Mon
    clock.set(2026, 3, 4, 12)  # Wed, Tuesday missed
    await s.core.checkin(USER)
    assert "Yesterday is still open" in render_text(await s.core.status(USER, image=False))
    out = await s.core.rest(USER, yesterday=True)
    assert "Current streak: 3 days" in out.reply.body


# -- nothing before the join day ---------------------------------------------------------
async def test_no_rest_day_before_joining(s: Streaks, sapp: App, clock: MovableClock) -> None:
    await join(s)  # Monday 2 March, 13:00 in Paris
    with pytest.raises(UserError, match="before your streak began"):
        await s.core.rest(USER, "fatigue", yesterday=True)
    assert await day_rows(sapp) == []  # nothing stored
    out = await s.core.checkin(USER)
    assert "Current streak: 1 day" in out.reply.body  # no 2-day head start
    clock.set(2026, 3, 3, 12)
    # The join day itself is in range: the normal rules answer, not the join-day guard.
    with pytest.raises(UserError, match="already checked in yesterday"):
        await s.core.rest(USER, "fatigue", yesterday=True)
    rested = await s.core.rest(USER, "fatigue")
    assert "Current streak: 2 days" in rested.reply.body
    assert [r[0] for r in await day_rows(sapp)] == ["2026-03-02", "2026-03-03"]


async def test_join_day_follows_zone_and_day_end(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    clock.set(2026, 3, 2, 23, 30)  # 3 March 00:30 in Paris
    await join(s)
    with pytest.raises(UserError, match="Tue 3 Mar"):
        await s.core.rest(USER, yesterday=True)
    # With a 2 am day end, 00:30 still belongs to 2 March: that day is the join day and today.
    await s.account.update(USER, day_end_hour=2)
    assert "Rest day noted for today" in (await s.core.rest(USER)).reply.body
    with pytest.raises(UserError, match="Mon 2 Mar"):
        await s.core.rest(USER, yesterday=True)
    assert await day_rows(sapp) == [("2026-03-02", 0, 0, "rest")]


async def test_no_checkin_before_join_day(s: Streaks, sapp: App, clock: MovableClock) -> None:
    await join(s)
    clock.set(2026, 3, 1, 12)  # a clock set back (e.g. corrected) must not record 1 March
    with pytest.raises(UserError, match="before your streak began"):
        await s.core.checkin(USER)
    assert await day_rows(sapp) == []


async def test_a_shortened_note_or_reason_is_said(s: Streaks, clock: MovableClock) -> None:
    await join(s)
    out = await s.core.checkin(USER, note="x" * 301)
    text = render_text(out.reply)
    assert "Your note was longer than 300 characters, so I kept the first 300." in text
    assert "Shortened" not in render_text((await s.core.checkin(USER, note="short")).reply)
    clock.set(2026, 3, 3, 12)
    out = await s.core.rest(USER, "a very long reason about my appointment at the clinic today")
    assert "kept the first 40" in render_text(out.reply)
    clock.set(2026, 3, 4, 12)
    assert "Shortened" not in render_text((await s.core.rest(USER, "fatigue")).reply)
