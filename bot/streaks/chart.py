"""The /streak status picture: the last 8 weeks as a calendar, drawn with matplotlib (Agg).

Cells carry letters as well as shades (M = moved, R = rest, P = paused), so the picture does not
rely on colour; the reply always carries a text alternative too.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display, thread-safe figure rendering without pyplot

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.streaks.store import History

WEEKS = 8
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def grid_start(today: date) -> date:
    """Monday of the week 7 weeks before this one."""
    return today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)


def cell(history: History, paused: set[date], day: date, today: date) -> tuple[str, float]:
    """(label, shade 0..1) for one day."""
    if day > today:
        return "", 0.0
    row = history.day(day)
    if row.checkins:
        return ("M" if not row.minutes else str(row.minutes)), min(1.0, 0.45 + row.minutes / 120)
    if row.rest_reason is not None:
        return "R", 0.25
    if day in paused:
        return "P", 0.1
    return "", 0.0


def render_png(history: History, today: date, paused: set[date]) -> Path:
    start = grid_start(today)
    figure = Figure(figsize=(6.4, 3.4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    shades = [[0.0] * WEEKS for _ in range(7)]
    for week in range(WEEKS):
        for weekday in range(7):
            day = start + timedelta(weeks=week, days=weekday)
            label, shade = cell(history, paused, day, today)
            shades[weekday][week] = shade
            if label:
                axes.text(
                    week,
                    weekday,
                    label,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if shade > 0.6 else "black",
                )
    axes.imshow(shades, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    axes.set_yticks(range(7), WEEKDAYS)
    axes.set_xticks(
        range(WEEKS), [f"{start + timedelta(weeks=w):%d %b}" for w in range(WEEKS)], fontsize=7
    )
    axes.set_xticks([x - 0.5 for x in range(1, WEEKS)], minor=True)
    axes.set_yticks([y - 0.5 for y in range(1, 7)], minor=True)
    axes.grid(which="minor", color="white", linewidth=2)
    axes.tick_params(which="minor", length=0)
    axes.set_title("Last 8 weeks (number = minutes, M = moved, R = rest, P = paused)", fontsize=9)
    figure.tight_layout()
    handle = tempfile.NamedTemporaryFile(prefix="streak-", suffix=".png", delete=False)  # noqa: SIM115
    with handle:
        figure.savefig(handle, format="png")
    return Path(handle.name)
