"""Console command declarations. Each feature registers its commands from its ``feature.py``."""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.replies import Reply

if TYPE_CHECKING:
    from bot.app import App

#: Permissions the local console user has (the admin running it owns the "server").
CONSOLE_PERMISSIONS = frozenset(
    {"manage_guild", "manage_messages", "moderate_members", "ban_members", "administrator"}
)


@dataclass
class ConsoleContext:
    app: App
    user_id: int
    user_name: str
    guild_id: int
    channel_id: int
    permissions: frozenset[str] = CONSOLE_PERMISSIONS


@dataclass
class ConsoleArgs:
    raw: str
    positional: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.positional)

    def option(self, name: str, default: str | None = None) -> str | None:
        return self.options.get(name, default)


ConsoleHandler = Callable[[ConsoleContext, ConsoleArgs], Awaitable[Reply | list[Reply]]]
MessageHandler = Callable[[ConsoleContext, str], Awaitable[Reply | None]]


@dataclass(frozen=True)
class ConsoleCommand:
    name: str  # e.g. "article search" (typed as "/article search")
    description: str
    feature: str
    handler: ConsoleHandler
    usage: str = ""
    options: tuple[str, ...] = ()

    @property
    def signature(self) -> str:
        return f"/{self.name} {self.usage}".rstrip()

    def parse(self, raw: str) -> ConsoleArgs:
        try:
            tokens = shlex.split(raw)
        except ValueError:  # unbalanced quotes: keep the words, lose nothing
            tokens = raw.split()
        args = ConsoleArgs(raw=raw)
        for token in tokens:
            key, sep, value = token.partition(":")
            if sep and key.lower() in self.options and value:
                args.options[key.lower()] = value
            else:
                args.positional.append(token)
        return args


class ConsoleRegistry:
    def __init__(self) -> None:
        self._commands: dict[str, ConsoleCommand] = {}
        self.message_handlers: list[MessageHandler] = []

    def add(self, command: ConsoleCommand) -> None:
        if command.name in self._commands:
            raise ValueError(f"console command registered twice: {command.name}")
        self._commands[command.name] = command

    def command(
        self,
        name: str,
        description: str,
        *,
        feature: str,
        usage: str = "",
        options: tuple[str, ...] = (),
    ) -> Callable[[ConsoleHandler], ConsoleHandler]:
        """Decorator form of :meth:`add`."""

        def decorator(handler: ConsoleHandler) -> ConsoleHandler:
            self.add(ConsoleCommand(name, description, feature, handler, usage, options))
            return handler

        return decorator

    def on_message(self, handler: MessageHandler) -> MessageHandler:
        """Register a handler for plain (non-command) console lines, e.g. the spam detector."""
        self.message_handlers.append(handler)
        return handler

    @property
    def commands(self) -> list[ConsoleCommand]:
        return sorted(self._commands.values(), key=lambda c: c.name)

    def resolve(self, line: str) -> tuple[ConsoleCommand | None, str]:
        """Find the longest registered command name that ``line`` (without '/') starts with."""
        words = line.split()
        for length in range(min(len(words), 3), 0, -1):
            name = " ".join(words[:length]).lower()
            if name in self._commands:
                rest = line.strip()
                for word in words[:length]:
                    rest = rest[len(word) :].lstrip()
                return self._commands[name], rest
        return None, line
