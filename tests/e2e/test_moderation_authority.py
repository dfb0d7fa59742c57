"""Rank, channel overrides and permission losses, through real discord.py objects.

The decision itself is tested in ``tests/bot/moderation/test_authority.py``; these check that
the cogs read the facts (top roles, ``guild.me``, ``fetch_member``, the permissions in the
channel where the action happens) as Discord means them, at every click: the server's admins
change roles, overrides and command permissions between clicks, announced as Discord does.
"""

from __future__ import annotations

import pytest

from bot.local_discord import Driver, LocalDiscord, World
from bot.local_discord.model import Role
from bot.local_discord.options import InputError
from bot.local_discord.permissions import bits
from bot.local_discord.server import INTENT_GUILDS
from tests.e2e.test_moderation import (
    card_buttons,
    dismiss_a_promotion,
    flag_a_scam,
    use_review_channel,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_reported_admin_is_never_banned_through_the_bot(d: Driver, world: World) -> None:
    await use_review_channel(d)
    [message] = (await d.post("general", "admin", "Everyone, read the rules again")).messages
    opened = await d.menu("Report to moderators", message, who="member")
    thanked = await d.submit_modal(opened, ["rude"])
    [card] = thanked.in_channel(d.channel("mod-review"))
    refused = await d.click(card, "Ban author", who="moderator")
    assert "moderator or admin" in refused.reply.text() and refused.reply.ephemeral
    assert world.user("admin").id not in world.guild.bans
    assert "Ban author" in card_buttons(card)  # nothing was decided


async def test_a_member_ranked_like_the_moderator_cannot_be_timed_out_by_them(
    d: Driver, world: World, local: LocalDiscord
) -> None:
    veteran = Role(local.ids.next(), "Veteran", 0, 1)  # same position as Moderators
    world.guild.roles[veteran.id] = veteran
    local.dispatch(
        "GUILD_ROLE_CREATE",
        {"guild_id": str(world.guild.id), "role": veteran.payload()},
        INTENT_GUILDS,
    )
    # The gateway keeps order: the bot knows the role before the messages and clicks below.
    world.guild.members[world.user("member").id].roles.append(veteran.id)
    _, card = await flag_a_scam(d)
    refused = await d.click(card, "Timeout author", who="moderator")
    assert "same as or above yours" in refused.reply.text()
    assert not world.guild.members[world.user("member").id].timed_out()
    # The owner outranks everyone; the bot's role (position 2) is above the Veteran role.
    asked = await d.click(card, "Timeout author", who="owner")
    await d.select(asked.reply, ["1 hour"], who="owner")
    assert world.guild.members[world.user("member").id].timed_out()


async def test_a_moderator_cannot_ban_a_member_ranked_above_them(d: Driver, world: World) -> None:
    world.add_role("Veteran", above="moderators")  # above the moderators, below the bot
    world.set_roles("member", "veteran")
    _, card = await flag_a_scam(d)
    refused = await d.click(card, "Ban author", who="moderator")
    assert "same as or above yours" in refused.reply.text() and refused.reply.ephemeral
    assert refused.reply.components == []  # no confirm step to press
    asked = await d.click(card, "Ban author", who="owner")  # the owner outranks everyone
    await d.click(asked.reply, "Yes, ban", who="owner")
    assert world.user("member").id in world.guild.bans


async def test_the_bot_below_the_author_says_what_to_change(d: Driver, world: World) -> None:
    world.add_role("Elder", above="bot")
    world.set_roles("member", "elder")
    _, card = await flag_a_scam(d)
    refused = await d.click(card, "Timeout author", who="owner")
    assert "My highest role is not above" in refused.reply.text()
    assert "Server Settings > Roles" in refused.reply.text()
    assert not world.member("member").timed_out()


async def test_the_owner_is_never_banned_through_the_bot(d: Driver, world: World) -> None:
    await use_review_channel(d)
    [joke] = (await d.post("general", "owner", "Pineapple on pizza is the only cure")).messages
    thanked = await d.submit_modal(await d.menu("Report to moderators", joke), ["rude"])
    [card] = thanked.in_channel(d.channel("mod-review"))
    for button in ("Ban author", "Timeout author"):
        refused = await d.click(card, button, who="moderator")
        assert "server owner" in refused.reply.text()
    assert not world.guild.bans


async def test_the_bot_without_ban_members_says_so(d: Driver, world: World) -> None:
    from bot.local_discord.world import BOT_ROLE

    world.edit_role("bot", BOT_ROLE & ~bits("ban_members"))
    _, card = await flag_a_scam(d)
    refused = await d.click(card, "Ban author", who="moderator")
    assert "I need the Ban Members permission" in refused.reply.text()
    assert not world.guild.bans


# -- channel overrides: the permissions where the action happens --------------------------------
async def test_an_override_denying_manage_messages_in_the_flagged_channel_refuses_delete(
    d: Driver, world: World
) -> None:
    scam, card = await flag_a_scam(d)
    world.override("general", "moderator", deny=bits("manage_messages"))
    refused = await d.click(card, "Delete message", who="moderator")
    assert "Manage Messages" in refused.reply.text()
    assert scam in d.history("general") and "Delete message" in card_buttons(card)


async def test_an_override_granting_manage_messages_in_the_flagged_channel_counts(
    d: Driver, world: World
) -> None:
    """A channel helper: may read #mod-review and manage #general's messages, nothing more."""
    scam, card = await flag_a_scam(d)
    world.add_person("helper")
    world.override("mod-review", "helper", allow=bits("view_channel"))
    world.override("general", "helper", allow=bits("manage_messages"))
    refused = await d.click(card, "Ban author", who="helper")  # bans need Ban Members
    assert "Ban Members" in refused.reply.text()
    await d.click(card, "Delete message", who="helper")
    assert scam not in d.history("general")
    assert f"Message deleted by <@{world.user('helper').id}>" in card.text()


async def test_an_override_in_the_review_channel_does_not_grant_a_ban(
    d: Driver, world: World
) -> None:
    _, card = await flag_a_scam(d)
    world.add_person("helper")
    world.override(
        "mod-review", "helper", allow=bits("view_channel", "manage_messages", "moderate_members")
    )
    for button, needed in (("Ban author", "Ban Members"), ("Delete message", "Manage Messages")):
        refused = await d.click(card, button, who="helper")
        assert needed in refused.reply.text(), button
    assert not world.guild.bans and "Delete message" in card_buttons(card)
    # Timeout is a member action: the permission where the moderator clicks counts, as here;
    # then the rank: a member with no role outranks no one.
    asked = await d.click(card, "Timeout author", who="helper")
    assert "same as or above yours" in asked.reply.text()


# -- follow-up menus re-check at the click ---------------------------------------------------
async def test_ban_confirm_after_losing_ban_members_does_nothing(d: Driver, world: World) -> None:
    _, card = await flag_a_scam(d)
    confirm = await d.click(card, "Ban author", who="moderator")
    world.edit_role("moderators", bits("manage_messages", "moderate_members"))
    late = await d.click(confirm.reply, "Yes, ban", who="moderator")
    assert "Ban Members" in late.text
    assert not world.guild.bans and "Ban author" in card_buttons(card)


async def test_timeout_menu_after_losing_the_moderator_role_does_nothing(
    d: Driver, world: World
) -> None:
    _, card = await flag_a_scam(d)
    asked = await d.click(card, "Timeout author", who="moderator")
    world.set_roles("moderator")  # the role was taken away
    late = await d.select(asked.reply, ["1 day"], who="moderator")
    assert "Moderate Members" in late.text
    assert not world.member("member").timed_out() and "Timeout author" in card_buttons(card)


async def test_rule_menu_after_losing_manage_messages_adds_nothing(
    d: Driver, world: World, app
) -> None:
    from bot.moderation.feature import service_of

    offer = await dismiss_a_promotion(d)
    world.set_roles("moderator")
    label = offer.components[0]["components"][0]["options"][0]["label"]
    late = await d.select(offer, [label], who="moderator")
    assert "Manage Messages" in late.text
    assert not (await service_of(app).guild_rules(world.guild.id)).trusted_domains


async def test_feedback_resolve_menu_after_losing_manage_messages(
    d: Driver, world: World, app
) -> None:
    await d.run("/article rate", {"article": "mobility-aids", "stars": 2, "feedback": "vague"})
    listing = await d.run("/article feedback", who="moderator")
    world.set_roles("moderator")
    label = listing.reply.components[0]["components"][0]["options"][0]["label"]
    late = await d.select(listing.reply, [label], who="moderator")
    assert "Manage Messages" in late.text
    assert "vague" in (await d.run("/article feedback", who="admin")).reply.text()  # still open


# -- commands an admin opened to a role with an override -------------------------------------
async def test_a_member_let_through_by_a_command_override_is_refused_by_the_bot(
    d: Driver, world: World, app
) -> None:
    with pytest.raises(InputError, match="access"):  # hidden by default_member_permissions
        await d.run("/config set", {"option": "moderation_threshold", "value": "0.5"})
    world.add_role("Helpers")
    world.set_roles("member", "helpers")
    world.allow_command("config", "helpers")  # Integrations: Helpers may use /config
    for command, values in (
        ("/config set", {"option": "moderation_threshold", "value": "0.5"}),
        ("/config reset", {"option": "moderation_threshold"}),
        ("/config channel", {"option": "checkin_channel", "channel": "#general"}),
        ("/config show", {}),
    ):
        refused = await d.run(command, values, who="member")
        assert "Manage Server permission" in refused.reply.text(), command
        assert refused.reply.ephemeral
    assert await app.config.get(world.guild.id, "checkin_channel") is None
    world.allow_command("modqueue", "helpers")
    refused = await d.run("/modqueue", who="member")
    assert "Manage Messages" in refused.reply.text()


@pytest.mark.parametrize(
    ("button", "needed"),
    [
        ("Dismiss (not spam)", "Manage Messages"),
        ("Timeout author", "Moderate Members"),
        ("Ban author", "Ban Members"),
        ("Details", "Manage Messages"),
    ],
)
async def test_a_plain_member_who_can_read_the_review_channel_is_refused(
    d: Driver, world: World, button: str, needed: str
) -> None:
    _, card = await flag_a_scam(d)
    world.add_person("reader")
    world.override("mod-review", "reader", allow=bits("view_channel"))
    refused = await d.click(card, button, who="reader")
    assert refused.reply.ephemeral and needed in refused.reply.text()
    assert refused.reply.components == []  # no timeout menu, no confirm step
    assert "+2348012345678" not in refused.text
    assert "Delete message" in card_buttons(card) and not world.member("member").timed_out()


async def test_a_plain_member_cannot_restore_a_hidden_message(d: Driver, world: World) -> None:
    for option, value in (("moderation_auto_hide", "on"), ("moderation_auto_hide_multiple", "1")):
        await d.run("/config set", {"option": option, "value": value}, who="owner")
    _, card = await flag_a_scam(d)
    world.add_person("reader")
    world.override("mod-review", "reader", allow=bits("view_channel"))
    refused = await d.click(card, "Restore message", who="reader")
    assert "Manage Messages" in refused.reply.text()
    assert not [m for m in d.history("general") if m.author.bot]  # nothing reposted
