"""Tab completion for the interactive console: command names, then the bot's own autocomplete.

Like Discord's client: after ``/`` it offers the synced commands and sub-commands; inside an
option with autocomplete it asks the bot (a real autocomplete interaction); for choices it offers
the choices; for a channel option, the channels.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from typing import TYPE_CHECKING, Any

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from bot.console.parse import split
from bot.local_discord.options import CHANNEL, SUB_COMMAND, SUB_COMMAND_GROUP, InputError

if TYPE_CHECKING:
    from bot.console.session import ConsoleSession


class CommandCompleter(Completer):
    def __init__(self, session: ConsoleSession) -> None:
        self.session = session

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        return []  # everything is asynchronous: see get_completions_async

    async def get_completions_async(
        self, document: Document, complete_event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        text = document.text_before_cursor
        if text.startswith("#") and " " not in text:
            for name in [*self.session.world.channels, "dm"]:
                if name.startswith(text[1:]):
                    yield Completion(f"#{name}", start_position=-len(text))
            return
        if not text.startswith("/"):
            return
        words = split(text[1:])
        current = "" if text.endswith(" ") else (words.pop() if words else "")
        for value, display in await self._candidates(words, current):
            yield Completion(value, start_position=-len(current), display=display)

    async def _candidates(self, words: list[str], current: str) -> list[tuple[str, str]]:
        session = self.session
        commands = session.driver.commands_in(session.channel)
        if not words:
            names = [c.name for c in commands] + ["as"]
            return [(n, n) for n in names if n.startswith(current.lower())]
        command = next((c for c in commands if c.name == words[0].lower()), None)
        if command is None:
            return []
        options: list[dict[str, Any]] = command.data.get("options") or []
        path = [command.name]
        for word in words[1:]:
            sub = next(
                (
                    o
                    for o in options
                    if o["name"] == word and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
                ),
                None,
            )
            if sub is None:
                break
            path.append(word)
            options = sub.get("options") or []
        if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options):
            return [(o["name"], o["name"]) for o in options if o["name"].startswith(current)]
        filled = [w for w in words[len(path) :]]
        name, _, typed = current.partition(":")
        if _ and any(o["name"] == name for o in options):
            option = next(o for o in options if o["name"] == name)
            prefix = f"{name}:"
        else:
            named = {w.split(":", 1)[0] for w in filled if ":" in w}
            free = [o for o in options if o["name"] not in named]
            positional = len([w for w in filled if ":" not in w])
            if positional >= len(free):
                return []
            option, prefix, typed = free[positional], "", current
        return [(prefix + value, label) for value, label in await self._values(path, option, typed)]

    async def _values(
        self, path: list[str], option: dict[str, Any], typed: str
    ) -> list[tuple[str, str]]:
        session = self.session
        if option.get("choices"):
            return [
                (str(c["value"]), c["name"])
                for c in option["choices"]
                if c["name"].startswith(typed)
            ]
        if option["type"] == CHANNEL:
            return [
                (f"#{n}", f"#{n}")
                for n in session.world.channels
                if n.startswith(typed.lstrip("#"))
            ]
        if not option.get("autocomplete"):
            return []
        try:
            choices = await session.driver.autocomplete(
                " ".join(path),
                option["name"],
                {option["name"]: typed},
                who=session.user,
                where=session.channel,
            )
        except InputError:
            return []
        return [(_quoted(str(c["value"])), c["name"]) for c in choices]


def _quoted(value: str) -> str:
    return f'"{value}"' if " " in value else value
