"""The moderation review flow through real discord.py: scan, card, decisions, reports, restart."""

from __future__ import annotations

import asyncio

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
    for shown in (
        "WhatsApp",
        "years old",
        "Jump to message",
        "link written to dodge filters",
        "Open",
    ):
        assert shown in card.text(), shown
    assert card_buttons(card) == [
        "Delete message",
        "Dismiss (not spam)",
        "Timeout author",
        "Ban author",
        "Details",
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


async def test_old_messages_work_after_a_restart(d: Driver, world: World, restart) -> None:
    """Cards, shared articles, a reminder's buttons and the public help: their buttons are
    rebuilt from their custom ids alone; an old message edited into a scam is still caught
    (discord.py has it no more in its cache)."""
    scam, card = await flag_a_scam(d)
    shared = (await d.run("/article share", {"article": "mobility-aids"})).reply
    [help_post] = [
        m
        for m in (await d.post("general", "member", f"<@{world.local.bot_user.id}> help")).messages
        if m.author.bot
    ]
    [quiet] = (await d.post("general", "member", "hello everyone")).in_channel(d.channel("general"))
    [warning] = (await d.post("general", "moderator", "Beware of fake cures")).messages
    [link] = (await d.post("general", "member", "https://www.nationalmssociety.org/news")).messages
    await restart()
    await d.click(card, "Dismiss (not spam)", who="moderator")
    assert f"by <@{world.user('moderator').id}>" in card.text()
    assert card_buttons(card) == ["Details"]
    assert scam in d.history("general")
    rated = await d.click(shared, "4 stars", who="moderator")
    assert "You rated 4/5" in rated.reply.text()
    page = await d.click(help_post, "Exercise streaks", who="moderator")
    assert "/streak join" in page.reply.text()
    edited = await d.edit(quiet, SCAM)
    assert edited.in_channel(d.channel("mod-review"))
    previewed = await d.unfurl(link, [{"title": "Herbal cure", "description": SCAM}])
    assert previewed.in_channel(d.channel("mod-review"))  # a late preview of an old message
    quoted = await d.edit(warning, f"Beware of fake cures like: {SCAM}")  # moderators are not
    assert not quoted.in_channel(d.channel("mod-review"))  # scanned, cached or not


async def test_moderators_bots_and_clean_messages_are_not_flagged(
    d: Driver, world: World, local
) -> None:
    from bot.local_discord.model import Member, User

    await use_review_channel(d)
    await d.post("general", "member", "Ocrevus infusion went fine today")
    await d.post("general", "moderator", SCAM)  # moderators quote scams to warn others
    helper_bot = local.add_user(User(local.ids.next(), "another-bot", bot=True))
    world.guild.members[helper_bot.id] = Member(helper_bot)
    await d.post("general", helper_bot, SCAM)
    assert not d.history("mod-review")


async def test_an_edit_into_a_scam_is_flagged(d: Driver, world: World) -> None:
    await use_review_channel(d)
    [message] = (await d.post("general", "member", "hello everyone")).messages
    edited = await d.edit(message, SCAM)
    [card] = edited.in_channel(d.channel("mod-review"))
    assert "WhatsApp" in card.text()


async def test_two_reports_make_one_card_with_a_count(d: Driver, world: World) -> None:
    await use_review_channel(d)
    [rude] = (await d.post("general", "member", "you are all idiots")).messages
    world.add_person("reader")
    cards = []
    for reporter in ("admin", "reader"):
        opened = await d.menu("Report to moderators", rude, who=reporter)
        thanked = await d.submit_modal(opened, ["rude"])
        assert "Thank you" in thanked.reply.text() and thanked.reply.ephemeral
        cards += thanked.in_channel(d.channel("mod-review"))
    again = await d.submit_modal(await d.menu("Report to moderators", rude, who="reader"), [""])
    assert "already reported" in again.reply.text()
    assert len(d.history("mod-review")) == 1 and "2 reports" in cards[-1].text()
    assert not d.dms("member")  # the author is never told


async def test_auto_hide_removes_a_scam_and_restore_reposts_it(d: Driver, world: World) -> None:
    for option, value in (("moderation_auto_hide", "on"), ("moderation_auto_hide_multiple", "1")):
        await d.run("/config set", {"option": option, "value": value}, who="owner")
    scam, card = await flag_a_scam(d)
    assert scam not in d.history("general") and card_buttons(card)[0] == "Restore message"
    done = await d.click(card, "Restore message", who="moderator")
    assert "restored" in card.text().lower() and not done.failed
    [repost] = [m for m in d.history("general") if m.author.bot]
    assert SCAM in repost.text() and f"<@{world.user('member').id}>" in repost.text()


async def test_moderator_commands(d: Driver, world: World) -> None:
    await flag_a_scam(d)
    queue = await d.run("/modqueue", who="moderator")
    assert "1 open" in queue.reply.text() and queue.reply.ephemeral
    stats = await d.run("/modstats", {"days": 7}, who="moderator")
    assert "last 7 days" in stats.reply.text()
    check = await d.run(
        "/moderation check", {"text": "visit ww w. someclinic. c om"}, who="moderator"
    )
    assert "dodge" in check.reply.text()


async def dismiss_a_promotion(d: Driver) -> Message:
    """Flag a post with two links, dismiss it: the "trust these?" menu the moderator gets."""
    await use_review_channel(d)
    await d.post(
        "general",
        "member",
        "Great recipes at https://myfoodblog.example.com check out my channel "
        "and https://other.example.org",
    )
    review = d.channel("mod-review")
    card = await d.wait_for(lambda m: m.channel_id == review.id and "Flagged" in m.text())
    [offer] = (await d.click(card, "Dismiss (not spam)", who="moderator")).followups
    assert "trust" in offer.text()
    return offer


async def test_dismiss_offers_to_trust_the_domain(d: Driver, world: World, app) -> None:
    from bot.moderation.feature import service_of

    offer = await dismiss_a_promotion(d)
    chosen = await d.select(offer, ["Trust domain: example.com"], who="moderator")
    assert "now a trusted domain" in chosen.text
    assert "example.com" in (await service_of(app).guild_rules(world.guild.id)).trusted_domains


async def test_a_report_while_a_moderator_decides_leaves_the_card_to_them(
    d: Driver, world: World, local
) -> None:
    """Discord is slow to delete; a report of the same message arrives meanwhile."""
    scam, card = await flag_a_scam(d)
    opened = await d.menu("Report to moderators", scam, who="admin")
    local.inject("DELETE", "/channels/{channel_id}/messages/{message_id}", delay=0.8)
    deleting = asyncio.create_task(d.click(card, "Delete message", who="moderator"))
    await asyncio.sleep(0.3)  # the deletion is on its way to Discord
    reported = await d.submit_modal(opened, [""])
    assert "Thank you" in reported.reply.text()
    await deleting
    assert len(d.history("mod-review")) == 1  # no second card
    card_path = f"/api/v10/channels/{card.channel_id}/messages/{card.id}"
    assert not [r for r in local.requests if r.path == card_path]  # nor buttons put back
    assert "Message deleted" in card.text() and card_buttons(card) == ["Details"]


async def test_a_refusal_from_discord_leaves_the_flag_to_the_next_moderator(
    d: Driver, world: World, local
) -> None:
    from bot.local_discord.errors import missing_permissions

    scam, card = await flag_a_scam(d)
    # The bot's cache still says it may delete; Discord, changed a moment ago, says no.
    local.inject(
        "DELETE", "/channels/{channel_id}/messages/{message_id}", error=missing_permissions()
    )
    refused = await d.click(card, "Delete message", who="moderator")
    assert "Discord would not let me" in refused.reply.text()
    assert scam in d.history("general") and "Delete message" in card_buttons(card)
    assert [r.split(": ")[1] for r in local.take_rejected()] == ["50013 Missing Permissions"]
    await d.click(card, "Dismiss (not spam)", who="moderator")
    assert "Dismissed (not spam) by" in card.text()


async def test_a_dismissed_message_reopens_only_on_a_real_change(d: Driver, world: World) -> None:
    scam, card = await flag_a_scam(d)
    await d.click(card, "Dismiss (not spam)", who="moderator")
    await d.unfurl(scam, [])  # an update that changes nothing a scammer wrote
    assert card_buttons(card) == ["Details"]
    await d.edit(scam, SCAM + " ask for the herbal formula")
    assert "Delete message" in card_buttons(card)  # open again, on the same card
    assert len(d.history("mod-review")) == 1
