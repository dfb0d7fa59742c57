"""AutoMod: the rules (REST, validated like Discord) and what they do to a member's message.

Routes: ``GET/POST /guilds/{id}/auto-moderation/rules``, ``GET/PATCH/DELETE .../rules/{rule}``;
the bot needs Manage Server (50013 otherwise). Rule changes are dispatched as
``AUTO_MODERATION_RULE_*`` (Auto Moderation Configuration intent). A member's message is
screened by :func:`screen` before it exists: a matching enabled rule blocks it (the member sees
the rule's custom message), and every action is dispatched as
``AUTO_MODERATION_ACTION_EXECUTION`` (Auto Moderation Execution intent; ``content`` and
``matched_content`` only with the Message Content intent). Owners, Administrators, members with
Manage Server, bots, and exempt roles and channels are never screened, as on Discord.

Keyword matching follows Discord's wildcards: ``cat`` a whole word, ``cat*`` a word's start,
``*cat`` a word's end, ``*cat*`` anywhere; case-insensitive. Regex patterns are Rust's on
Discord; the simple patterns a bot sends read the same in Python's ``re``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.local_discord import permissions
from bot.local_discord.errors import DiscordError, FormErrors, missing_permissions
from bot.local_discord.model import Message, now
from bot.local_discord.rest import API, json_response

if TYPE_CHECKING:
    from bot.local_discord.model import Guild
    from bot.local_discord.server import LocalDiscord

INTENT_CONFIGURATION = 1 << 20
INTENT_EXECUTION = 1 << 21
INTENT_MESSAGE_CONTENT = 1 << 15

MESSAGE_SEND, MEMBER_UPDATE = 1, 5
KEYWORD, SPAM, KEYWORD_PRESET, MENTION_SPAM, MEMBER_PROFILE = 1, 3, 4, 5, 6
BLOCK_MESSAGE, SEND_ALERT, TIMEOUT, BLOCK_INTERACTIONS = 1, 2, 3, 4
#: How many rules of each trigger type a server may have.
RULES_PER_TRIGGER = {KEYWORD: 6, SPAM: 1, KEYWORD_PRESET: 1, MENTION_SPAM: 1, MEMBER_PROFILE: 1}
KEYWORDS_MAX, KEYWORD_CHARS = 1000, 60
PATTERNS_MAX, PATTERN_CHARS = 10, 260
ALLOW_LIST_MAX = 100
CUSTOM_MESSAGE_CHARS = 150
TIMEOUT_MAX_SECONDS = 2_419_200
EXEMPT_ROLES_MAX, EXEMPT_CHANNELS_MAX = 20, 50
#: The client's own text when a rule blocks without a custom message.
DEFAULT_BLOCK_TEXT = "Your message could not be delivered: it contains words blocked here."


# -- validation --------------------------------------------------------------------------------
def _check_list(
    errors: FormErrors, path: tuple[str, ...], items: Any, most: int, chars: int
) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        errors.add(path, "LIST_TYPE_CONVERT", "Must be a list.")
        return
    errors.check_length(path, items, most)
    for index, item in enumerate(items[:most]):
        errors.check_length((*path, str(index)), item, chars, low=1)


def validate(body: dict[str, Any], *, creating: bool, guild: Guild, rule_id: int = 0) -> None:
    """A create or edit body, as Discord checks it (50035 naming the field, 30035 too many)."""
    errors = FormErrors()
    if creating or "name" in body:
        errors.check_length(("name",), body.get("name"), 100, low=1)
    if (creating or "event_type" in body) and body.get("event_type") not in (
        MESSAGE_SEND,
        MEMBER_UPDATE,
    ):
        errors.add(("event_type",), "BASE_TYPE_CHOICES", "Value must be one of {1, 5}.")
    trigger = body.get("trigger_type") if creating else None
    if creating and trigger not in RULES_PER_TRIGGER:
        errors.add(("trigger_type",), "BASE_TYPE_CHOICES", "Value must be one of {1, 3, 4, 5, 6}.")
    metadata = body.get("trigger_metadata") or {}
    _check_list(
        errors,
        ("trigger_metadata", "keyword_filter"),
        metadata.get("keyword_filter"),
        KEYWORDS_MAX,
        KEYWORD_CHARS,
    )
    _check_list(
        errors,
        ("trigger_metadata", "regex_patterns"),
        metadata.get("regex_patterns"),
        PATTERNS_MAX,
        PATTERN_CHARS,
    )
    _check_list(
        errors,
        ("trigger_metadata", "allow_list"),
        metadata.get("allow_list"),
        ALLOW_LIST_MAX,
        KEYWORD_CHARS,
    )
    for index, pattern in enumerate(metadata.get("regex_patterns") or []):
        try:
            re.compile(str(pattern))
        except re.error:
            errors.add(
                ("trigger_metadata", "regex_patterns", str(index)),
                "AUTO_MODERATION_INVALID_REGEX",
                "Invalid regex pattern.",
            )
    actions = body.get("actions")
    if creating or actions is not None:
        if not isinstance(actions, list) or not actions:
            errors.required(("actions",))
        else:
            for index, action in enumerate(actions):
                _validate_action(errors, ("actions", str(index)), action, guild)
    _check_list(errors, ("exempt_roles",), body.get("exempt_roles"), EXEMPT_ROLES_MAX, 20)
    _check_list(errors, ("exempt_channels",), body.get("exempt_channels"), EXEMPT_CHANNELS_MAX, 20)
    errors.raise_if_any()
    if creating:
        same = [r for r in guild.automod_rules.values() if r["trigger_type"] == trigger]
        if len(same) >= RULES_PER_TRIGGER[int(trigger)]:  # type: ignore[arg-type]
            errors.add(
                ("trigger_type",),
                "AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED",
                "Maximum number of rules of this type reached",
            )
            errors.raise_if_any()


def _validate_action(errors: FormErrors, path: tuple[str, ...], action: Any, guild: Guild) -> None:
    kind = action.get("type") if isinstance(action, dict) else None
    metadata = (action.get("metadata") if isinstance(action, dict) else None) or {}
    if kind not in (BLOCK_MESSAGE, SEND_ALERT, TIMEOUT, BLOCK_INTERACTIONS):
        errors.add((*path, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.")
    elif kind == BLOCK_MESSAGE:
        errors.check_length(
            (*path, "metadata", "custom_message"),
            metadata.get("custom_message"),
            CUSTOM_MESSAGE_CHARS,
        )
    elif kind == SEND_ALERT and int(metadata.get("channel_id") or 0) not in guild.channel_ids:
        errors.add((*path, "metadata", "channel_id"), "CHANNEL_INVALID", "Unknown channel.")
    elif (
        kind == TIMEOUT
        and not 0 < int(metadata.get("duration_seconds") or 0) <= TIMEOUT_MAX_SECONDS
    ):
        errors.add(
            (*path, "metadata", "duration_seconds"),
            "NUMBER_TYPE_MAX",
            f"Must be between 1 and {TIMEOUT_MAX_SECONDS}.",
        )


# -- matching ------------------------------------------------------------------------------------
def _keyword_regex(keyword: str) -> re.Pattern[str]:
    starts, ends = keyword.startswith("*"), keyword.endswith("*")
    core = re.escape(keyword.strip("*"))
    before = "" if starts else r"(?<!\w)"
    after = "" if ends else r"(?!\w)"
    return re.compile(before + core + after, re.IGNORECASE)


def match(rule: dict[str, Any], content: str) -> tuple[str | None, str] | None:
    """(matched keyword or None for a pattern, the matched text), or None."""
    metadata = rule.get("trigger_metadata") or {}
    allowed = [_keyword_regex(a) for a in metadata.get("allow_list") or []]
    candidates = [(k, _keyword_regex(k)) for k in metadata.get("keyword_filter") or []]
    candidates += [
        (None, re.compile(p, re.IGNORECASE)) for p in metadata.get("regex_patterns") or []
    ]
    spared = [m.span() for a in allowed for m in a.finditer(content)]
    for keyword, regex in candidates:
        for found in regex.finditer(content):
            start, end = found.span()
            if not any(low <= start and end <= high for low, high in spared):
                return keyword, found[0]
    return None


def _exempt(local: LocalDiscord, guild: Guild, rule: dict[str, Any], message: Message) -> bool:
    member = guild.members.get(message.author.id)
    if member is None or message.author.bot:
        return True
    base = permissions.base_permissions(guild, member)
    if base & (permissions.BITS["administrator"] | permissions.BITS["manage_guild"]):
        return True
    channel = local.channel(message.channel_id)
    channel_ids = {str(channel.id), str(channel.parent_id)}
    return bool(set(map(str, member.roles)) & set(rule.get("exempt_roles") or [])) or bool(
        channel_ids & set(rule.get("exempt_channels") or [])
    )


@dataclass
class Blocked:
    """What the member's client shows instead of sending the message."""

    text: str
    rule_name: str


def screen(local: LocalDiscord, message: Message) -> Blocked | None:
    """Run the server's message rules on a member's new message; carry out their actions."""
    guild = local.guilds.get(message.guild_id or 0)
    if guild is None or not message.content:
        return None
    blocked: Blocked | None = None
    for rule in list(guild.automod_rules.values()):
        if not rule["enabled"] or rule["event_type"] != MESSAGE_SEND:
            continue
        if rule["trigger_type"] != KEYWORD or _exempt(local, guild, rule, message):
            continue
        found = match(rule, message.content)
        if found is None:
            continue
        for action in rule["actions"]:
            _execute(local, guild, rule, action, message, found)
            if action["type"] == BLOCK_MESSAGE and blocked is None:
                custom = (action.get("metadata") or {}).get("custom_message")
                blocked = Blocked(custom or DEFAULT_BLOCK_TEXT, rule["name"])
    return blocked


def _execute(
    local: LocalDiscord,
    guild: Guild,
    rule: dict[str, Any],
    action: dict[str, Any],
    message: Message,
    found: tuple[str | None, str],
) -> None:
    metadata = action.get("metadata") or {}
    data: dict[str, Any] = {
        "guild_id": str(guild.id),
        "action": action,
        "rule_id": rule["id"],
        "rule_trigger_type": rule["trigger_type"],
        "user_id": str(message.author.id),
        "channel_id": str(message.channel_id),
        "content": message.content,
        "matched_keyword": found[0],
        "matched_content": found[1],
    }
    if action["type"] == SEND_ALERT:
        alert = Message(local.ids.next(), int(metadata["channel_id"]), message.author, guild.id)
        alert.type = 24  # AUTO_MODERATION_ACTION
        alert.content = message.content
        local.store(alert)
        data["alert_system_message_id"] = str(alert.id)
    elif action["type"] == TIMEOUT:
        member = guild.members[message.author.id]
        member.communication_disabled_until = now() + timedelta(
            seconds=metadata["duration_seconds"]
        )
    hidden = dict(data, content="", matched_content=None)
    local.touch()
    for session in local.sessions:
        if session.intents & INTENT_EXECUTION:
            shaped = data if session.intents & INTENT_MESSAGE_CONTENT else hidden
            session.send_dispatch("AUTO_MODERATION_ACTION_EXECUTION", shaped)


# -- REST --------------------------------------------------------------------------------------
def add_routes(app: web.Application, local: LocalDiscord) -> None:
    rules = f"{API}/guilds/{{guild_id:\\d+}}/auto-moderation/rules"

    def guild_of(request: web.Request) -> Guild:
        guild = local.guild(int(request.match_info["guild_id"]))
        bot = guild.members.get(local.bot_user.id)
        if (
            bot is None
            or not permissions.base_permissions(guild, bot) & permissions.BITS["manage_guild"]
        ):
            raise missing_permissions()
        return guild

    def rule_of(guild: Guild, request: web.Request) -> dict[str, Any]:
        rule = guild.automod_rules.get(int(request.match_info["rule_id"]))
        if rule is None:
            raise DiscordError(404, 0, "Unknown Auto Moderation Rule")  # no code of its own
        return rule

    def announce(event: str, rule: dict[str, Any]) -> None:
        local.dispatch(f"AUTO_MODERATION_RULE_{event}", rule, INTENT_CONFIGURATION)

    async def list_rules(request: web.Request) -> web.Response:
        return json_response(list(guild_of(request).automod_rules.values()))

    async def get_rule(request: web.Request) -> web.Response:
        return json_response(rule_of(guild_of(request), request))

    async def create_rule(request: web.Request) -> web.Response:
        guild = guild_of(request)
        body = json.loads(await request.text() or "{}")
        validate(body, creating=True, guild=guild)
        rule_id = local.ids.next()
        rule = {
            "id": str(rule_id),
            "guild_id": str(guild.id),
            "name": body["name"],
            "creator_id": str(local.bot_user.id),
            "event_type": body["event_type"],
            "trigger_type": body["trigger_type"],
            "trigger_metadata": _metadata(body.get("trigger_metadata") or {}),
            "actions": [_action(a) for a in body["actions"]],
            "enabled": bool(body.get("enabled", False)),
            "exempt_roles": [str(r) for r in body.get("exempt_roles") or []],
            "exempt_channels": [str(c) for c in body.get("exempt_channels") or []],
        }
        guild.automod_rules[rule_id] = rule
        announce("CREATE", rule)
        return json_response(rule)

    async def edit_rule(request: web.Request) -> web.Response:
        guild = guild_of(request)
        rule = rule_of(guild, request)
        body = json.loads(await request.text() or "{}")
        validate(body, creating=False, guild=guild)
        for key in ("name", "event_type", "enabled"):
            if key in body:
                rule[key] = body[key]
        if "trigger_metadata" in body:
            rule["trigger_metadata"] = _metadata(body["trigger_metadata"] or {})
        if "actions" in body:
            rule["actions"] = [_action(a) for a in body["actions"]]
        for key in ("exempt_roles", "exempt_channels"):
            if key in body:
                rule[key] = [str(i) for i in body[key] or []]
        announce("UPDATE", rule)
        return json_response(rule)

    async def delete_rule(request: web.Request) -> web.Response:
        guild = guild_of(request)
        rule = rule_of(guild, request)
        del guild.automod_rules[int(rule["id"])]
        announce("DELETE", rule)
        return json_response(None)

    app.router.add_get(rules, list_rules)
    app.router.add_post(rules, create_rule)
    app.router.add_get(f"{rules}/{{rule_id:\\d+}}", get_rule)
    app.router.add_patch(f"{rules}/{{rule_id:\\d+}}", edit_rule)
    app.router.add_delete(f"{rules}/{{rule_id:\\d+}}", delete_rule)


def _metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """As Discord answers it: every keyword-rule list present, even when empty."""
    return {
        "keyword_filter": list(metadata.get("keyword_filter") or []),
        "regex_patterns": list(metadata.get("regex_patterns") or []),
        "allow_list": list(metadata.get("allow_list") or []),
    }


def _action(action: dict[str, Any]) -> dict[str, Any]:
    return {"type": action["type"], "metadata": dict(action.get("metadata") or {})}
