"""Optional AutoMod mirroring (off by default) and AutoMod actions in the review queue."""

from __future__ import annotations

import re
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.app import App
from bot.moderation.automod import OBFUSCATED_LINK_PATTERNS, RULE_NAME, automod_spec
from bot.moderation.feature import service_of
from tests.cogs.test_moderation import REVIEW_ID, World, card_text
from tests.helpers import invoke, make_member


@pytest.fixture
async def world(app: App) -> World:
    await app.config.set(1, "moderation_review_channel", str(REVIEW_ID))
    world = World(app)
    world.guild.me = make_member(999, "bot", guild=world.guild)
    world.guild.fetch_automod_rules = AsyncMock(return_value=[])
    world.guild.create_automod_rule = AsyncMock()
    return world


def test_spec_lists_always_flagged_domains_and_dodge_patterns() -> None:
    spec = automod_spec(frozenset({"msherbs.com", "x" * 80 + ".com"}))
    assert spec.keywords == ("*msherbs.com*",)  # too long for AutoMod: left to the detector
    assert spec.patterns == OBFUSCATED_LINK_PATTERNS and len(spec.patterns) <= 10
    assert all(len(p) <= 260 for p in spec.patterns)
    samples = ["ww w. msherbs. c om", "msherbs(.)com", "msherbs [dot] com", "msherbs dot com"]
    for sample in samples:  # Python's re reads these patterns the same way here
        assert any(re.search(p, sample) for p in spec.patterns), sample


async def test_off_by_default_touches_nothing(world: World) -> None:
    assert await service_of(world.app).automod_spec(1) is None
    assert await world.cog.sync_automod(world.guild) == "off"
    world.guild.fetch_automod_rules.assert_not_awaited()


async def test_switch_on_creates_then_keeps_the_rule_in_step(world: World) -> None:
    await world.app.config.set(1, "moderation_automod", "on")
    await world.app.config.set(1, "moderation_flag_domains", "msherbs.com")
    assert await world.cog.sync_automod(world.guild) == "created"
    kwargs = world.guild.create_automod_rule.await_args.kwargs
    assert kwargs["name"] == RULE_NAME and kwargs["enabled"]
    assert kwargs["trigger"].keyword_filter == ["*msherbs.com*"]
    assert kwargs["actions"][0].type is discord.AutoModRuleActionType.block_message
    assert await world.cog.sync_automod(world.guild) == "unchanged"
    # Turned off: the bot's own rule (its name, created by the bot) is removed.
    rule = MagicMock(spec=discord.AutoModRule)
    rule.name, rule.creator_id = RULE_NAME, 999
    rule.delete = AsyncMock()
    other = MagicMock(spec=discord.AutoModRule)
    other.name, other.creator_id = "the server's own rule", 1
    world.guild.fetch_automod_rules = AsyncMock(return_value=[other, rule])
    await world.app.config.set(1, "moderation_automod", "off")
    assert await world.cog.sync_automod(world.guild) == "removed"
    rule.delete.assert_awaited_once()


async def test_automod_command_reports_what_it_did(world: World) -> None:
    interaction = world.interaction(world.mod)
    await invoke(world.cog.automod, world.cog, interaction)
    assert "AutoMod mirroring is off" in interaction.sent[0].text
    world.guild.fetch_automod_rules = AsyncMock(
        side_effect=discord.Forbidden(MagicMock(status=403), "no")
    )
    await world.app.config.set(1, "moderation_automod", "on")
    interaction = world.interaction(world.mod)
    await invoke(world.cog.automod, world.cog, interaction)
    assert "Manage Server" in interaction.sent[0].text


def execution(world: World, action: discord.AutoModRuleActionType) -> Any:
    item = MagicMock(spec=discord.AutoModAction)
    item.action = MagicMock(spec=discord.AutoModRuleAction)
    item.action.type = action
    item.guild = world.guild
    item.member = world.author
    item.user_id = world.author.id
    item.channel_id = world.general.id
    item.message_id = None  # blocked: the message never existed
    item.content = "the cure is at ww w. msherbs. c om"
    item.matched_keyword = None
    item.matched_content = "ww w. msherbs. c om"
    item.rule_id = 5
    rule = MagicMock(spec=discord.AutoModRule)
    rule.name = RULE_NAME
    item.fetch_rule = AsyncMock(return_value=rule)
    return item


async def test_automod_actions_land_in_the_review_queue(world: World) -> None:
    alert = execution(world, discord.AutoModRuleActionType.send_alert_message)
    await world.cog.on_automod_action(alert)
    world.review.send.assert_not_awaited()  # one card per hit: only the block action counts
    await world.cog.on_automod_action(execution(world, discord.AutoModRuleActionType.block_message))
    world.review.send.assert_awaited_once()
    text = card_text(world.review.send.await_args.kwargs["embed"])
    assert "blocked by Discord AutoMod" in text and "msherbs" in text
    row = await world.app.db.fetchone("SELECT source, hidden, message_id FROM moderation_flags")
    assert row is not None and row["source"] == "detector" and row["hidden"] == 1
    assert row["message_id"] > 0
