"""The moderation review flow through real discord.py: scan, card, decisions, reports, restart."""

from __future__ import annotations

import pytest

from bot.local_discord import Driver, World
from bot.local_discord.model import Message, Overwrite
from bot.local_discord.permissions import bits

pytestmark = pytest.mark.asyncio(loop_scope="session")

SCAM = (
    "My herbal doctor cured my MS completely! Contact Dr Ogala on WhatsApp +2348012345678, "
    "ww w. herbalcure. c om"
)


async def use_review_channel(d: Driver) -> None:
    await d.run(
        "/config channel",
        {"option": "moderation_review_channel", "channel": "#mod-review"},
        who="owner",
    )


async def flag_a_scam(d: Driver, author: str = "member") -> tuple[Message, Message]:
    """Set the review channel, post a scam; return (the scam, its card in #mod-review)."""
    await use_review_channel(d)
    shown = await d.post("general", author, SCAM)
    [scam] = shown.in_channel(d.channel("general"))
    review = d.channel("mod-review")
    card = await d.wait_for(lambda m: m.channel_id == review.id and "Flagged message" in m.text())
    return scam, card


def card_buttons(card: Message) -> list[str]:
    return [c["label"] for row in card.components for c in row["components"]]


async def test_a_scam_gets_a_card_and_only_a_moderator_can_delete_it(
    d: Driver, world: World
) -> None:
    scam, card = await flag_a_scam(d)
    assert "WhatsApp" in card.text() and card_buttons(card)[:2] == [
        "Delete message",
        "Dismiss (not spam)",
    ]
    # A community helper who can read the review channel but lacks Manage Messages.
    world.channel("mod-review").overwrites.append(
        Overwrite(world.user("member").id, 1, allow=bits("view_channel"))
    )
    refused = await d.click(card, "Delete message", who="member")
    assert "Manage Messages" in refused.reply.text() and refused.reply.ephemeral
    assert scam in d.history("general")

    done = await d.click(card, "Delete message", who="moderator")
    assert scam not in d.history("general")
    moderator = world.user("moderator").id
    assert f"by <@{moderator}>" in card.text() and card_buttons(card) == ["Details"]
    assert not done.failed


async def test_timeout_asks_how_long(d: Driver, world: World) -> None:
    _, card = await flag_a_scam(d)
    asked = await d.click(card, "Timeout author", who="moderator")
    assert asked.reply.ephemeral and "How long" in asked.reply.text()
    await d.select(asked.reply, ["1 hour"], who="moderator")
    member = world.guild.members[world.user("member").id]
    assert member.timed_out()
    assert "timed out for 1 hour" in asked.reply.text()
    assert f"timed out by <@{world.user('moderator').id}>" in card.text()


async def test_ban_asks_to_confirm(d: Driver, world: World) -> None:
    _, card = await flag_a_scam(d)
    confirm = await d.click(card, "Ban author", who="moderator")
    assert "Ban <@" in confirm.reply.text()
    await d.click(confirm.reply, "Cancel", who="moderator")
    assert world.user("member").id not in world.guild.bans
    confirm = await d.click(card, "Ban author", who="moderator")
    await d.click(confirm.reply, "Yes, ban", who="moderator")
    assert world.user("member").id in world.guild.bans
    assert not any(m.author.id == world.user("member").id for m in d.history("general"))
    assert "banned" in confirm.reply.text()


async def test_report_to_moderators_from_the_message_menu(d: Driver, world: World) -> None:
    await use_review_channel(d)
    [message] = (await d.post("general", "admin", "Selling my old wheelchair, DM me")).messages
    opened = await d.menu("Report to moderators", message, who="member")
    assert opened.modal is not None and opened.modal["title"] == "Report to moderators"
    thanked = await d.submit_modal(opened, ["Looks like a sales pitch"])
    assert "Thank you" in thanked.reply.text() and thanked.reply.ephemeral
    [card] = thanked.in_channel(d.channel("mod-review"))
    details = await d.click(card, "Details", who="moderator")  # the card itself stays short
    assert "Looks like a sales pitch" in details.reply.text() and details.reply.ephemeral
    for shown in (card.text(), details.reply.text()):
        assert f"<@{world.user('member').id}>" not in shown  # reporters stay anonymous


async def test_old_cards_work_after_a_restart(d: Driver, world: World, restart) -> None:
    scam, card = await flag_a_scam(d)
    await restart()
    await d.click(card, "Dismiss (not spam)", who="moderator")
    assert f"by <@{world.user('moderator').id}>" in card.text()
    assert card_buttons(card) == ["Details"]
    assert scam in d.history("general")
