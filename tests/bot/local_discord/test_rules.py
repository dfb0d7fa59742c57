"""The local Discord's own rules, where the e2e suite only sees their effect: AutoMod's keyword
wildcards, and who may use a command once admins set overrides (Discord's order)."""

from __future__ import annotations

import pytest

from bot.local_discord import LocalDiscord, build_world
from bot.local_discord.automod import match
from bot.local_discord.command_access import CHANNEL, ROLE, USER, all_channels_id, can_use
from bot.local_discord.model import Command, Overwrite
from bot.local_discord.permissions import bits


def rule(*keywords: str, allow: tuple[str, ...] = (), patterns: tuple[str, ...] = ()) -> dict:
    return {
        "trigger_metadata": {
            "keyword_filter": list(keywords),
            "regex_patterns": list(patterns),
            "allow_list": list(allow),
        }
    }


@pytest.mark.parametrize(
    ("keyword", "text", "hit"),
    [
        ("cat", "a Cat sat", "Cat"),  # a whole word, any case
        ("cat", "concatenate", None),
        ("cat*", "catalogue", "cat"),  # a word's start
        ("cat*", "concat", None),
        ("*cat", "bobcat here", "cat"),  # a word's end
        ("*cat", "cats", None),
        ("*cat*", "educational", "cat"),  # anywhere
        ("*msherbs.com*", "see www.msherbs.com/buy", "msherbs.com"),
    ],
)
def test_keyword_wildcards_match_as_on_discord(keyword: str, text: str, hit: str | None) -> None:
    found = match(rule(keyword), text)
    assert (found[1] if found else None) == hit


def test_allow_list_and_patterns() -> None:
    assert match(rule("*cure*", allow=("*secure*",)), "a secure login") is None
    assert match(rule("*cure*", allow=("*secure*",)), "a miracle cure") == ("*cure*", "cure")
    assert match(rule(patterns=(r"w\s*w\s*w\s*\.",)), "visit ww w. x") == (None, "ww w.")


async def test_command_overrides_in_discords_order() -> None:
    local = LocalDiscord()
    world = build_world(local)
    guild, channel = world.guild, world.channel("general")
    command = Command(local.ids.next(), {"name": "config", "default_member_permissions": "32"})
    member, moderator = world.user("member").id, world.user("moderator").id
    helpers = world.roles["moderators"].id

    def use(user_id: int) -> bool:
        return can_use(local, command, channel, user_id)

    assert not use(member) and not use(moderator)  # Manage Server by default
    assert use(world.user("admin").id) and use(world.user("owner").id)
    guild.command_permissions[command.id] = [{"id": str(helpers), "type": ROLE, "permission": True}]
    assert use(moderator) and not use(member)
    guild.command_permissions[command.id] += [
        {"id": str(moderator), "type": USER, "permission": False}
    ]
    assert not use(moderator)  # the member's own entry beats their roles'
    guild.command_permissions[command.id] = [
        {"id": str(guild.id), "type": ROLE, "permission": True},  # @everyone
        {"id": str(all_channels_id(guild)), "type": CHANNEL, "permission": False},
        {"id": str(channel.id), "type": CHANNEL, "permission": True},
    ]
    assert use(member)  # this channel is allowed though all channels are not
    assert not can_use(local, command, world.channel("checkins"), member)
    # App-level entries (keyed by the application id) apply when the command has none.
    guild.command_permissions = {
        local.application_id: [{"id": str(guild.id), "type": ROLE, "permission": True}]
    }
    assert use(member)
    # Without overrides, default permissions count the channel's: an override granting Manage
    # Server in this channel shows the command here.
    guild.command_permissions = {}
    channel.overwrites = [Overwrite(member, 1, allow=bits("manage_guild"))]
    assert use(member) and not can_use(local, command, world.channel("checkins"), member)
