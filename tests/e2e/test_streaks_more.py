"""Streaks as members use them: the status picture, reminders through the stored DM channel and
under the shared rate budget, milestones, the pinned button, the weekly summary, and leaving."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.local_discord import Driver, LocalDiscord, World
from bot.local_discord.model import User
from bot.local_discord.permissions import bits
from bot.streaks.feature import streaks_of
from cogs.streaks import REMINDER_REQUESTS_PER_SECOND
from tests.e2e.test_features import _daytime_zone

pytestmark = pytest.mark.asyncio(loop_scope="session")

OPEN_DM = "/api/v10/users/@me/channels"
SEND = "/api/v10/channels/{channel_id}/messages"


async def join(d: Driver, who: str = "member", zone: str = "UTC", reminder: str | None = None):
    values = {"zone": zone} | ({"reminder": reminder} if reminder else {})
    preview = await d.run("/streak join", values, who=who)
    return await d.click(preview.reply, "Yes, join", who=who)


def soon(zone: str, minutes: int = 2) -> str:
    return (datetime.now(ZoneInfo(zone)) + timedelta(minutes=minutes)).strftime("%H:%M")


def dm_requests(local: LocalDiscord, since: int, user: User) -> list[str]:
    """The requests that reached ``user``: opening their DM, sending in it (other members'
    reminders, from earlier tests, may be due at the same tick)."""
    dm = local.dm_channels.get(user.id)
    return [
        r.route
        for r in local.requests[since:]
        if (r.route == OPEN_DM and r.subject == user.id)
        or (r.route == SEND and r.path == f"/api/v10/channels/{dm}/messages")
    ]


async def test_status_shows_a_picture_with_its_description(d: Driver, world: World) -> None:
    await join(d)
    await d.run("/checkin", {"minutes": 15, "activity": "walking"})
    shown = await d.run("/streak status")
    status = shown.reply
    assert status.ephemeral and not shown.failed
    assert "Current streak: 1 day" in status.text() and "Since you joined" in status.text()
    [picture] = status.attachments
    assert picture.content_type == "image/png" and picture.data.startswith(b"\x89PNG")
    assert picture.description and "moved on 1 day" in picture.description  # the alt text
    assert status.embeds[0]["image"]["url"] == f"attachment://{picture.filename}"
    assert not (Path(tempfile.gettempdir()) / picture.filename).exists()  # cleaned up


async def test_the_second_reminder_is_one_request_to_the_stored_dm_channel(
    d: Driver, world: World, local: LocalDiscord, clock, running
) -> None:
    zone = _daytime_zone()
    await join(d, zone=zone, reminder=f"{soon(zone)} exactly")
    cog = running.bot.get_cog("StreakCog")
    member = world.user("member")
    clock.shift(timedelta(minutes=5))
    before = len(local.requests)
    await cog.send_due_reminders()  # the loop's tick, now (it also runs by itself)
    assert dm_requests(local, before, member) == [OPEN_DM, SEND]  # open the DM, send
    clock.shift(timedelta(days=1))
    before = len(local.requests)
    await cog.send_due_reminders()
    assert dm_requests(local, before, member) == [SEND]  # the next day: one request
    first, second = d.dms("member")
    assert "Daily check-in" in second.text() and first.channel_id == second.channel_id


async def test_a_stale_stored_dm_channel_is_opened_again_once(
    d: Driver, world: World, local: LocalDiscord, clock, running, app
) -> None:
    zone = _daytime_zone()
    await join(d, zone=zone, reminder=f"{soon(zone)} exactly")
    async with app.db.write() as conn:
        await conn.execute(
            "UPDATE streak_members SET dm_channel_id = 444 WHERE user_id = ?",
            (world.user("member").id,),
        )
    clock.shift(timedelta(minutes=5))
    await running.bot.get_cog("StreakCog").send_due_reminders()
    [reminder] = d.dms("member")
    member = await streaks_of(app).core.member(world.user("member").id)
    assert member is not None and member.dm_channel_id == reminder.channel_id
    assert [r.split(": ")[1] for r in local.take_rejected()] == ["10003 Unknown Channel"]


async def test_closed_dms_turn_reminders_off_and_say_so_next_time(
    d: Driver, world: World, local: LocalDiscord, clock, running, app
) -> None:
    zone = _daytime_zone()
    await join(d, zone=zone, reminder=f"{soon(zone)} exactly")
    world.user("member").dms_open = False
    clock.shift(timedelta(minutes=5))
    await running.bot.get_cog("StreakCog").send_due_reminders()
    assert not d.dms("member")
    assert [r.split(": ")[1] for r in local.take_rejected()] == [
        "50007 Cannot send messages to this user"
    ]
    member = await streaks_of(app).core.member(world.user("member").id)
    assert member is not None and member.reminder_time is None
    told = await d.run("/checkin")
    assert "direct messages are closed" in told.reply.text()


async def test_many_due_reminders_stay_inside_the_rate_budget(
    d: Driver, world: World, local: LocalDiscord, clock, running, app
) -> None:
    """40 reminders due at once: 80 requests (open the DM, send), never more in a second than
    the reminders' share of the budget lets through, while a member's command still answers."""
    zone = _daytime_zone()
    at = f"{soon(zone)} exactly"
    people = [local.add_user(User(local.ids.next(), f"walker-{n}")) for n in range(40)]
    core = streaks_of(app).core
    for person in people:
        await core.join(person.id, world.guild.id, zone, at)
    clock.shift(timedelta(minutes=5))
    await join(d)  # a member who is not due
    before = len(local.requests)
    wave = asyncio.create_task(running.bot.get_cog("StreakCog").send_due_reminders())
    checkin = await d.run("/checkin", {"minutes": 10})
    assert "Checked in for today" in checkin.reply.text() and not checkin.failed
    assert await wave >= 40  # (a reminder of an earlier test's member may be due too)
    assert all(len(d.dms(person)) == 1 for person in people)
    theirs = {person.id for person in people}
    paths = {f"/api/v10/channels/{local.dm_channels[p.id]}/messages" for p in people}
    times = sorted(
        r.at
        for r in local.requests[before:]
        if (r.route == OPEN_DM and r.subject in theirs) or r.path in paths
    )
    assert len(times) == 80
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= REMINDER_REQUESTS_PER_SECOND + 4 + 2  # rate + burst, and transit slack


async def test_a_milestone_is_announced_for_a_public_member(d: Driver, world: World, clock) -> None:
    await d.run(
        "/config channel", {"option": "checkin_channel", "channel": "#checkins"}, who="owner"
    )
    await join(d)
    await d.run("/streak settings", {"public": True})
    for day in range(3):
        if day:
            clock.shift(timedelta(days=1))
        await d.run("/checkin", {"minutes": 5})
    [milestone] = d.history("checkins")
    assert f"<@{world.user('member').id}> has moved on 3 days in a row" in milestone.text()


async def test_the_pinned_button_needs_manage_server_and_works_for_everyone(
    d: Driver, world: World
) -> None:
    # A sub-command cannot carry default permissions on Discord: the bot's check refuses.
    refused = await d.run("/streak pin", who="member")
    assert "Manage Server" in refused.reply.text()
    told = await d.run("/streak pin", who="owner")
    assert "/config channel checkin_channel" in told.reply.text()
    await d.run(
        "/config channel", {"option": "checkin_channel", "channel": "#checkins"}, who="owner"
    )
    world.add_role("Managers", bits("manage_guild"), above="moderators")
    world.set_roles("moderator", "moderators", "managers")
    world.override("general", "managers", deny=bits("manage_guild"))  # not in this channel
    refused = await d.run("/streak pin", who="moderator", where="general")
    assert "Manage Server" in refused.reply.text() and not d.history("checkins")
    posted = await d.run("/streak pin", who="owner")
    assert "Posted the check-in button" in posted.reply.text()
    [pin] = d.history("checkins")
    newcomer = await d.click(pin, "I moved today", who="admin")
    assert "/streak join" in newcomer.reply.text()
    await join(d)
    moved = await d.click(pin, "I moved today", who="member")
    assert "Checked in for today" in moved.reply.text()


async def test_the_weekly_summary_is_posted_once_without_names(
    d: Driver, world: World, clock, running
) -> None:
    await d.run(
        "/config channel", {"option": "checkin_channel", "channel": "#checkins"}, who="owner"
    )
    await join(d)
    await d.run("/checkin", {"minutes": 20})
    clock.shift(timedelta(days=7))
    cog = running.bot.get_cog("StreakCog")
    await cog.post_weekly_summaries()
    await cog.post_weekly_summaries()
    [summary] = d.history("checkins")
    assert "1 member moved, on 1 day in all, for 20 minutes" in summary.text()
    assert str(world.user("member").id) not in summary.text()


async def test_settings_rest_and_leave(d: Driver, world: World, app) -> None:
    await join(d, zone="Europe/Paris", reminder="08:00")
    bad = await d.run("/streak settings", {"reminder": "25:00"})
    assert "like 19:30 or 7:30pm" in bad.reply.text()
    member = await streaks_of(app).core.member(world.user("member").id)
    assert member is not None and member.reminder_time == "~08:00"  # unchanged
    early = await d.run("/streak rest", {"day": "yesterday", "reason": "fatigue"})
    assert "before your streak began" in early.reply.text() and early.reply.ephemeral
    await d.run("/checkin", {"minutes": 5})
    asked = await d.run("/streak leave")
    assert "Tracking stopped" in asked.reply.text()
    deleted = await d.click(asked.reply, "Yes, delete my history")
    assert "history is deleted" in deleted.text
    assert (
        await app.db.fetchval(
            "SELECT COUNT(*) FROM streak_days WHERE user_id = ?", (world.user("member").id,)
        )
        == 0
    )


async def test_joining_asks_first_and_explains_bad_input(d: Driver, world: World, app) -> None:
    preview = await d.run("/streak join", {"zone": "Europe/Paris", "reminder": "19:30"})
    assert "opt-in" in preview.reply.text()
    cancelled = await d.click(preview.reply, "Cancel")
    assert "Cancelled: nothing was stored." in cancelled.text
    assert all(c.get("disabled") for row in preview.reply.components for c in row["components"])
    assert await streaks_of(app).core.member(world.user("member").id) is None
    for values, expected in (
        ({"zone": "Atlantis/Capital"}, "time zone"),
        ({"zone": "Europe/Paris", "reminder": "25:00"}, "like 19:30 or 7:30pm"),
    ):
        refused = await d.run("/streak join", values)
        assert expected in refused.reply.text() and not refused.reply.components
    await join(d, zone="Europe/Paris", reminder="19:30")
    member = await streaks_of(app).core.member(world.user("member").id)
    assert member is not None and member.reminder_time == "~19:30"
    too_much = await d.run("/checkin", {"minutes": 700})
    assert "1 to 600" in too_much.reply.text()


async def test_status_before_joining_answers_after_its_deferral(d: Driver, world: World) -> None:
    shown = await d.run("/streak status")  # deferred first, then an error: a followup
    assert not shown.failed and shown.reply.ephemeral and "/streak join" in shown.reply.text()


async def test_the_reminders_buttons(
    d: Driver, world: World, local: LocalDiscord, clock, running
) -> None:
    zone = _daytime_zone()
    await join(d, zone=zone, reminder=f"{soon(zone)} exactly")
    clock.shift(timedelta(minutes=5))
    await running.bot.get_cog("StreakCog").send_due_reminders()
    [reminder] = d.dms("member")
    labels = [c["label"] for row in reminder.components for c in row["components"]]
    assert labels == ["I moved today", "Rest day", "Pause reminders for a week"]
    rested = await d.click(reminder, "Rest day")
    assert "Rest day noted" in rested.reply.text()
    paused = await d.click(reminder, "Pause reminders for a week")
    assert "No reminders until" in paused.reply.text()


async def test_a_deleted_account_gets_no_more_reminders(
    d: Driver, world: World, local: LocalDiscord, clock, running, app
) -> None:
    zone = _daytime_zone()
    await join(d, zone=zone, reminder=f"{soon(zone)} exactly")
    del local.users[world.user("member").id]  # the account is gone from Discord
    clock.shift(timedelta(minutes=5))
    await running.bot.get_cog("StreakCog").send_due_reminders()
    member = await streaks_of(app).core.member(world.user("member").id)
    assert member is not None and member.reminder_time is None  # not retried every day
    assert [r.split(": ")[1] for r in local.take_rejected()] == ["10013 Unknown User"]
