"""The text list under the status picture: one line per week since joining, quiet weeks kind."""

from __future__ import annotations

from datetime import date, timedelta

from bot.streaks.status import week_lines
from bot.streaks.store import DayRow, History

TODAY = date(2026, 3, 11)  # a Wednesday
THIS_MONDAY = date(2026, 3, 9)


def monday(weeks_ago: int) -> date:
    return THIS_MONDAY - timedelta(weeks=weeks_ago)


def test_runs_of_quiet_weeks_are_one_kind_line_each() -> None:
    history = History()
    history.days[monday(6) + timedelta(days=1)] = DayRow(1, 10, None)  # moved
    # 5, 4 and 3 weeks ago: nothing. Two weeks ago: a rest day. Last week: nothing.
    history.days[monday(2) + timedelta(days=2)] = DayRow(0, 0, "fatigue")
    lines = week_lines(history, TODAY, set(), join_day=monday(6))
    assert len(lines) == 5, lines
    assert lines[0].startswith("Week of ") and "10 min" in lines[0]
    assert lines[1].startswith("Weeks of ") and lines[1].endswith("quiet weeks")
    assert "rest day" in lines[2]
    assert lines[3].startswith("Week of ") and lines[3].endswith("a quiet week")
    assert "missed" not in " ".join(lines).lower()  # quiet, never "missed"


def test_weeks_before_joining_are_left_out() -> None:
    lines = week_lines(History(), TODAY, set(), join_day=TODAY - timedelta(days=1))
    assert len(lines) == 1  # only this week, which is still open
