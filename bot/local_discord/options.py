"""Application command option values: types, ranges, lengths and choices, as Discord checks them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.local_discord.model import Channel, User

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord
    from bot.local_discord.world import World

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
SAFE_INTEGER = 2**53


class InputError(ValueError):
    """What Discord's client refuses before anything is sent (shown to the member as is)."""


def convert(
    local: LocalDiscord,
    world: World,
    channel: Channel,
    option: dict[str, Any],
    raw: Any,
    resolved: dict[str, Any],
) -> Any:
    """Check and convert one option value as Discord's client does; fill ``resolved``."""
    name, kind = option["name"], option["type"]
    if kind in (INTEGER, NUMBER):
        try:
            value: Any = int(str(raw)) if kind == INTEGER else float(str(raw))
        except ValueError:
            raise InputError(f"{name}: please enter a number.") from None
        low, high = option.get("min_value"), option.get("max_value")
        if kind == INTEGER and not -SAFE_INTEGER < value < SAFE_INTEGER:
            raise InputError(f"{name}: the number is too large.")
        if low is not None and value < low:
            raise InputError(f"{name}: the value must be at least {low}.")
        if high is not None and value > high:
            raise InputError(f"{name}: the value must be at most {high}.")
    elif kind == BOOLEAN:
        text = str(raw).lower()
        if text not in ("true", "false", "yes", "no", "on", "off"):
            raise InputError(f"{name}: choose True or False.")
        value = text in ("true", "yes", "on")
    elif kind == CHANNEL:
        target = _channel_option(local, channel, raw)
        value = str(target.id)
        resolved.setdefault("channels", {})[value] = target.payload() | {
            "permissions": str(local.permissions_in(target, local.bot_user.id))
        }
    elif kind == USER:
        user = _user_option(local, world, raw)
        value = str(user.id)
        resolved.setdefault("users", {})[value] = user.payload()
        guild = local.guilds.get(channel.guild_id or 0)
        if guild is not None and user.id in guild.members:
            resolved.setdefault("members", {})[value] = guild.members[user.id].payload(
                with_user=False
            )
    else:
        value = str(raw)
        low, high = option.get("min_length", 0), option.get("max_length", 6000)
        if not low <= len(value) <= high:
            raise InputError(f"{name}: {low} to {high} characters, please.")
    choices = option.get("choices")
    if choices:
        match = [c for c in choices if str(c["value"]) == str(value) or c["name"] == str(raw)]
        if not match:
            names = ", ".join(c["name"] for c in choices)
            raise InputError(f"{name}: choose one of {names}.")
        value = match[0]["value"]
    return value


def _channel_option(local: LocalDiscord, channel: Channel, raw: Any) -> Channel:
    if isinstance(raw, Channel):
        return raw
    guild = local.guilds.get(channel.guild_id or 0)
    try:
        assert guild is not None
        return local.channel_named(guild, str(raw))
    except (AssertionError, KeyError):
        raise InputError(f"There is no channel {raw} here.") from None


def _user_option(local: LocalDiscord, world: World, raw: Any) -> User:
    if isinstance(raw, User):
        return raw
    text = str(raw).lstrip("@")
    if text in world.users:
        return world.users[text]
    for user in local.users.values():
        if user.name == text:
            return user
    raise InputError(f"There is no member called {raw}.")
