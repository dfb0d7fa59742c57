"""The /streak status picture: readable at half size, high contrast, every state shown in words.

Reference images live in ``tests/bot/streaks/reference/``. After an intended change to the
picture, regenerate them and look at them before committing:

    UPDATE_REFERENCE_IMAGES=1 .venv/bin/python -m pytest tests/bot/streaks/test_chart.py

The comparison allows a small tolerance, so anti-aliasing differences never fail it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.testing.compare import compare_images
from matplotlib.text import Text

from bot.streaks import chart
from bot.streaks.chart import STYLES, Calendar, DayState, build_calendar, draw_figure
from bot.streaks.store import DayRow, History

REFERENCE = Path(__file__).parent / "reference"
TOLERANCE = 2.0  # RMS over 0-255 pixel values
TODAY = date(2026, 3, 4)  # a Wednesday
#: Discord shows a picture about 300-400 px wide on a phone: this is the half-size check.
HALF = 0.5
MIN_PT_AT_HALF_SIZE = 14.0
SCREEN_PX_PER_INCH = 96  # CSS pixels: 14 pt = 18.7 px


# -- the three reference members ---------------------------------------------------------------
def new_member() -> tuple[History, set[date], date]:
    return History(), set(), TODAY


def member_on_a_streak() -> tuple[History, set[date], date]:
    joined = TODAY - timedelta(days=38)
    history = History()
    for offset in range(0, 39):
        day = TODAY - timedelta(days=offset)
        if offset in (30, 31, 35):  # a few quiet days early on
            continue
        if offset % 7 == 3:
            history.days[day] = DayRow(0, 0, "fatigue")
        else:
            history.days[day] = DayRow(1, 10 + offset % 4 * 5, None)
    return history, set(), joined


def member_back_from_pause() -> tuple[History, set[date], date]:
    history = History()
    for offset in range(20, 70):
        history.days[TODAY - timedelta(days=offset)] = DayRow(1, 20, None)
    pause = (TODAY - timedelta(days=19), TODAY - timedelta(days=3))
    history.pauses.append((*pause, "pause"))
    for offset in (2, 1, 0):
        history.days[TODAY - timedelta(days=offset)] = DayRow(1, 15, None)
    return history, history.paused(TODAY), TODAY - timedelta(days=120)


MEMBERS = {
    "new_member": new_member,
    "on_a_streak": member_on_a_streak,
    "back_from_pause": member_back_from_pause,
}


def calendar_of(name: str) -> Calendar:
    history, paused, joined = MEMBERS[name]()
    return build_calendar(history, paused, TODAY, joined)


def drawn(name: str) -> Figure:
    figure = draw_figure(calendar_of(name))
    figure.canvas.draw()
    return figure


def texts_of(figure: Figure) -> list[Text]:
    return [t for t in figure.findobj(Text) if t.get_text().strip()]


# -- colour maths (WCAG 2.x) --------------------------------------------------------------------
def luminance(colour: str | tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str | tuple[float, ...], b: str | tuple[float, ...]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_maths_matches_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


# -- the calendar model ----------------------------------------------------------------------------
def test_states_of_a_calendar() -> None:
    history, paused, joined = member_back_from_pause()
    history.days[TODAY - timedelta(days=23)] = DayRow(0, 0, "flare")
    del history.days[TODAY - timedelta(days=24)]
    states = {
        day: state
        for week in build_calendar(history, paused, TODAY, joined).weeks
        for day, state in week
    }
    assert states[TODAY] is DayState.MOVED
    assert states[TODAY + timedelta(days=1)] is DayState.FUTURE
    assert states[TODAY - timedelta(days=10)] is DayState.PAUSED
    assert states[TODAY - timedelta(days=23)] is DayState.REST
    assert states[TODAY - timedelta(days=24)] is DayState.OPEN
    new_states = [s for week in calendar_of("new_member").weeks for _, s in week]
    assert new_states.count(DayState.BEFORE_JOINING) == 7 * 7 + 2  # Monday and Tuesday too
    assert new_states[7 * 7 + 2] is DayState.OPEN  # today, not checked in yet


def test_every_state_has_its_own_symbol_or_pattern_and_words() -> None:
    looks = {(s.symbol, s.hatch, s.edge_style) for s in STYLES.values()}
    assert len(looks) == len(DayState) == len(STYLES)
    assert all(s.symbol or s.hatch or s.edge_style != "solid" for s in STYLES.values())
    labels = [s.label for s in STYLES.values()]
    assert len(set(labels)) == len(labels) and all(labels)


# -- reference images ----------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(MEMBERS))
def test_matches_reference_image(name: str, tmp_path: Path) -> None:
    expected = REFERENCE / f"{name}.png"
    actual = chart.save_png(draw_figure(calendar_of(name)), tmp_path / f"{name}.png")
    if os.environ.get("UPDATE_REFERENCE_IMAGES"):
        REFERENCE.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
        pytest.skip(f"reference image {expected.name} rewritten: look at it before committing")
    assert expected.exists(), f"missing {expected}; see this module's docstring to create it"
    difference = compare_images(str(expected), str(actual), TOLERANCE)
    assert difference is None, (
        f"{difference}\nThe picture changed. If that was intended, regenerate the references "
        "with UPDATE_REFERENCE_IMAGES=1 (see this module's docstring) and review them."
    )


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    first = chart.save_png(draw_figure(calendar_of("on_a_streak")), tmp_path / "a.png")
    second = chart.save_png(draw_figure(calendar_of("on_a_streak")), tmp_path / "b.png")
    assert first.read_bytes() == second.read_bytes()
    assert b"Software" not in first.read_bytes()[:2000]


# -- readable at half size --------------------------------------------------------------------
def points_at_half_size(text: Text, dpi: float) -> float:
    pixels = text.get_fontsize() * dpi / 72 * HALF
    return pixels * 72 / SCREEN_PX_PER_INCH


@pytest.mark.parametrize("name", sorted(MEMBERS))
def test_text_is_at_least_14_pt_at_half_size_and_inside_the_picture(name: str) -> None:
    figure = drawn(name)
    width, height = chart.picture_size()
    assert (figure.bbox.width, figure.bbox.height) == (width, height)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = []
    for text in texts_of(figure):
        assert points_at_half_size(text, figure.dpi) >= MIN_PT_AT_HALF_SIZE, text.get_text()
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= width and box.y0 >= 0 and box.y1 <= height, text
        boxes.append((text.get_text(), box))
    for index, (label, box) in enumerate(boxes):
        for other_label, other in boxes[index + 1 :]:
            assert not box.overlaps(other), f"{label!r} overlaps {other_label!r}"


def test_measured_sizes_for_the_report() -> None:
    """The smallest text, in numbers (printed with -s; asserted above)."""
    figure = drawn("on_a_streak")
    smallest = min(points_at_half_size(t, figure.dpi) for t in texts_of(figure))
    print(f"picture {chart.picture_size()}, smallest text {smallest:.1f} pt at half size")
    assert smallest >= MIN_PT_AT_HALF_SIZE


# -- contrast ---------------------------------------------------------------------------------------
def _pixels(figure: Figure) -> np.ndarray:
    return np.asarray(figure.canvas.buffer_rgba())[:, :, :3]  # type: ignore[attr-defined]


def _rgb(colour: str | tuple[float, ...]) -> tuple[int, int, int]:
    r, g, b = (round(c * 255) for c in to_rgb(colour))
    return r, g, b


@pytest.mark.parametrize("name", sorted(MEMBERS))
def test_text_and_symbols_contrast_with_what_is_behind_them(name: str) -> None:
    """Measured on the rendered pixels: the background is the commonest colour under each text."""
    figure = drawn(name)
    pixels = _pixels(figure)
    height = len(pixels)
    symbols = {style.symbol for style in STYLES.values() if style.symbol}
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for text in texts_of(figure):
        box = text.get_window_extent(renderer)
        top, bottom = max(0, int(height - box.y1)), min(height, int(height - box.y0))
        area = pixels[top:bottom, max(0, int(box.x0)) : int(box.x1)].reshape(-1, 3)
        seen = Counter(map(tuple, area.tolist()))
        background = seen.most_common(1)[0][0]
        ink = _rgb(text.get_color())
        assert (np.abs(area - np.array(ink)).max(axis=1) <= 8).any(), (
            f"{text.get_text()!r} is not drawn in its colour"
        )
        ratio = contrast(tuple(c / 255 for c in ink), tuple(c / 255 for c in background))
        needed = 3.0 if text.get_text() in symbols else 4.5
        assert ratio >= needed, f"{text.get_text()!r}: {ratio:.2f} < {needed}"


def test_patterns_and_frames_contrast_with_their_fill() -> None:
    figure = drawn("back_from_pause")
    patches = [p for p in figure.axes[0].patches if isinstance(p, Rectangle)]
    frames = [p for p in patches if not p.get_fill()]
    assert len(frames) == 2  # today in the calendar, and its legend sample
    fills = {s.fill for s in STYLES.values()}
    for frame in frames:
        assert frame.get_linewidth() * figure.dpi / 72 >= 4
        assert all(contrast(frame.get_edgecolor(), fill) >= 3 for fill in fills)
    for patch in patches:
        if patch.get_hatch():
            assert contrast(patch.get_hatchcolor(), patch.get_facecolor()) >= 3
        if patch.get_linestyle() in (
            ":",
            "dotted",
        ):  # the dotted edge is the whole pattern of "to come"
            assert contrast(patch.get_edgecolor(), chart.PAPER) >= 3


def test_legend_says_every_state_and_today_in_words() -> None:
    words = {t.get_text() for t in texts_of(drawn("new_member"))}
    assert {s.label for s in STYLES.values()} | {chart.TODAY_LABEL} <= words


def test_start_up_does_not_import_matplotlib_or_numpy() -> None:
    code = (
        "import sys, bot.streaks.service, bot.streaks.status, bot.streaks.chart\n"
        "print(sorted(m for m in ('matplotlib', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
