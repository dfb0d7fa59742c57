"""The bot's lifecycle on the wire: a graceful stop with a handler still running, and the
3-second rule for a slow command that defers in time (and one that does not)."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.local_discord import Driver, LocalDiscord, World
from bot.streaks.feature import streaks_of
from tests.e2e.test_streaks_more import join

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_stop_lets_a_running_command_finish_then_closes(
    d: Driver, world: World, running, restart, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = running.app
    started = asyncio.Event()
    export = app.privacy.export_json

    async def slow_export(user_id: int) -> bytes:
        started.set()
        await asyncio.sleep(1.0)  # still working when the stop (SIGTERM) arrives
        return await export(user_id)

    monkeypatch.setattr(app.privacy, "export_json", slow_export)
    command = asyncio.create_task(d.run("/mydata export"))
    await started.wait()
    await running.stop()  # MSBot.shutdown(), what SIGTERM runs
    shown = await command
    assert not shown.failed and "I sent your data to you" in shown.reply.text()
    [dm] = d.dms("member")
    assert dm.attachments[0].filename.endswith(".json")
    assert running.task.done() and not app.db.is_open  # then everything closed
    await restart()
    assert "What I can do" in (await d.run("/help")).reply.text()


async def test_a_slow_command_that_defers_in_time_answers_after_the_deadline(
    d: Driver, world: World, local: LocalDiscord, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    await join(d)
    await d.run("/checkin", {"minutes": 10})
    core = streaks_of(app).core
    status, checkin = core.status, core.checkin

    async def slow_status(user_id: int):
        await asyncio.sleep(1.5)
        return await status(user_id)

    async def slow_checkin(*args, **kwargs):
        await asyncio.sleep(1.5)
        return await checkin(*args, **kwargs)

    monkeypatch.setattr(core, "status", slow_status)
    monkeypatch.setattr(core, "checkin", slow_checkin)
    local.timing.first_response, saved = 1.0, local.timing.first_response
    try:
        deferred = await d.run("/streak status")  # defers at once, answers 1.5 s later
        late = await d.run("/checkin", {"minutes": 5})  # answers only after 1.5 s
    finally:
        local.timing.first_response = saved
    assert not deferred.failed and "Current streak: 1 day" in deferred.reply.text()
    assert deferred.reply.attachments  # the picture came with the late answer
    assert late.failed and late.reply is None  # "The application did not respond"
    for _ in range(500):  # the bot's answer arrives after the member gave up: refused
        if any("10062 Unknown interaction" in r for r in local.rejected):
            break
        await asyncio.sleep(0.02)
    await d.quiet()
    # Once: the error handler does not try again to answer an interaction that is over.
    assert ["10062 Unknown interaction" in r for r in local.take_rejected()] == [True]


async def test_the_driver_waits_for_a_slow_event_handler(d: Driver, world: World, running) -> None:
    """Quiet means the bot handled what it was sent: a handler still at work when the settle
    time has passed (a slow, loaded machine) is waited for, not missed."""

    async def slow_handler(message: discord.Message) -> None:
        if message.content == "a slow one":
            await asyncio.sleep(d.settle * 5)  # far past the settle time, with no request
            await message.channel.send("handled")

    running.bot.add_listener(slow_handler, "on_message")
    try:
        shown = await d.post("general", "member", "a slow one")
    finally:
        running.bot.remove_listener(slow_handler, "on_message")
    assert [m.content for m in shown.messages if m.author.id == running.bot.user.id] == ["handled"]
