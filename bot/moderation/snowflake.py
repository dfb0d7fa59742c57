"""Discord snowflake ids carry their creation time; no API call needed for an account's age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.i18n import ngettext, number

DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def describe_age(age: timedelta) -> str:
    days = age.days
    if days >= 365:
        years = days // 365
        return ngettext("{count} year", "{count} years", years).format(count=number(years))
    if days >= 1:
        return ngettext("{count} day", "{count} days", days).format(count=number(days))
    hours = int(age.total_seconds() // 3600)
    return ngettext("{count} hour", "{count} hours", hours).format(count=number(hours))
