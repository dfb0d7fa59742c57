"""The console shell: reads lines, runs them through the core, prints what the bot would say.

Interactive on a terminal; when standard input is piped it runs one command per line, prints to
standard output and exits at the end of input (scriptable, like Hubot's shell adapter).
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from bot.app import App
from bot.console.registry import ConsoleContext
from bot.errors import UserError, new_error_id
from bot.help import HelpGroup, render_help
from bot.replies import Reply, Tone, render_text

log = logging.getLogger(__name__)

CONSOLE_GUILD_ID = 1
CONSOLE_CHANNEL_ID = 2
DEFAULT_USER_ID = 1000
BUILTINS = {
    "help": "List every command",
    "as": "Act as another member: /as <user id> [name]",
    "quit": "Leave the console",
}


class ConsoleSession:
    def __init__(self, app: App, *, user_id: int = DEFAULT_USER_ID, user_name: str = "you") -> None:
        self.app = app
        self.context = ConsoleContext(
            app=app,
            user_id=user_id,
            user_name=user_name,
            guild_id=CONSOLE_GUILD_ID,
            channel_id=CONSOLE_CHANNEL_ID,
        )
        self.finished = False

    def help_reply(self) -> Reply:
        titles = self.app.feature_titles
        groups: dict[str, HelpGroup] = {}
        for command in self.app.console.commands:
            title = titles.get(command.feature, command.feature)
            groups.setdefault(title, HelpGroup(title)).entries.append(
                (command.signature, command.description)
            )
        console_group = HelpGroup(
            "Console", [(f"/{name}", text) for name, text in BUILTINS.items()]
        )
        return render_help(
            [*groups.values(), console_group],
            footer="Type a plain message to see whether moderation would flag it.",
        )

    async def handle(self, line: str) -> list[Reply]:
        """Run one line; never raises for anything a member could type."""
        line = line.strip()
        if not line:
            return []
        try:
            return await self._dispatch(line)
        except UserError as exc:
            return [Reply(body=exc.message, tone=Tone.ERROR)]
        except Exception:
            error_id = new_error_id()
            log.exception("Console command failed (error id %s): %r", error_id, line[:200])
            return [
                Reply(
                    body=f"Something went wrong on my side (error id {error_id}). "
                    "Nothing you typed was lost; please try again.",
                    tone=Tone.ERROR,
                )
            ]

    async def _dispatch(self, line: str) -> list[Reply]:
        if not line.startswith("/"):
            replies = []
            for handler in self.app.console.message_handlers:
                reply = await handler(self.context, line)
                if reply is not None:
                    replies.append(reply)
            return replies or [Reply(body="(a plain message: nothing to answer)")]
        body = line[1:]
        word = body.split(maxsplit=1)[0].lower() if body.split() else ""
        if word in ("help", "?"):
            return [self.help_reply()]
        if word in ("quit", "exit"):
            self.finished = True
            return [Reply(body="Goodbye.")]
        if word == "as":
            return [self._switch_user(body.split()[1:])]
        command, rest = self.app.console.resolve(body)
        if command is None:
            raise UserError(f"I don't know `/{body[:40]}`. Type /help for the list of commands.")
        result = await command.handler(self.context, command.parse(rest))
        return result if isinstance(result, list) else [result]

    def _switch_user(self, words: list[str]) -> Reply:
        if not words or not words[0].isdigit():
            raise UserError("Usage: /as <user id> [name], for example /as 42 sam")
        self.context.user_id = int(words[0])
        self.context.user_name = " ".join(words[1:]) or f"member-{words[0]}"
        return Reply(body=f"You are now {self.context.user_name} (id {self.context.user_id}).")


async def run_console(app: App, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    session = ConsoleSession(app)
    interactive = stdin.isatty()
    if interactive:
        print(
            "MS companion bot console (offline). Type /help for commands, /quit to leave.",
            file=stdout,
        )
    while not session.finished:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        for reply in await session.handle(line):
            print(render_text(reply), file=stdout)
            if not interactive:
                print(file=stdout)
        stdout.flush()
    return 0
