"""Keep the bot's one native AutoMod rule in step with the core's spec (optional, off by default).

REST calls (discord.py): ``guild.fetch_automod_rules()`` (GET /guilds/{id}/auto-moderation/
rules), ``guild.create_automod_rule(...)`` (POST), ``rule.edit(...)`` (PATCH) and
``rule.delete()`` (DELETE). The bot needs Manage Server for them. Only the rule the bot created,
found by its name and creator, is ever touched.
"""

from __future__ import annotations

import logging

import discord

from bot.i18n import N_, _
from bot.moderation.automod import RULE_NAME, AutoModSpec
from cogs._language import in_server_language

log = logging.getLogger(__name__)
#: What Discord shows the member whose message AutoMod blocked (in the server's language).
BLOCK_MESSAGE = N_(
    "This link is blocked on this server. If it was a mistake, please ask the moderators."
)


async def sync_rule(guild: discord.Guild, spec: AutoModSpec | None) -> str:
    """Create, update or remove the bot's rule so it matches ``spec``; says what it did."""
    me = guild.me
    rules = await guild.fetch_automod_rules()
    ours = [r for r in rules if r.name == RULE_NAME and me is not None and r.creator_id == me.id]
    if spec is None:
        for rule in ours:
            await rule.delete(reason="moderation_automod turned off")
        return "removed" if ours else "off"
    trigger = discord.AutoModTrigger(
        type=discord.AutoModRuleTriggerType.keyword,
        keyword_filter=list(spec.keywords),
        regex_patterns=list(spec.patterns),
    )
    with in_server_language(guild):
        message = _(BLOCK_MESSAGE)[:150]  # Discord's limit for a custom message
    actions = [
        discord.AutoModRuleAction(
            type=discord.AutoModRuleActionType.block_message, custom_message=message
        )
    ]
    if ours:
        rule = ours[0]
        same = (
            rule.enabled
            and list(rule.trigger.keyword_filter) == trigger.keyword_filter
            and list(rule.trigger.regex_patterns) == trigger.regex_patterns
        )
        if same:
            return "unchanged"
        await rule.edit(trigger=trigger, actions=actions, enabled=True, reason="sync")
        return "updated"
    await guild.create_automod_rule(
        name=spec.name,
        event_type=discord.AutoModRuleEventType.message_send,
        trigger=trigger,
        actions=actions,
        enabled=True,
        reason="moderation_automod turned on",
    )
    return "created"
