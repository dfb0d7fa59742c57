"""Discord snowflake ids carry their creation time; no API call needed for an account's age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def describe_age(age: timedelta) -> str:
    days = age.days
    if days >= 365:
        return f"{days // 365} year{'s' if days >= 730 else ''}"
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = int(age.total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"
