"""The /streak and /checkin cog: what members see, buttons after a restart, the DM loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.app import App
from bot.ratelimit import RateBudget
from bot.settings import Settings
from bot.streaks.delivery import DmClosedError, RetryLaterError, UnknownChannelError
from bot.streaks.feature import Streaks, streaks_of
from cogs.streaks import (
    CheckinCog,
    MovedButton,
    RestButton,
    SnoozeButton,
    StreakCog,
    delivery_error,
)
from tests.bot.streaks.conftest import MovableClock
from tests.helpers import (
    admin_permissions,
    click,
    invoke,
    make_channel,
    make_interaction,
    make_member,
    override_permissions,
)

USER = 1000


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))


@pytest.fixture
async def sapp(settings: Settings, clock: MovableClock) -> AsyncIterator[App]:
    async with App(settings, clock=clock) as app:
        yield app


@pytest.fixture
def s(sapp: App) -> Streaks:
    return streaks_of(sapp)


def fake_bot(app: App) -> MagicMock:
    bot = MagicMock()
    bot.app = app
    bot.rate_budget = RateBudget(40, 4, headroom=8)
    return bot


def dm_bot(app: App, channel_id: int = 555) -> tuple[MagicMock, MagicMock]:
    """A fake bot that opens DM channel ``channel_id``, and that channel."""
    bot = fake_bot(app)
    channel = MagicMock(spec=discord.PartialMessageable)
    channel.id = channel_id
    channel.send = AsyncMock()
    bot.create_dm = AsyncMock(return_value=channel)
    bot.get_partial_messageable = MagicMock(return_value=channel)
    return bot, channel


async def rebuilt(cls: Any, custom_id: str, interaction: Any) -> Any:
    """What discord.py does with a button press after a restart: rebuild from custom_id."""
    match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    return await cls.from_custom_id(interaction, MagicMock(), match)


async def test_checkin_before_joining_offers_to_join(sapp: App) -> None:
    interaction = make_interaction(sapp)
    await invoke(CheckinCog.checkin, CheckinCog(fake_bot(sapp)), interaction, minutes=10)
    assert "/streak join" in interaction.sent[0].text
    assert interaction.sent[0].ephemeral


async def test_join_needs_confirmation_and_stores_nothing_on_cancel(sapp: App, s: Streaks) -> None:
    cog = StreakCog(fake_bot(sapp))
    interaction = make_interaction(sapp, user=make_member(USER))
    task = asyncio.create_task(
        invoke(StreakCog.join, cog, interaction, zone="Europe/Paris", reminder="19:30")
    )
    await asyncio.sleep(0.05)
    assert "opt-in" in interaction.sent[0].text
    assert await s.core.member(USER) is None
    await click(interaction.sent[0].view.cancel, make_interaction(sapp, user=make_member(USER)))
    await task
    assert "Cancelled: nothing was stored." in interaction.sent[-1].text
    assert await s.core.member(USER) is None

    interaction = make_interaction(sapp, user=make_member(USER))
    task = asyncio.create_task(
        invoke(StreakCog.join, cog, interaction, zone="Europe/Paris", reminder="19:30")
    )
    await asyncio.sleep(0.05)
    await click(interaction.sent[0].view.confirm, make_interaction(sapp, user=make_member(USER)))
    await task
    assert "You're in" in interaction.sent[-1].text
    member = await s.core.member(USER)
    assert member is not None and member.reminder_time == "~19:30"


@pytest.mark.parametrize(
    ("zone", "reminder", "expected"),
    [("Atlantis/Capital", None, "time zone"), ("Europe/Paris", "25:00", "HH:MM")],
)
async def test_join_bad_input_is_explained(
    sapp: App, zone: str, reminder: str | None, expected: str
) -> None:
    interaction = make_interaction(sapp)
    await invoke(
        StreakCog.join, StreakCog(fake_bot(sapp)), interaction, zone=zone, reminder=reminder
    )
    assert expected in interaction.sent[0].text and interaction.sent[0].view is None


async def test_checkin_minutes_out_of_range(sapp: App, s: Streaks) -> None:
    await s.core.join(USER, 1, "Europe/Paris", None)
    interaction = make_interaction(sapp, user=make_member(USER))
    await invoke(CheckinCog.checkin, CheckinCog(fake_bot(sapp)), interaction, minutes=700)
    assert "1 to 600" in interaction.sent[0].text


async def test_moved_button_works_after_restart_and_double_tap(sapp: App, s: Streaks) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "19:00")
    first = make_interaction(sapp, user=make_member(USER))
    button = await rebuilt(MovedButton, f"streak:moved:{USER}", first)
    await button.callback(first)
    second = make_interaction(sapp, user=make_member(USER))
    await (await rebuilt(MovedButton, f"streak:moved:{USER}", second)).callback(second)
    assert "Checked in for today" in first.sent[0].text
    assert "already checked in" in second.sent[0].text
    rows = await sapp.db.fetchval("SELECT checkins FROM streak_days WHERE user_id = ?", (USER,))
    assert rows == 1


async def test_reminder_buttons_belong_to_their_member(sapp: App, s: Streaks) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "19:00")
    stranger = make_interaction(sapp, user=make_member(2000))
    await (await rebuilt(RestButton, f"streak:rest:{USER}", stranger)).callback(stranger)
    assert "sent to" in stranger.sent[0].text
    owner = make_interaction(sapp, user=make_member(USER))
    await (await rebuilt(RestButton, f"streak:rest:{USER}", owner)).callback(owner)
    assert "Rest day noted" in owner.sent[0].text
    snooze = make_interaction(sapp, user=make_member(USER))
    await (await rebuilt(SnoozeButton, f"streak:snooze:{USER}", snooze)).callback(snooze)
    assert "No reminders until" in snooze.sent[0].text


async def test_pinned_button_for_a_member_who_has_not_joined(sapp: App) -> None:
    interaction = make_interaction(sapp, user=make_member(3000))
    await (await rebuilt(MovedButton, "streak:moved:0", interaction)).callback(interaction)
    assert "/streak join" in interaction.sent[0].text


async def test_reminder_loop_sends_dm_with_buttons(
    sapp: App, s: Streaks, clock: MovableClock
) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "19:00 exactly")
    bot, channel = dm_bot(sapp)
    clock.set(2026, 3, 2, 18, 0)
    assert await StreakCog(bot).send_due_reminders() == 1
    kwargs = channel.send.await_args.kwargs
    labels = [item.item.label for item in kwargs["view"].children]
    assert labels == ["I moved today", "Rest day", "Pause reminders for a week"]
    assert await StreakCog(bot).send_due_reminders() == 0  # not twice


async def test_reminder_dm_channel_is_stored_then_reused(
    sapp: App, s: Streaks, clock: MovableClock
) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "19:00 exactly")
    bot, _channel = dm_bot(sapp, channel_id=555)
    clock.set(2026, 3, 2, 18, 0)
    assert await StreakCog(bot).send_due_reminders() == 1
    bot.create_dm.assert_awaited_once()  # first reminder: open the DM, then send
    member = await s.core.member(USER)
    assert member is not None and member.dm_channel_id == 555
    clock.set(2026, 3, 3, 18, 0)
    assert await StreakCog(bot).send_due_reminders() == 1
    bot.create_dm.assert_awaited_once()  # next day: one request, to the stored channel
    bot.get_partial_messageable.assert_called_with(555, type=discord.ChannelType.private)


async def test_stale_dm_channel_is_opened_again_once(
    sapp: App, s: Streaks, clock: MovableClock
) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "19:00 exactly")
    async with sapp.db.write() as conn:
        await conn.execute("UPDATE streak_members SET dm_channel_id = 444")
    bot, channel = dm_bot(sapp, channel_id=555)
    gone = MagicMock(spec=discord.PartialMessageable)
    gone.send = AsyncMock(side_effect=discord.NotFound(MagicMock(status=404), "unknown"))
    bot.get_partial_messageable = MagicMock(
        side_effect=lambda cid, **_: gone if cid == 444 else channel
    )
    clock.set(2026, 3, 2, 18, 0)
    assert await StreakCog(bot).send_due_reminders() == 1
    channel.send.assert_awaited_once()
    member = await s.core.member(USER)
    assert member is not None and member.dm_channel_id == 555


async def test_closed_dms_turn_reminders_off_and_notice_shows_next_time(
    sapp: App, s: Streaks, clock: MovableClock
) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "19:00 exactly")
    bot, channel = dm_bot(sapp)
    channel.send = AsyncMock(side_effect=discord.Forbidden(MagicMock(status=403), "closed"))
    clock.set(2026, 3, 2, 18, 0)
    assert await StreakCog(bot).send_due_reminders() == 0
    member = await s.core.member(USER)
    assert member is not None and member.reminder_time is None and member.dm_channel_id is None
    interaction = make_interaction(sapp, user=make_member(USER))
    await invoke(CheckinCog.checkin, CheckinCog(bot), interaction)
    assert "direct messages are closed" in interaction.sent[0].text


async def test_a_deleted_account_gets_no_more_reminders(
    sapp: App, s: Streaks, clock: MovableClock
) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "19:00 exactly")
    bot, _ = dm_bot(sapp)
    bot.create_dm = AsyncMock(side_effect=discord.NotFound(MagicMock(status=404), "unknown"))
    clock.set(2026, 3, 2, 18, 0)
    assert await StreakCog(bot).send_due_reminders() == 0
    member = await s.core.member(USER)
    assert member is not None and member.reminder_time is None  # not retried every day


async def test_a_failed_tick_does_not_stop_the_reminder_loop(
    sapp: App, s: Streaks, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "19:00 exactly")
    bot, channel = dm_bot(sapp)
    cog = StreakCog(bot)
    broken = AsyncMock(side_effect=RuntimeError("database is locked"))
    monkeypatch.setattr(s.reminders, "claim_due", broken)
    clock.set(2026, 3, 2, 18, 0)
    await cog.reminder_loop.coro(cog)  # logged, not raised: discord.py keeps the loop running
    monkeypatch.undo()
    await cog.reminder_loop.coro(cog)  # the next tick sends it
    channel.send.assert_awaited_once()


def test_discord_errors_map_to_what_the_sender_does() -> None:
    def http_error(cls: type[discord.HTTPException], status: int, **headers: str) -> Any:
        return cls(MagicMock(status=status, headers=headers), "x")

    assert isinstance(delivery_error(http_error(discord.Forbidden, 403)), DmClosedError)
    assert isinstance(delivery_error(http_error(discord.NotFound, 404)), UnknownChannelError)
    limited = delivery_error(http_error(discord.HTTPException, 429, **{"Retry-After": "2.5"}))
    assert isinstance(limited, RetryLaterError) and limited.retry_after == 2.5
    assert isinstance(delivery_error(http_error(discord.DiscordServerError, 503)), RetryLaterError)
    assert isinstance(delivery_error(discord.RateLimited(7.0)), RetryLaterError)
    assert isinstance(delivery_error(TimeoutError()), RetryLaterError)
    bad_request = http_error(discord.HTTPException, 400)
    assert delivery_error(bad_request) is None  # a real error: raised as it is, logged


async def test_status_sends_picture_with_alt_text_and_cleans_up(sapp: App, s: Streaks) -> None:
    await s.core.join(USER, 1, "Europe/Paris", None)
    await s.core.checkin(USER, 15)
    interaction = make_interaction(sapp, user=make_member(USER))
    await invoke(StreakCog.status, StreakCog(fake_bot(sapp)), interaction)
    sent = interaction.sent[-1]
    assert (
        sent.files and sent.files[0].description and "moved on 1 day" in sent.files[0].description
    )
    assert "Current streak: 1 day" in sent.text and "Since you joined" in sent.text
    assert sent.ephemeral
    assert not __import__("pathlib").Path(sent.files[0].fp.name).exists()


async def test_milestone_posted_in_checkin_channel_for_public_member(
    sapp: App, s: Streaks, clock: MovableClock
) -> None:
    await sapp.config.set_value(1, "checkin_channel", 777)
    await s.core.join(USER, 1, "Europe/Paris", None, public=True)
    for day in (2, 3):
        clock.set(2026, 3, day, 12)
        await s.core.checkin(USER)
    clock.set(2026, 3, 4, 12)
    channel = make_channel(777)
    interaction = make_interaction(sapp, user=make_member(USER))
    interaction.client.get_channel = MagicMock(return_value=channel)
    await invoke(CheckinCog.checkin, CheckinCog(fake_bot(sapp)), interaction, minutes=5)
    embed = channel.send.await_args.kwargs["embed"]
    assert "3 days in a row" in embed.description


async def test_pin_needs_manage_server_and_a_channel(sapp: App) -> None:
    cog = StreakCog(fake_bot(sapp))
    member = make_member(USER)
    interaction = make_interaction(sapp, user=member)
    await invoke(StreakCog.pin, cog, interaction)
    assert "Manage Server" in interaction.sent[0].text
    admin = make_member(USER, permissions=admin_permissions())
    interaction = make_interaction(sapp, user=admin)
    await invoke(StreakCog.pin, cog, interaction)
    assert "/config channel checkin_channel" in interaction.sent[0].text
    await sapp.config.set_value(interaction.guild_id, "checkin_channel", 888)
    channel = make_channel(888)
    interaction = make_interaction(sapp, user=admin)
    interaction.guild.get_channel = MagicMock(return_value=channel)
    await invoke(StreakCog.pin, cog, interaction)
    view = channel.send.await_args.kwargs["view"]
    assert [item.item.label for item in view.children] == ["I moved today"]
    assert "Posted" in interaction.sent[0].text


async def test_settings_bad_reminder_keeps_old_value(sapp: App, s: Streaks) -> None:
    await s.core.join(USER, 1, "Europe/Paris", "08:00")
    interaction = make_interaction(sapp, user=make_member(USER))
    await invoke(StreakCog.settings, StreakCog(fake_bot(sapp)), interaction, reminder="25:00")
    assert "HH:MM" in interaction.sent[0].text
    member = await s.core.member(USER)
    assert member is not None and member.reminder_time == "~08:00"


async def test_leave_then_delete_history(sapp: App, s: Streaks) -> None:
    await s.core.join(USER, 1, "Europe/Paris", None)
    await s.core.checkin(USER, 5)
    interaction = make_interaction(sapp, user=make_member(USER))
    task = asyncio.create_task(invoke(StreakCog.leave, StreakCog(fake_bot(sapp)), interaction))
    await asyncio.sleep(0.05)
    assert "Tracking stopped" in interaction.sent[0].text
    await click(interaction.sent[0].view.confirm, make_interaction(sapp, user=make_member(USER)))
    await task
    assert "history is deleted" in interaction.sent[-1].text
    assert await sapp.db.fetchval("SELECT COUNT(*) FROM streak_days") == 0


async def test_weekly_summary_posted_once_without_private_names(
    sapp: App, s: Streaks, clock: MovableClock
) -> None:
    await sapp.config.set_value(1, "checkin_channel", 999)
    await s.core.join(USER, 1, "Europe/Paris", None)
    await s.core.checkin(USER, 20)
    clock.set(2026, 3, 9, 12)
    bot = fake_bot(sapp)
    channel = make_channel(999)
    guild = MagicMock(spec=discord.Guild)
    guild.id = 1
    guild.get_channel = MagicMock(return_value=channel)
    bot.guilds = [guild]
    cog = StreakCog(bot)
    await cog.post_weekly_summaries()
    await cog.post_weekly_summaries()
    assert channel.send.await_count == 1
    embed = channel.send.await_args.kwargs["embed"]
    assert "1 member moved, on 1 day in all, for 20 minutes" in embed.description
    assert f"<@{USER}>" not in str(embed.to_dict())


async def test_rest_yesterday_before_joining_is_a_friendly_error(sapp: App, s: Streaks) -> None:
    await s.core.join(USER, 1, "Europe/Paris", None)
    interaction = make_interaction(sapp, user=make_member(USER))
    await invoke(
        StreakCog.rest, StreakCog(fake_bot(sapp)), interaction, reason="fatigue", day="yesterday"
    )
    assert "before your streak began" in interaction.sent[0].text
    assert interaction.sent[0].ephemeral
    assert await sapp.db.fetchval("SELECT COUNT(*) FROM streak_days") == 0


async def test_pin_respects_a_channel_override(sapp: App) -> None:
    cog = StreakCog(fake_bot(sapp))
    admin = make_member(USER, permissions=admin_permissions())
    channel = make_channel(5)
    override_permissions(channel, admin, discord.Permissions(send_messages=True))
    interaction = make_interaction(sapp, user=admin, channel=channel)
    await invoke(StreakCog.pin, cog, interaction)
    assert "Manage Server" in interaction.sent[0].text
