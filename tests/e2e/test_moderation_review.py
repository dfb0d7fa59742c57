"""The review card over time: its Details, two moderators at once, the retention purge, and a
flagged author erasing their data."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.local_discord import Driver, World
from bot.local_discord.permissions import bits
from bot.moderation.feature import service_of
from tests.e2e.test_moderation import card_buttons, flag_a_scam

pytestmark = pytest.mark.asyncio(loop_scope="session")

PHONE = "+2348012345678"


async def test_details_show_every_reason_to_moderators_only(d: Driver, world: World) -> None:
    _, card = await flag_a_scam(d)
    world.override("mod-review", "member", allow=bits("view_channel"))
    refused = await d.click(card, "Details", who="member")
    assert "Manage Messages" in refused.reply.text() and PHONE not in refused.text
    details = await d.click(card, "Details", who="moderator")
    assert details.reply.ephemeral and PHONE in details.reply.text()
    assert f'phone number: "{PHONE}"' in details.reply.text()  # each reason with what matched
    assert card_buttons(card)[-1] == "Details" and "Delete message" in card_buttons(card)


@pytest.mark.parametrize("round_", range(2))
async def test_two_moderators_at_once_exactly_one_decision_happens(
    d: Driver, world: World, app, round_: int
) -> None:
    scam, card = await flag_a_scam(d)
    world.add_person("moderator2", "moderators")
    delete, dismiss = await asyncio.gather(
        d.click(card, "Delete message", who="moderator"),
        d.click(card, "Dismiss (not spam)", who="moderator2"),
    )
    deleted = scam not in d.history("general")
    winner, loser = (delete, dismiss) if deleted else (dismiss, delete)
    assert "already handled" in loser.reply.text() or "right now" in loser.reply.text()
    assert loser.reply.ephemeral
    decided_by = world.user("moderator" if deleted else "moderator2").id
    status = "Message deleted" if deleted else "Dismissed (not spam)"
    assert f"{status} by <@{decided_by}>" in card.text() and card_buttons(card) == ["Details"]
    decisions = await app.db.fetchval(
        "SELECT COUNT(*) FROM moderation_decisions WHERE guild_id = ?", (world.guild.id,)
    )
    assert decisions == 1
    assert not winner.failed and not loser.failed


async def test_the_retention_purge_edits_old_cards_and_forgets_the_author(
    d: Driver, world: World, app, clock, running
) -> None:
    scam, card = await flag_a_scam(d)
    clock.shift(timedelta(days=app.settings.moderation_retention_days + 1))
    assert await service_of(app).purge_expired() >= 1
    cog = running.bot.get_cog("Moderation")
    await cog.redactor.redact_pending()  # its loop's tick, now rather than in 10 minutes
    days = app.settings.moderation_retention_days
    assert f"(text removed after {days} days)" in card.text()
    assert PHONE not in card.text() and "WhatsApp" not in card.text()
    assert str(world.user("member").id) not in card.text()
    for button in ("Ban author", "Timeout author"):  # nobody left to act on
        refused = await d.click(card, button, who="moderator")
        assert "identity was removed" in refused.reply.text()
    assert not world.guild.bans and not world.member("member").timed_out()
    details = await d.click(card, "Details", who="moderator")
    assert PHONE not in details.reply.text()
    await d.click(card, "Delete message", who="moderator")  # the message itself can still go
    assert scam not in d.history("general")


async def test_a_flagged_author_erasing_their_data_keeps_the_open_flag(
    d: Driver, world: World, app
) -> None:
    await d.run("/article rate", {"article": "mobility-aids", "stars": 4}, who="member")
    _, card = await flag_a_scam(d)
    asked = await d.run("/mydata delete", who="member")
    assert "reports about you" in asked.reply.text()
    await d.click(asked.reply, "Yes, erase my data", who="member")
    assert PHONE in card.text()  # the community's safety record stays until it is judged
    confirm = await d.click(card, "Ban author", who="moderator")
    await d.click(confirm.reply, "Yes, ban", who="moderator")
    assert world.user("member").id in world.guild.bans
    member = world.user("member").id
    exported = (await app.privacy.export_json(member)).decode()
    assert "mobility" not in exported  # their own data is gone


async def test_the_redaction_job_retries_a_failed_edit_and_skips_a_deleted_card(
    d: Driver, world: World, app, clock, running, local
) -> None:
    from bot.local_discord.errors import missing_access

    _, card = await flag_a_scam(d)
    other = "Stem cell clinic cured my MS, no prescription needed, WhatsApp +2348099999999"
    [gone] = (await d.post("general", "member", other)).in_channel(d.channel("mod-review"))
    service = service_of(app)
    clock.shift(timedelta(days=app.settings.moderation_retention_days + 1))
    await service.purge_expired()
    redactor = running.bot.get_cog("Moderation").redactor
    edit = "/channels/{channel_id}/messages/{message_id}"
    local.inject("PATCH", edit, error=missing_access(), times=100)  # Discord refuses for now
    await redactor.redact_pending()
    assert PHONE in card.text()  # not yet
    mine = {f.id for f in await service.cards_to_redact(limit=1000) if f.guild_id == world.guild.id}
    assert len(mine) == 2  # kept on the list: tried again next round
    local.faults.clear()
    local.take_rejected()
    local.delete(gone)  # a moderator removed that card meanwhile
    await redactor.redact_pending()
    assert "(text removed after" in card.text() and PHONE not in card.text()
    left = [f for f in await service.cards_to_redact(limit=1000) if f.guild_id == world.guild.id]
    assert left == []
    assert any("10008 Unknown Message" in r for r in local.take_rejected())
