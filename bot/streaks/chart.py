"""The /streak status picture: the last 8 weeks as a calendar, one row per week.

Made to be read on a phone, where Discord shows an image about 300-400 px wide: the picture is
800 px wide and its smallest text is 28 pt at 100 dpi, so it is still 14 pt or more when shown
at half size. Every state has a symbol or a pattern as well as a colour (Okabe-Ito, safe for
colour-blind readers), today has a thick frame, and a legend says each state in words. The reply
always carries a text alternative too (``bot.streaks.status``).

matplotlib is imported inside :func:`draw_figure` only: the bot starts without it, and it is
loaded the first time someone asks for a picture. Fonts are those shipped with matplotlib and the
PNG carries no version or date, so the same calendar always gives the same picture (the tests
compare against reference images in ``tests/bot/streaks/reference/``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import N_, _
from bot.streaks.store import History
from bot.streaks.texts import short_day

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WEEKS = 8
#: TRANSLATORS: weekday column heads of the streak picture, Monday first (two letters).
WEEKDAYS = (N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su"))
TITLE = N_("Your last 8 weeks")
TODAY_LABEL = N_("today")

DPI = 100
WIDTH_PX = 800
FONT = "DejaVu Sans"
TEXT_PT = 28  # 28 pt at 100 dpi is 19.4 px: 14.6 pt (at 96 px per inch) when shown at half size
TITLE_PT = 32
SYMBOL_PT = 38
INK = "#1a1a1a"
PAPER = "#ffffff"
TODAY_FRAME = "#000000"


class DayState(StrEnum):
    MOVED = "moved"
    REST = "rest"
    PAUSED = "paused"
    OPEN = "open"  # a past day (or today) without a check-in
    FUTURE = "future"
    BEFORE_JOINING = "before_joining"


@dataclass(frozen=True)
class StateStyle:
    """How one state looks. Symbols and patterns differ per state, so colour is never needed."""

    label: str  # the legend's words
    fill: str
    symbol: str = ""
    symbol_colour: str = INK
    hatch: str | None = None
    hatch_colour: str = INK
    edge: str = "#767676"
    edge_style: str = "solid"


# Okabe-Ito blue, orange and reddish purple for the three recorded states; greys for the rest.
STYLES: dict[DayState, StateStyle] = {
    DayState.MOVED: StateStyle(
        N_("moved"), "#0072B2", "✓", symbol_colour="#ffffff", edge="#0072B2"
    ),
    DayState.REST: StateStyle(N_("rest day"), "#E69F00", "☾", edge="#E69F00"),
    DayState.PAUSED: StateStyle(N_("paused"), "#CC79A7", "‖", edge="#CC79A7"),
    DayState.OPEN: StateStyle(N_("no check-in"), "#ffffff", "–", symbol_colour="#595959"),
    DayState.FUTURE: StateStyle(N_("still to come"), "#ffffff", edge_style="dotted"),
    DayState.BEFORE_JOINING: StateStyle(
        N_("before joining"), "#ececec", hatch="//", hatch_colour="#6b6b6b", edge="#6b6b6b"
    ),
}
LEGEND_ORDER = (
    DayState.MOVED,
    DayState.REST,
    DayState.PAUSED,
    DayState.OPEN,
    DayState.FUTURE,
    DayState.BEFORE_JOINING,
)


def grid_start(today: date) -> date:
    """Monday of the week 7 weeks before this one."""
    return today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)


def day_state(
    history: History, paused: set[date], day: date, today: date, join_day: date
) -> DayState:
    if day < join_day:
        return DayState.BEFORE_JOINING
    if day > today:
        return DayState.FUTURE
    row = history.day(day)
    if row.checkins:
        return DayState.MOVED
    if row.rest_reason is not None:
        return DayState.REST
    if day in paused:
        return DayState.PAUSED
    return DayState.OPEN


@dataclass(frozen=True)
class Calendar:
    """What the picture shows: ``weeks[row][weekday]`` is (day, state); row 0 is the oldest."""

    today: date
    weeks: list[list[tuple[date, DayState]]]


def build_calendar(history: History, paused: set[date], today: date, join_day: date) -> Calendar:
    start = grid_start(today)
    weeks = []
    for week in range(WEEKS):
        monday = start + timedelta(weeks=week)
        days = [monday + timedelta(days=offset) for offset in range(7)]
        weeks.append([(d, day_state(history, paused, d, today, join_day)) for d in days])
    return Calendar(today, weeks)


# -- drawing -----------------------------------------------------------------------------------
# Layout in pixels of the 800 px wide picture, top to bottom.
_MARGIN = 20
_TITLE_H = 64
_HEADER_H = 52
_LABEL_W = 150
_CELL_W = (WIDTH_PX - 2 * _MARGIN - _LABEL_W) // 7  # 90
_CELL_H = 66
_GAP = 6
_LEGEND_GAP = 28
_LEGEND_ROW_H = 58
_LEGEND_SAMPLE_W = 62
_LEGEND_SAMPLE_H = 46
_LEGEND_COLUMNS = 2
_TODAY_FRAME_PX = 6


def _legend_rows() -> int:
    entries = len(LEGEND_ORDER) + 1  # and "today"
    return -(-entries // _LEGEND_COLUMNS)


def picture_size() -> tuple[int, int]:
    height = (
        _MARGIN
        + _TITLE_H
        + _HEADER_H
        + WEEKS * _CELL_H
        + _LEGEND_GAP
        + _legend_rows() * _LEGEND_ROW_H
        + _MARGIN
    )
    return WIDTH_PX, height


def draw_figure(calendar: Calendar) -> Figure:
    """The calendar as a matplotlib figure (Agg canvas, no pyplot, no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    width, height = picture_size()
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor=PAPER)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)  # y grows downwards, like the layout constants
    axes.set_axis_off()
    text_style = {"fontfamily": FONT, "color": INK, "va": "center"}

    def cell(
        x: float, y: float, w: float, h: float, state: DayState, *, symbol_pt: float | None
    ) -> None:
        style = STYLES[state]
        patch = Rectangle(
            (x, y),
            w,
            h,
            facecolor=style.fill,
            edgecolor=style.edge,
            linestyle=style.edge_style,
            linewidth=2,
            hatch=style.hatch,
        )
        if style.hatch:
            patch.set_hatchcolor(style.hatch_colour)
            patch.set_hatch_linewidth(2)
        axes.add_patch(patch)
        if style.symbol and symbol_pt is not None:
            axes.text(
                x + w / 2,
                y + h / 2,
                style.symbol,
                ha="center",
                fontsize=symbol_pt,
                fontweight="bold",
                **{**text_style, "color": style.symbol_colour},
            )

    def today_frame(x: float, y: float, w: float, h: float) -> None:
        inset = _TODAY_FRAME_PX / 2
        axes.add_patch(
            Rectangle(
                (x + inset, y + inset),
                w - 2 * inset,
                h - 2 * inset,
                fill=False,
                edgecolor=TODAY_FRAME,
                linewidth=_TODAY_FRAME_PX * 72 / DPI,
            )
        )

    y = _MARGIN
    axes.text(
        _MARGIN, y + _TITLE_H / 2, _(TITLE), fontsize=TITLE_PT, fontweight="bold", **text_style
    )
    y += _TITLE_H
    grid_x = _MARGIN + _LABEL_W
    for weekday, name in enumerate(WEEKDAYS):
        axes.text(
            grid_x + weekday * _CELL_W + _CELL_W / 2,
            y + _HEADER_H / 2,
            _(name),
            ha="center",
            fontsize=TEXT_PT,
            **text_style,
        )
    y += _HEADER_H
    for row, week in enumerate(calendar.weeks):
        top = y + row * _CELL_H
        monday = week[0][0]
        axes.text(_MARGIN, top + _CELL_H / 2, short_day(monday), fontsize=TEXT_PT, **text_style)
        for weekday, (day, state) in enumerate(week):
            x = grid_x + weekday * _CELL_W + _GAP / 2
            cell(x, top + _GAP / 2, _CELL_W - _GAP, _CELL_H - _GAP, state, symbol_pt=SYMBOL_PT)
            if day == calendar.today:
                today_frame(x, top + _GAP / 2, _CELL_W - _GAP, _CELL_H - _GAP)
    y += WEEKS * _CELL_H + _LEGEND_GAP
    column_w = (width - 2 * _MARGIN) / _LEGEND_COLUMNS
    entries: list[DayState | None] = [*LEGEND_ORDER, None]  # None: the today frame
    for index, state in enumerate(entries):
        x = _MARGIN + (index % _LEGEND_COLUMNS) * column_w
        top = y + (index // _LEGEND_COLUMNS) * _LEGEND_ROW_H
        sample_y = top + (_LEGEND_ROW_H - _LEGEND_SAMPLE_H) / 2
        if state is None:
            cell(x, sample_y, _LEGEND_SAMPLE_W, _LEGEND_SAMPLE_H, DayState.OPEN, symbol_pt=None)
            today_frame(x, sample_y, _LEGEND_SAMPLE_W, _LEGEND_SAMPLE_H)
            label = _(TODAY_LABEL)
        else:
            cell(x, sample_y, _LEGEND_SAMPLE_W, _LEGEND_SAMPLE_H, state, symbol_pt=TEXT_PT)
            label = _(STYLES[state].label)
        axes.text(
            x + _LEGEND_SAMPLE_W + 14,
            top + _LEGEND_ROW_H / 2,
            label,
            fontsize=TEXT_PT,
            **text_style,
        )
    return figure


def save_png(figure: Figure, path: Path) -> Path:
    # No "Software" entry: the bytes do not change with the matplotlib version's name.
    figure.savefig(path, format="png", dpi=DPI, facecolor=PAPER, metadata={"Software": None})
    return path


def render_png(history: History, today: date, paused: set[date], join_day: date) -> Path:
    calendar = build_calendar(history, paused, today, join_day)
    handle = tempfile.NamedTemporaryFile(prefix="streak-", suffix=".png", delete=False)  # noqa: SIM115
    handle.close()
    return save_png(draw_figure(calendar), Path(handle.name))
