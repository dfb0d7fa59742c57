"""Articles, streaks, /config and /mydata through real discord.py, as members use them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.local_discord import Driver, LocalDiscord, World

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_config_channel_sets_and_shows(d: Driver, world: World) -> None:
    shown = await d.run(
        "/config channel",
        {"option": "article_feedback_channel", "channel": "#article-feedback"},
        who="owner",
    )
    channel_id = world.channel("article-feedback").id
    assert f"article_feedback_channel is now <#{channel_id}>" in shown.reply.text()
    assert shown.reply.ephemeral
    assert f"<#{channel_id}>" in (await d.run("/config show", who="owner")).reply.text()
    choices = await d.autocomplete("/config channel", "option", {"option": "review"}, who="owner")
    assert [c["value"] for c in choices] == ["moderation_review_channel"]


async def test_share_rate_and_low_rating_feedback_reaches_the_editors(
    d: Driver, world: World
) -> None:
    await d.run(
        "/config channel",
        {"option": "article_feedback_channel", "channel": "#article-feedback"},
        who="owner",
    )
    shared = await d.run("/article share", {"article": "fatigue-and-weakness"}, who="member")
    post = shared.reply
    assert not post.ephemeral and post in d.history("general")
    assert "Fatigue and weakness" in post.text()

    rated = await d.click(post, "5 stars", who="moderator")
    assert rated.reply.ephemeral and "You rated 5/5" in rated.reply.text()

    low = await d.click(post, "2 stars", who="member")
    assert low.modal is not None and "rated 2/5" in low.modal["title"]
    thanked = await d.submit_modal(low, ["The tips were too vague for me"])
    assert "passed to the editors" in thanked.reply.text() and thanked.reply.ephemeral
    [posted] = thanked.in_channel(world.channel("article-feedback"))
    assert "The tips were too vague for me" in posted.text() and "2/5" in posted.text()
    assert f"<@{world.user('member').id}>" in posted.text()  # the editors can ask them

    editors = await d.run("/article feedback", who="moderator")
    assert "The tips were too vague" in editors.reply.text()
    resolved = await d.select(
        editors.reply,
        [editors.reply.components[0]["components"][0]["options"][0]["label"]],
        who="moderator",
    )
    assert "is resolved" in resolved.text


def _daytime_zone() -> str:
    """A zone where it is daytime now, so a reminder a few minutes ahead stays on today."""
    for name in ("UTC", "Asia/Tokyo", "America/New_York", "Asia/Kolkata"):
        if 3 <= datetime.now(ZoneInfo(name)).hour <= 20:
            return name
    return "UTC"


async def test_join_then_check_in_from_the_reminder_dm(
    d: Driver, world: World, clock, running
) -> None:
    zone = _daytime_zone()
    at = (datetime.now(ZoneInfo(zone)) + timedelta(minutes=2)).strftime("%H:%M")
    preview = await d.run("/streak join", {"zone": zone, "reminder": f"{at} exactly"}, who="member")
    assert "Join streaks?" in preview.reply.text() and preview.reply.ephemeral
    joined = await d.click(preview.reply, "Yes, join", who="member")
    assert f"remind you at {at} exactly" in joined.text

    clock.shift(timedelta(minutes=5))
    cog = running.bot.get_cog("StreakCog")
    await cog.send_due_reminders()  # the reminder loop's tick, now rather than in a minute
    [reminder] = d.dms("member")
    assert "Daily check-in" in reminder.text()
    moved = await d.click(reminder, "I moved today", who="member")
    assert "Checked in for today" in moved.reply.text()
    again = await d.click(reminder, "I moved today", who="member")
    assert "already" in again.reply.text()
    assert "Current streak: 1 day" in (await d.run("/streak status", who="member")).text


async def test_checkin_options_are_checked_like_discord_does(d: Driver) -> None:
    from bot.local_discord.options import InputError

    with pytest.raises(InputError, match="at most 365"):
        await d.run("/modstats", {"days": 400}, who="moderator")
    with pytest.raises(InputError, match="enter a number"):
        await d.run("/modstats", {"days": "ten"}, who="moderator")
    with pytest.raises(InputError, match="today, yesterday"):
        await d.run("/streak rest", {"day": "tomorrow"})
    with pytest.raises(InputError, match="access"):
        await d.run("/modstats", who="member")
    with pytest.raises(InputError, match="required"):
        await d.run("/article show")
    shown = await d.run("/checkin", {"minutes": 10, "activity": "walking"}, who="member")
    assert "/streak join" in shown.reply.text()  # not joined yet: a friendly pointer
    choices = await d.autocomplete("/checkin", "activity", {"activity": "wal"})
    assert [c["value"] for c in choices] == ["walking"]


async def test_mydata_export_and_delete(d: Driver, world: World, app) -> None:
    await d.run("/article rate", {"article": "mobility-aids", "stars": 4}, who="member")
    exported = await d.run("/mydata export", who="member")
    assert "direct message" in exported.reply.text()
    [dm] = d.dms("member")
    [attachment] = dm.attachments
    data = json.loads(attachment.data)
    assert data  # every feature's section, with the rating in it
    assert "4" in json.dumps(data)

    asked = await d.run("/mydata delete", who="member")
    assert asked.reply.ephemeral and "cannot be undone" in asked.reply.text()
    erased = await d.click(asked.reply, "Yes, erase my data", who="member")
    assert "Your data is erased" in erased.text
    after = json.loads(await app.privacy.export_json(world.user("member").id))
    assert "4" not in json.dumps(after.get("article_ratings", after))


async def test_mydata_delete_cancel_erases_nothing(d: Driver, world: World, app) -> None:
    await d.run("/article rate", {"article": "mobility-aids", "stars": 4}, who="member")
    asked = await d.run("/mydata delete", who="member")
    cancelled = await d.click(asked.reply, "Cancel", who="member")
    assert "Cancelled: nothing was erased." in cancelled.text
    assert "4" in (await app.privacy.export_json(world.user("member").id)).decode()


async def test_export_falls_back_to_private_reply_when_dms_are_closed(
    d: Driver, world: World, local: LocalDiscord
) -> None:
    world.user("member").dms_open = False
    shown = await d.run("/mydata export", who="member")
    assert "direct messages are closed" in shown.text
    assert any(a.filename.endswith(".json") for m in shown.messages for a in m.attachments)
    assert all(m.ephemeral for m in shown.messages)
    assert any("50007" in r for r in local.take_rejected())


async def test_late_first_response_is_refused_with_unknown_interaction(
    d: Driver, local: LocalDiscord
) -> None:
    local.timing.first_response, saved = 0.0, local.timing.first_response
    try:
        shown = await d.run("/help", who="member")
    finally:
        local.timing.first_response = saved
    assert shown.failed and shown.reply is None
    refused = local.take_rejected()
    assert any("10062 Unknown interaction" in r for r in refused), refused
