"""Reading a typed command the way Discord's client does, from the commands the bot synced.

``/checkin minutes:10 activity:walking`` (named) or ``/checkin 10 walking`` (values fill the
options in order); double quotes group words (``note:"felt ok"``). A text option takes every
word after it up to the next ``name:``, as the client's text field does, so
``/moderation check text:PSA: a "Dr X" DM is a scam`` reaches the bot exactly as typed, quotes
and colons included; the last text option also takes the rest of the line, so
``/moderation check free herbal cure`` needs no quotes. Checking the values (ranges, choices,
channels) is the driver's job, exactly as for the tests.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Word:
    text: str  # with its grouping quotes removed
    start: int  # where it is in the line, quotes included
    end: int


def scan(line: str) -> list[Word]:
    """Words split on spaces; double quotes group (an unbalanced quote is kept as typed).

    Apostrophes never group: "don't" and "it's" are ordinary words.
    """
    words: list[Word] = []
    i, size = 0, len(line)
    while i < size:
        if line[i].isspace():
            i += 1
            continue
        start, parts = i, []
        while i < size and not line[i].isspace():
            close = line.find('"', i + 1) if line[i] == '"' else -1
            if close > 0:
                parts.append(line[i + 1 : close])
                i = close + 1
            else:
                end = i + 1
                while end < size and not line[end].isspace() and line[end] != '"':
                    end += 1
                parts.append(line[i:end])
                i = end
        words.append(Word("".join(parts), start, i))
    return words


def split(line: str) -> list[str]:
    return [word.text for word in scan(line)]


def _joined(line: str, words: list[Word], named_at: list[int]) -> str:
    """Several words as one value: the line as typed, unless a named option sits among them."""
    if len(words) == 1:
        return words[0].text
    if any(words[0].start < at < words[-1].end for at in named_at):
        return " ".join(word.text for word in words)
    return line[words[0].start : words[-1].end]


def parse(driver: Driver, channel: Channel, line: str) -> Typed:
    line = line.lstrip("/")
    words = scan(line)
    if not words:
        raise InputError("Type a command after the /, for example /help.")
    command, path, options = driver.resolve(channel, [word.text for word in words])
    by_name = {o["name"]: o for o in options}
    values: dict[str, Any] = {}
    positional: list[Word] = []
    named_at: list[int] = []
    # A named text option keeps taking words until the next name: (its value's start in line).
    taking: tuple[str, int] | None = None
    for word in words[1 + len(path) :]:
        name, sep, value = word.text.partition(":")
        if sep and name.lower() in by_name:
            key = name.lower()
            values[key] = value
            named_at.append(word.start)
            text_option = by_name[key]["type"] == STRING
            taking = (key, word.start + len(name) + 1) if text_option else None
        elif taking is not None:
            key, value_start = taking
            values[key] = line[value_start : word.end].strip()
        else:
            positional.append(word)
    # "text:" with nothing after it is not a value: the driver then says what is required.
    values = {key: value for key, value in values.items() if value != ""}
    free = [o for o in options if o["name"] not in values]
    for index, option in enumerate(free):
        if not positional:
            break
        last = index == len(free) - 1 or not positional[1:]
        if option["type"] == STRING and (last or len(free) == 1):
            values[option["name"]] = _joined(line, positional, named_at)
            positional = []
        else:
            values[option["name"]] = positional.pop(0).text
    if positional:
        extra = " ".join(word.text for word in positional)
        raise InputError(f"Too many values: `{extra[:40]}` has no option to fill.")
    return Typed([command.name, *path], values, options)


def usage(options: list[dict[str, Any]]) -> str:
    parts = []
    for option in options:
        text = option["name"]
        parts.append(f"<{text}>" if option.get("required") else f"[{text}]")
    return " ".join(parts)
