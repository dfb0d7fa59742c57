"""Hostile input: random, huge and Unicode-heavy text never crashes and work stays bounded."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.moderation.detector import Detector
from bot.moderation.normalise import MAX_INPUT_CHARS, normalise
from bot.moderation.phrases import PhraseMatcher
from bot.moderation.rules import RuleSet
from bot.moderation.tracker import RecentTracker

SLOW = settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
pieces = st.sampled_from(
    [
        " ",
        ".",
        " . ",
        "(.)",
        "[dot]",
        " dot com",
        "ww w",
        "@",
        " at gmail",
        "cure",
        "herbal",
        "+234 813 555 1234",
        "\u200b",
        "é",
        "С",
        "𝐜",
        "http://",
        "discord.gg/",
        "<@123>",
        "0",
        "1",
    ]
)
hostile = st.one_of(
    st.text(max_size=3000),
    st.lists(pieces, max_size=400).map("".join),
    st.integers(min_value=1, max_value=50).map(lambda n: "a." * n * 100),
)


@SLOW
@given(text=hostile)
def test_detector_never_crashes(rules: RuleSet, text: str) -> None:
    verdict = Detector(rules, RecentTracker(max_entries=50)).check(text)
    assert math.isfinite(verdict.score)
    assert verdict.score == pytest.approx(sum(r.weight for r in verdict.reasons), abs=0.011)
    assert len(verdict.reasons) < 200


@SLOW
@given(chunk=st.text(min_size=1, max_size=50), copies=st.integers(MAX_INPUT_CHARS + 1, 20_000))
def test_huge_input_is_capped(chunk: str, copies: int) -> None:
    text = chunk * copies
    norm = normalise(text)
    assert norm.truncated
    # Work is bounded by the cap: dodge rebuilding only ever shortens the folded text.
    assert len(norm.text) <= MAX_INPUT_CHARS


@SLOW
@given(words=st.lists(st.sampled_from(["cure", "cured", "my", "ms", "herbal"]), max_size=3000))
def test_phrase_matches_are_bounded(rules: RuleSet, words: list[str]) -> None:
    matcher: PhraseMatcher = rules.phrases
    assert len(list(matcher.finditer(" ".join(words)))) <= 64


def test_tracker_is_bounded() -> None:
    from datetime import UTC, datetime

    tracker = RecentTracker(max_entries=100)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(1000):
        tracker.record(guild_id=1, author_id=i, channel_id=1, text_key=bytes([i % 256]), now=now)
    assert len(tracker) <= 200


HOSTILE_UNITS = [
    "@",
    "1",
    "a.",
    "a",
    " .",
    "ww w. ",
    "(.)",
    "[at]",
    " at ",
    " dot ",
    "http://",
    "a@",
    "1 ",
    "+1",
    "$",
    "c3",
    "é",
    '"',
    "> ",
    "[a](",
    "bc1q",
    "cure ",
]


def _seconds(detector: Detector, text: str) -> float:
    import time

    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        detector.check(text)
        best = min(best, time.perf_counter() - began)
    return best


def test_time_per_character_is_bounded_at_the_cap(rules: RuleSet) -> None:
    """Every hot-path pattern is linear: 10x the text costs about 10x the time, not 100x.

    The ratio allowed (30) is generous for a noisy machine; a quadratic pattern gives ~100.
    """
    detector = Detector(rules)
    for unit in HOSTILE_UNITS:
        long = (unit * (MAX_INPUT_CHARS // len(unit) + 1))[:MAX_INPUT_CHARS]
        short = long[: MAX_INPUT_CHARS // 10]
        detector.check(long)  # warm caches
        ratio = _seconds(detector, long) / max(_seconds(detector, short), 1e-6)
        assert ratio < 30, (unit, ratio)
