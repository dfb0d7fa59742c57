"""Typed lines become option values as Discord's client would send them."""

from __future__ import annotations

from typing import Any, cast

import pytest

from bot.console.parse import parse, scan
from bot.local_discord.driver import Driver
from bot.local_discord.model import Channel
from bot.local_discord.options import INTEGER, STRING, InputError


class _Command:
    name = "cmd"


class _Driver:
    """Resolves every line to one command with these options (all the parser asks of it)."""

    def __init__(self, options: list[dict[str, Any]]) -> None:
        self.options = options

    def resolve(self, channel: Channel, words: list[str]) -> tuple[Any, list[str], list[dict]]:
        return _Command(), [], self.options


CHECK = [{"name": "text", "type": STRING, "required": True}]
CHECKIN = [
    {"name": "minutes", "type": INTEGER, "required": True},
    {"name": "activity", "type": STRING},
    {"name": "note", "type": STRING},
]


def values(options: list[dict[str, Any]], line: str) -> dict[str, Any]:
    driver = cast(Driver, _Driver(options))
    return parse(driver, Channel(id=1, name="general"), line).values


def test_a_named_text_option_takes_the_words_after_it_as_typed() -> None:
    line = '/cmd text:PSA: someone DMd me "Dr X cured my MS, whatsapp him". Scam!'
    assert values(CHECK, line) == {
        "text": 'PSA: someone DMd me "Dr X cured my MS, whatsapp him". Scam!'
    }
    assert values(CHECK, "/cmd text:Get FREE nitro here: x.com") == {
        "text": "Get FREE nitro here: x.com"
    }


def test_a_text_option_stops_at_the_next_name() -> None:
    assert values(CHECKIN, "/cmd minutes:10 note:felt ok today activity:walking") == {
        "minutes": "10",
        "note": "felt ok today",
        "activity": "walking",
    }
    assert values(CHECKIN, '/cmd minutes:10 activity:walking note:"felt ok"') == {
        "minutes": "10",
        "activity": "walking",
        "note": "felt ok",
    }


def test_positional_values_fill_in_order_and_the_last_text_takes_the_rest() -> None:
    assert values(CHECKIN, "/cmd 5 yoga") == {"minutes": "5", "activity": "yoga"}
    assert values(CHECK, '/cmd don\'t buy the "herbal" cure') == {
        "text": 'don\'t buy the "herbal" cure'
    }


def test_an_empty_named_value_is_missing_not_the_option_name() -> None:
    assert values(CHECK, "/cmd text:") == {}
    assert values(CHECK, "/cmd text:   ") == {}


def test_a_number_option_does_not_swallow_words() -> None:
    with pytest.raises(InputError, match="Too many values"):
        values([{"name": "days", "type": INTEGER}], "/cmd days:30 please")


def test_scan_groups_double_quotes_and_keeps_an_unbalanced_one() -> None:
    assert [w.text for w in scan('a "b c" d"e f"g')] == ["a", "b c", "de fg"]
    assert [w.text for w in scan('say "hi there')] == ["say", '"hi', "there"]
    assert [w.text for w in scan("it's   fine")] == ["it's", "fine"]
