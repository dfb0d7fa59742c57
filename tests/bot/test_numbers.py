"""Strict number parsing, shared by the whole core (issue "Hardening", item 6)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError
from bot.numbers import SQLITE_INT_MAX, parse_float, parse_id, parse_int, valid_id


@pytest.mark.parametrize(
    "text",
    ["²", "١٢", "1_000", "0x10", "1e3", "", " ", "+", "-", "9" * 5000, "３", "1.0", "1 2"],
)
def test_parse_int_refuses_anything_but_ascii_digits(text: str) -> None:
    with pytest.raises(UserError, match="needs a whole number"):
        parse_int(text, what="`rest_days`", minimum=0, maximum=7)


def test_parse_int_range_and_spaces() -> None:
    assert parse_int(" 7 ", what="x", minimum=0, maximum=7) == 7
    assert parse_int("-0", what="x", minimum=0, maximum=7) == 0
    with pytest.raises(UserError, match="between 0 and 7"):
        parse_int("8", what="x", minimum=0, maximum=7)


@pytest.mark.parametrize(
    "text", ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "4,5", "²", "٤", "1e3", "."]
)
def test_parse_float_refuses_nan_infinity_exponents_and_odd_digits(text: str) -> None:
    with pytest.raises(UserError):
        parse_float(text, what="`moderation_threshold`", minimum=0.5, maximum=50)


def test_parse_float_accepts_plain_decimals() -> None:
    for text, value in (("4", 4.0), ("4.5", 4.5), (".5", 0.5), ("50.", 50.0), (" 3 ", 3.0)):
        assert parse_float(text, what="x", minimum=0.5, maximum=50) == value


def test_ids_fit_sqlite() -> None:
    assert parse_id("#12") == 12 and parse_id(" 12 ") == 12
    assert parse_id(str(SQLITE_INT_MAX)) == SQLITE_INT_MAX
    for text in ("99999999999999999999", str(SQLITE_INT_MAX + 1), "0", "#", "##1", "²", "1" * 5000):
        assert parse_id(text) is None
    assert valid_id(2**64) is None and valid_id(-1) is None and valid_id(5) == 5


@given(st.text(max_size=60))
def test_any_text_is_a_number_or_a_friendly_error(text: str) -> None:
    for parse in (
        lambda: parse_int(text, what="x", minimum=-10, maximum=10),
        lambda: parse_float(text, what="x", minimum=-10, maximum=10),
    ):
        try:
            value = parse()
        except UserError:
            continue
        assert math.isfinite(value) and -10 <= value <= 10
    parsed = parse_id(text)
    assert parsed is None or 1 <= parsed <= SQLITE_INT_MAX
