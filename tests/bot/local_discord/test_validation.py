"""The local Discord refuses what real Discord refuses: modals, autocomplete and command
payloads one step over each limit answer 50035 naming the field; the limit itself passes."""

from __future__ import annotations

from typing import Any

import pytest

from bot.local_discord import validation
from bot.local_discord.errors import DiscordError

INVALID_FORM_BODY = 50035


def text_row(n: int) -> dict[str, Any]:
    return {
        "type": 1,
        "components": [{"type": 4, "custom_id": f"f{n}", "label": "Why?", "style": 2}],
    }


def a_modal(title: str = "Feedback", inputs: int = 1) -> dict[str, Any]:
    return {"custom_id": "m", "title": title, "components": [text_row(n) for n in range(inputs)]}


def a_command(name: str = "checkin", **extra: Any) -> dict[str, Any]:
    return {"type": 1, "name": name, "description": "Log some movement", **extra}


def option(n: int, **extra: Any) -> dict[str, Any]:
    return {"type": 3, "name": f"o{n}", "description": "an option", **extra}


def refused_field(check: Any, payload: Any) -> dict[str, Any]:
    with pytest.raises(DiscordError) as refused:
        check(payload)
    assert refused.value.code == INVALID_FORM_BODY
    assert refused.value.errors
    return refused.value.errors


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (a_modal(title="x" * 46), "title"),
        (a_modal(title=""), "title"),
        (a_modal(inputs=6), "components"),
        (a_modal(inputs=0), "components"),
    ],
)
def test_modal_limits(payload: dict[str, Any], field: str) -> None:
    validation.modal(a_modal(title="x" * 45, inputs=5))  # at the limits: accepted
    assert field in refused_field(validation.modal, payload)["data"]


def test_autocomplete_answers_at_most_25_choices_of_100_characters() -> None:
    choices = [{"name": "n" * 100, "value": f"v{n}"} for n in range(25)]
    validation.autocomplete({"choices": choices})
    over = {"choices": [*choices, {"name": "one more", "value": "x"}]}
    assert "choices" in refused_field(validation.autocomplete, over)["data"]
    long_name = {"choices": [{"name": "n" * 101, "value": "v"}]}
    assert "choices" in refused_field(validation.autocomplete, long_name)["data"]


@pytest.mark.parametrize(
    "command",
    [
        a_command(name="CheckIn"),  # slash command names are lower case
        a_command(name="c" * 33),
        a_command(name=""),
        a_command(description="d" * 101),
        a_command(description=""),
        a_command(options=[option(n) for n in range(26)]),
        a_command(options=[option(1, choices=[{"name": f"c{n}", "value": n} for n in range(26)])]),
        a_command(options=[option(1), option(1)]),  # the same option name twice
        a_command(options=[option(1), option(2, required=True)]),  # required after optional
    ],
)
def test_command_payloads_over_a_limit_are_refused(command: dict[str, Any]) -> None:
    refused_field(validation.commands, [command])


def test_commands_at_the_limits_are_accepted() -> None:
    choices = [{"name": f"c{n}", "value": n} for n in range(25)]
    validation.commands(
        [
            a_command(
                name="c" * 32,
                description="d" * 100,
                options=[option(0, choices=choices), *(option(n) for n in range(1, 25))],
            )
        ]
    )
