"""Time zones as members type them: full names, a city alone, and clear refusals."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.streaks import zones


def test_full_names_are_case_insensitive_and_strict() -> None:
    assert zones.validate_zone("europe/paris") == "Europe/Paris"
    assert zones.validate_zone("America/New York") == "America/New_York"
    assert zones.validate_zone(" UTC ") == "UTC"
    with pytest.raises(UserError, match="time zone `Mars/Olympus_Mons`"):
        zones.validate_zone("Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("london", "Europe/London"),
        ("New York", "America/New_York"),
        ("  PARIS ", "Europe/Paris"),
        ("sao_paulo", "America/Sao_Paulo"),
        ("Honolulu", "Pacific/Honolulu"),
        # tzdb keeps an old alias for the same clock; the current, longer name is stored.
        ("indianapolis", "America/Indiana/Indianapolis"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_a_city_alone_names_its_zone(typed: str, expected: str) -> None:
    assert zones.validate_zone(typed) == expected


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("PST", "America/Los_Angeles"),
        ("est", "America/New_York"),  # tzdb's EST is fixed: an hour off all summer
        ("CET", "Europe/Paris"),
        ("BST", "Europe/London"),
        ("AEST", "Australia/Sydney"),
    ],
)
def test_short_names_are_refused_with_the_zone_to_type(typed: str, suggested: str) -> None:
    with pytest.raises(UserError, match=rf"`{typed}` is a short name.*{suggested}"):
        zones.validate_zone(typed)


@pytest.mark.parametrize("typed", ["UTC+2", "gmt-5", "+05:30", "UTC −3", "utc+10:00"])
def test_offsets_are_refused_with_what_to_type(typed: str) -> None:
    with pytest.raises(UserError, match=r"offset from UTC.*Type your city"):
        zones.validate_zone(typed)


def test_hawaii_keeps_its_short_name() -> None:
    # No summer time in Hawaii, so tzdb's fixed HST is the right clock.
    assert zones.validate_zone("HST") == "HST"


def test_search_lists_starts_before_contains() -> None:
    assert zones.search_zones("paris")[0] == "Europe/Paris"
    assert zones.search_zones("europe/lon")[0] == "Europe/London"
    assert len(zones.search_zones("")) == 25
