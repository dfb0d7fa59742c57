"""The board and the weekly summary use each member's local days, like the rest of streaks."""

from __future__ import annotations

from datetime import date

from bot.app import App
from bot.replies import render_text
from bot.streaks.community import previous_week
from bot.streaks.feature import Streaks
from tests.bot.streaks.conftest import MovableClock

GUILD = 1
WEST, EAST, PARIS = 3000, 4000, 5000


def test_previous_week_is_the_last_full_monday_to_sunday() -> None:
    assert previous_week(date(2026, 3, 9)) == date(2026, 3, 2)  # Monday
    assert previous_week(date(2026, 3, 8)) == date(2026, 2, 23)  # Sunday: week not over
    assert previous_week(date(2026, 3, 15)) == date(2026, 3, 2)


async def test_board_counts_each_members_last_7_local_days(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    clock.set(2026, 2, 23, 11)  # 23 Feb 03:00 in Los Angeles, 24 Feb 01:00 in Kiritimati
    await s.core.join(WEST, GUILD, "America/Los_Angeles", None, public=True)
    await s.core.join(EAST, GUILD, "Pacific/Kiritimati", None, public=True)
    await s.core.checkin(WEST, 30)  # local day 23 Feb
    await s.core.checkin(EAST, 30)  # local day 24 Feb
    # UTC says 2 March, so a UTC window (24 Feb - 2 Mar) would drop the Los Angeles day.
    clock.set(2026, 3, 2, 3)  # 1 March 19:00 in LA (23 Feb - 1 Mar), 2 March 17:00 Kiritimati
    board = (await s.community.board(GUILD)).body
    assert (
        f"<@{WEST}>: active on 1 of the last 7 days" in board
        and f"<@{EAST}>: active on 1 of the last 7 days" in board
    )
    # Still 2 March in UTC (window 24 Feb - 2 Mar), but Kiritimati's window moved on.
    clock.set(2026, 3, 2, 11)  # 2 March 03:00 in LA, 3 March 01:00 in Kiritimati
    board = (await s.community.board(GUILD)).body
    assert f"<@{WEST}>" not in board  # LA window 24 Feb - 2 Mar  # nothing to show, so no name
    assert (
        f"<@{EAST}>" not in board
    )  # Kiritimati window 25 Feb - 3 Mar  # nothing to show, so no name
    assert "min" not in board


async def test_board_uses_the_members_day_end(s: Streaks, sapp: App, clock: MovableClock) -> None:
    clock.set(2026, 2, 23, 12)  # 23 Feb 13:00 in Paris
    await s.core.join(PARIS, GUILD, "Europe/Paris", None, public=True)
    await s.core.checkin(PARIS)
    clock.set(2026, 3, 1, 23, 30)  # 2 March 00:30 in Paris: 23 Feb has left the window
    assert f"<@{PARIS}>" not in (await s.community.board(GUILD)).body  # nothing in the window
    await s.account.update(PARIS, day_end_hour=2)  # 00:30 is still 1 March for this member
    assert f"<@{PARIS}>: active on 1 of the last 7 days" in (await s.community.board(GUILD)).body


async def test_summary_waits_for_every_members_local_sunday(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    clock.set(2026, 3, 2, 18)  # Monday 2 March
    await s.core.join(WEST, GUILD, "America/Los_Angeles", None)
    await s.core.join(PARIS, GUILD, "Europe/Paris", None, public=True)
    await s.core.checkin(PARIS, 10)
    clock.set(2026, 3, 9, 2)  # UTC Monday, but Sunday 8 March 19:00 in Los Angeles
    early = await s.community.claim_weekly_summary(GUILD)
    assert early is not None and early.title is not None and "23 Feb" in early.title
    out = await s.core.checkin(WEST, 25)  # still Sunday 8 March locally: part of last week
    assert out.reply.body.startswith("Checked in")
    assert await s.community.claim_weekly_summary(GUILD) is None  # LA's Sunday not over
    clock.set(2026, 3, 9, 8)  # Monday 01:00 in Los Angeles: everyone finished the week
    summary = await s.community.claim_weekly_summary(GUILD)
    assert summary is not None and summary.title is not None and "2 Mar" in summary.title
    text = render_text(summary)
    assert "2 members moved, on 2 days in all, for 35 minutes" in text
    assert f"<@{PARIS}>" in text and f"<@{WEST}>" not in text  # only public names
    assert await s.community.claim_weekly_summary(GUILD) is None


async def test_members_who_left_do_not_hold_back_the_summary(
    s: Streaks, sapp: App, clock: MovableClock
) -> None:
    clock.set(2026, 3, 2, 18)
    await s.core.join(WEST, GUILD, "America/Los_Angeles", None)
    await s.core.join(PARIS, GUILD, "Europe/Paris", None)
    await s.account.leave(WEST)
    clock.set(2026, 3, 9, 2)  # Sunday evening in LA, but that member stopped tracking
    summary = await s.community.claim_weekly_summary(GUILD)
    assert summary is not None and summary.title is not None and "2 Mar" in summary.title
