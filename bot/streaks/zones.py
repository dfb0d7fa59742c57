"""Time zones as members type them: "Europe/Paris", "paris", "New York", never a guess.

A member's zone decides which local day a check-in lands on and when a reminder comes, so a
typed value is accepted only when it names one IANA zone. A city alone is enough when exactly
one clock has that name. Short names (PST, CET) and offsets (UTC+2) are refused with what to
type instead: they cannot tell when summer time starts, so a reminder could come an hour off
for half the year.
"""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from bot.errors import UserError
from bot.i18n import _

#: Short names members type, and the zone most of them mean. A short name can mean several
#: clocks (CST is Chicago and China), and tzdb's fixed-offset zones called EST, MST, CET ...
#: would put New York's reminders an hour off all summer. HST stays: Hawaii has no summer time.
_ABBREVIATIONS = {
    **dict.fromkeys(("pst", "pdt", "pt"), "America/Los_Angeles"),
    **dict.fromkeys(("mst", "mdt", "mt"), "America/Denver"),
    **dict.fromkeys(("cst", "cdt", "ct"), "America/Chicago"),
    **dict.fromkeys(("est", "edt", "et"), "America/New_York"),
    **dict.fromkeys(("akst", "akdt"), "America/Anchorage"),
    "bst": "Europe/London",
    **dict.fromkeys(("cet", "cest", "met", "mest"), "Europe/Paris"),
    **dict.fromkeys(("eet", "eest"), "Europe/Athens"),
    **dict.fromkeys(("wet", "west"), "Europe/Lisbon"),
    **dict.fromkeys(("aest", "aedt"), "Australia/Sydney"),
}
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*[+\-−]\s*\d{1,2}(?::?\d{2})?$", re.IGNORECASE)


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    return {name.lower(): name for name in zone_names()}


@lru_cache(maxsize=1)
def _by_city() -> dict[str, str]:
    """'london' -> 'Europe/London', for a city that names one clock only. tzdb keeps old
    aliases ('America/Indianapolis' for 'America/Indiana/Indianapolis'): they are the same
    clock, so the longer, current name wins."""
    cities: dict[str, str] = {}
    for name in zone_names():
        if "/" not in name or name.startswith("Etc/"):
            continue
        city = name.rsplit("/", 1)[1].lower()
        if city not in cities or len(name) > len(cities[city]):
            cities[city] = name
    return cities


def _typed_key(raw: str) -> str:
    return raw.strip().lower().replace(" ", "_")


def validate_zone(raw: str) -> str:
    """The canonical IANA name for what a member typed, or a friendly error that says what
    to type instead."""
    key = _typed_key(raw)
    shown = raw.strip()[:40]
    if key in _ABBREVIATIONS:
        raise UserError(
            _(
                "`{zone}` is a short name that can mean different clocks. Use your zone's full "
                "name, for example {example} (type your city to find it)."
            ).format(zone=shown, example=_ABBREVIATIONS[key])
        )
    name = _by_name().get(key) or _by_city().get(key)
    if name is not None:
        return name
    if _OFFSET.match(raw.strip()):
        raise UserError(
            _(
                "`{zone}` is an offset from UTC, and offsets change with summer time. Type your "
                "city instead (for example London or New York) and pick it from the list."
            ).format(zone=shown)
        )
    raise UserError(
        _(
            "I don't know the time zone `{zone}`. Pick one from the list, written like "
            "Europe/Paris or America/New_York."
        ).format(zone=shown)
    )


def search_zones(current: str, limit: int = 25) -> list[str]:
    needle = _typed_key(current)
    names = zone_names()
    starts = [n for n in names if n.lower().startswith(needle)]
    contains = [n for n in names if needle in n.lower() and n not in starts]
    return (starts + contains)[:limit]


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
