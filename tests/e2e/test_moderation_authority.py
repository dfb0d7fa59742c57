"""Rank and team rules through real discord.py objects (top roles, guild.me, fetch_member).

The decision itself is tested in ``tests/bot/moderation/test_authority.py``; these check that
the cog reads the facts from discord.py as Discord means them.
"""

from __future__ import annotations

import pytest

from bot.local_discord import Driver, LocalDiscord, World
from bot.local_discord.model import Role
from bot.local_discord.server import INTENT_GUILDS
from tests.e2e.test_moderation import card_buttons, flag_a_scam, use_review_channel

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
