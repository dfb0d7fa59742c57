"""Reading a typed command the way Discord's client does, from the commands the bot synced.

``/checkin minutes:10 activity:walking`` (named) or ``/checkin 10 walking`` (values fill the
options in order); quotes group words (``note:"felt ok"``); the last option of type string takes
the rest of the line, so ``/moderation check free herbal cure`` needs no quotes. Checking the
values (ranges, choices, channels) is the driver's job, exactly as for the tests.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from bot.local_discord.driver import Driver
from bot.local_discord.model import Channel
from bot.local_discord.options import STRING, InputError


@dataclass
class Typed:
    words: list[str]  # the command path, e.g. ["article", "share"]
    values: dict[str, Any]
    options: list[dict[str, Any]]  # the leaf options, in order


def split(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:  # an unbalanced quote: keep the words, lose nothing
        return line.split()


def parse(driver: Driver, channel: Channel, line: str) -> Typed:
    tokens = split(line.lstrip("/"))
    if not tokens:
        raise InputError("Type a command after the /, for example /help.")
    command, path, options = driver.resolve(channel, tokens)
    rest = tokens[1 + len(path) :]
    by_name = {o["name"]: o for o in options}
    values: dict[str, Any] = {}
    positional: list[str] = []
    for token in rest:
        name, sep, value = token.partition(":")
        if sep and name.lower() in by_name and value:
            values[name.lower()] = value
        else:
            positional.append(token)
    free = [o for o in options if o["name"] not in values]
    for index, option in enumerate(free):
        if not positional:
            break
        last = index == len(free) - 1 or not positional[1:]
        if option["type"] == STRING and (last or len(free) == 1):
            values[option["name"]] = " ".join(positional)
            positional = []
        else:
            values[option["name"]] = positional.pop(0)
    if positional:
        raise InputError(f"Too many values: `{' '.join(positional)[:40]}` has no option to fill.")
    return Typed([command.name, *path], values, options)


def usage(options: list[dict[str, Any]]) -> str:
    parts = []
    for option in options:
        text = option["name"]
        parts.append(f"<{text}>" if option.get("required") else f"[{text}]")
    return " ".join(parts)
