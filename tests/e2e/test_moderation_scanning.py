"""Everything a scammer controls is scanned (link previews, file names, polls, forum post
titles, display names), and Discord's own AutoMod, when switched on, blocks known-bad links
and lands what it blocked in the same review queue."""

from __future__ import annotations

import discord
import pytest

from bot.local_discord import Driver, LocalDiscord, World
from bot.local_discord.member_messages import poll
from bot.local_discord.model import Message
from bot.local_discord.permissions import bits
from bot.local_discord.world import BOT_ROLE
from bot.moderation.automod import RULE_NAME
from tests.e2e.test_moderation import SCAM, use_review_channel

pytestmark = pytest.mark.asyncio(loop_scope="session")

CLEAN = "Lovely weather for a walk today"
PHONE_PITCH = "Dr Okoh cured my MS, whatsapp him +2348135551234"


async def card_for(d: Driver, message: Message) -> Message:
    review = d.channel("mod-review")
    return await d.wait_for(lambda m: m.channel_id == review.id and f"/{message.id})" in m.text())


async def no_card(d: Driver) -> bool:
    await d.quiet()
    return not d.history("mod-review")


async def test_a_scam_in_a_link_preview_is_flagged(d: Driver, world: World) -> None:
    await use_review_channel(d)
    preview = {"title": "Miracle news", "description": SCAM, "url": "https://example.org/x"}
    message = (await d.post("general", "member", "look at this", embeds=[preview])).messages[0]
    card = await card_for(d, message)
    assert "(in the embed description)" in card.text()


async def test_a_preview_added_after_the_message_is_scanned_too(d: Driver, world: World) -> None:
    """Discord unfurls a link a moment later: an update with the preview, not an edit."""
    await use_review_channel(d)
    message = (
        await d.post("general", "member", "Good article: https://www.nationalmssociety.org/news")
    ).messages[0]
    assert await no_card(d)
    await d.unfurl(message, [{"title": "Herbal cure that reversed my MS", "description": SCAM}])
    card = await card_for(d, message)
    assert "(in the embed" in card.text()


async def test_a_scam_in_a_file_name(d: Driver, world: World) -> None:
    await use_review_channel(d)
    shown = await d.post(
        "general",
        "member",
        CLEAN,
        files=[("dr_okoh_cured_my_ms_whatsapp_+2348135551234.png", b"x")],
    )
    message = shown.messages[0]
    assert "(in the attachment name)" in (await card_for(d, message)).text()


async def test_a_scam_in_a_poll(d: Driver, world: World) -> None:
    await use_review_channel(d)
    question = poll("Which herbal cure worked?", PHONE_PITCH, "None of them")
    message = (await d.post("general", "member", poll=question)).messages[0]
    assert "(in the poll)" in (await card_for(d, message)).text()


async def test_a_forum_post_title_is_scanned_on_its_first_message_only(
    d: Driver, world: World, local: LocalDiscord
) -> None:
    await use_review_channel(d)
    title = "Herbal cure for MS, WhatsApp Dr Okoh +234 813 555 1234"
    first = (await d.forum_post("support", "member", title, CLEAN)).messages[0]
    thread = local.channel(first.channel_id)
    assert thread.id == first.id and thread.parent_id == world.channel("support").id
    card = await card_for(d, first)
    assert "(in the forum post title)" in card.text()
    reply = (await d.post(thread, "admin", "Please don't post this here")).messages[0]
    answer = (await d.post(thread, "member", CLEAN)).messages[0]  # the title is not repeated
    assert reply in d.history(thread) and answer in d.history(thread)
    assert len(d.history("mod-review")) == 1
    await d.click(card, "Delete message", who="moderator")
    assert first not in d.history(thread)


async def test_a_display_name_that_advertises(d: Driver, world: World) -> None:
    await use_review_channel(d)
    world.set_nick("member", "Dr Ogala Herbal Home WhatsApp +2348135551234")
    message = (await d.post("general", "member", "hi everyone")).messages[0]
    assert "(in the author's display name)" in (await card_for(d, message)).text()


async def test_clean_parts_flag_nothing(d: Driver, world: World) -> None:
    await use_review_channel(d)
    world.set_nick("member", "Sam (RRMS since 2019)")
    await d.post(
        "general",
        "member",
        CLEAN,
        embeds=[{"title": "MS Society", "description": "Fatigue management tips"}],
        files=[("my_walk.jpg", b"x")],
        poll=poll("Walk or swim this week?", "Walk", "Swim"),
    )
    await d.forum_post("support", "member", "Tips for heat sensitivity?", "What helps you?")
    assert await no_card(d)


# -- Discord's AutoMod ----------------------------------------------------------------------
async def grant_manage_server(world: World) -> None:
    world.edit_role("bot", BOT_ROLE | bits("manage_guild"))


async def test_automod_mirroring_blocks_known_links_and_lands_in_the_queue(
    d: Driver, world: World, local: LocalDiscord
) -> None:
    await use_review_channel(d)
    off = await d.run("/moderation automod", who="moderator")
    assert "AutoMod mirroring is off" in off.reply.text()
    await d.run("/config set", {"option": "moderation_automod", "value": "on"}, who="owner")
    await d.run(
        "/config set", {"option": "moderation_flag_domains", "value": "msherbs.com"}, who="owner"
    )
    refused = await d.run("/moderation automod", who="moderator")
    assert "I need the Manage Server permission" in refused.reply.text()
    assert not world.guild.automod_rules
    assert [r.split(": ")[1] for r in local.take_rejected()] == ["50013 Missing Permissions"]

    await grant_manage_server(world)
    created = await d.run("/moderation automod", who="moderator")
    assert "Created the AutoMod rule" in created.reply.text()
    [rule] = world.guild.automod_rules.values()
    assert rule["name"] == RULE_NAME and rule["enabled"]
    assert rule["trigger_metadata"]["keyword_filter"] == ["*msherbs.com*"]
    same = await d.run("/moderation automod", who="moderator")
    assert "already up to date" in same.reply.text()

    review = d.channel("mod-review")
    for text in ("the cure is at msherbs.com/order", "the cure is at ww w. herbalcure. c om"):
        shown = await d.post("general", "member", text)
        assert shown.blocked and "blocked on this server" in shown.blocked[0]
        assert not any(m.content == text for m in d.history("general"))  # nobody saw it
        card = await d.wait_for(lambda m, t=text: m.channel_id == review.id and t in m.text())
        assert "blocked by Discord AutoMod" in card.text() and RULE_NAME in card.text()
    # Moderators and admins are exempt, as on Discord; a clean message goes through.
    assert not (await d.post("general", "admin", "msherbs.com is a scam, avoid it")).blocked
    assert not (await d.post("general", "member", CLEAN)).blocked

    await d.run(
        "/config set",
        {"option": "moderation_flag_domains", "value": "msherbs.com, curemsnow.net"},
        who="owner",
    )
    updated = await d.run("/moderation automod", who="moderator")
    assert "Updated the AutoMod rule" in updated.reply.text()
    assert rule["trigger_metadata"]["keyword_filter"] == ["*curemsnow.net*", "*msherbs.com*"]
    await d.run("/config set", {"option": "moderation_automod", "value": "off"}, who="owner")
    removed = await d.run("/moderation automod", who="moderator")
    assert "Removed the AutoMod rule" in removed.reply.text()
    assert not world.guild.automod_rules
    assert not (await d.post("general", "member", "msherbs.com again")).blocked


async def test_automod_leaves_the_servers_own_rules_alone_and_cards_one_hit_once(
    d: Driver, world: World, running
) -> None:
    await use_review_channel(d)
    await grant_manage_server(world)
    guild = running.bot.get_guild(world.guild.id)
    theirs = await guild.create_automod_rule(
        name="No slurs",
        event_type=discord.AutoModRuleEventType.message_send,
        trigger=discord.AutoModTrigger(keyword_filter=["badword"]),
        actions=[
            discord.AutoModRuleAction(custom_message="Please keep it kind."),
            discord.AutoModRuleAction(channel_id=world.channel("mod-review").id),  # an alert
        ],
        enabled=True,
    )
    await d.run("/config set", {"option": "moderation_automod", "value": "on"}, who="owner")
    await d.run("/moderation automod", who="moderator")
    await d.run("/config set", {"option": "moderation_automod", "value": "off"}, who="owner")
    await d.run("/moderation automod", who="moderator")
    assert list(world.guild.automod_rules) == [theirs.id]
    blocked = await d.post("general", "member", "what a badword")
    assert blocked.blocked == ["Please keep it kind."]
    review = d.channel("mod-review")
    card = await d.wait_for(lambda m: m.channel_id == review.id and "Flagged" in m.text())
    assert "blocked by Discord AutoMod (No slurs)" in card.text()
    await d.quiet()
    cards = [m for m in d.history("mod-review") if "Flagged" in m.text()]
    assert cards == [card]  # the alert action of the same hit makes no second card
