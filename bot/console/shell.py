"""``python -m bot console``: the real bot on a local Discord, and you as its members.

Starts a :class:`LocalDiscord` with the default server (stable ids, so the database's data
matches it at every start), runs the real bot against it (``MSBot``: real ``setup_hook``, cogs
and command tree; commands sync to the local server as to a development guild), then reads lines.
Interactive on a terminal (prompt_toolkit: line editing, history, Tab completes commands and asks
the bot's autocomplete); piped, it runs one line at a time, waits until the bot is quiet after
each, and exits at the end of the input.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Callable
from typing import TextIO

from bot.app import App
from bot.console.session import TOUR, ConsoleSession
from bot.local_discord import Driver, LocalDiscord, build_world
from bot.local_discord.runner import RunningBot, start_bot
from bot.settings import Settings


def setup_logging(settings: Settings, verbose: bool) -> None:
    """Quiet by default (nothing before the prompt); ``--verbose`` shows the bot's log."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    if verbose:
        logging.basicConfig(
            level=getattr(logging, settings.log_level),
            format="%(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
    else:
        log_file = settings.database_path.with_suffix(".console.log")
        log_file.parent.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(
            level=logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            filename=log_file,
        )


class Console:
    """The local Discord, the running bot and one session, started and stopped together."""

    def __init__(self, settings: Settings, out: TextIO) -> None:
        self.settings = settings
        self.stream = out
        self.local = LocalDiscord()
        self.running: RunningBot | None = None
        self.session: ConsoleSession | None = None

    def out(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    async def __aenter__(self) -> ConsoleSession:
        await self.local.start()
        world = build_world(self.local, stable=True)
        # Commands go to the local server directly, like a development guild: instant and
        # independent of the global-sync hash kept in the (real) database.
        settings = self.settings.model_copy(update={"dev_guild_id": world.guild.id})
        try:
            self.running = await start_bot(self.local, App(settings))
        except BaseException:
            await self.local.stop()
            raise
        self.session = ConsoleSession(
            self.local, world, Driver(self.local, world, settle=0.25), self.out
        )
        return self.session

    async def __aexit__(self, *exc: object) -> None:
        if self.running is not None:
            await self.running.stop()
        await self.local.stop()


async def _lines(stdin: TextIO) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            return
        yield line.rstrip("\n")


async def run_piped(
    session: ConsoleSession, lines: AsyncIterator[str], out: Callable[[str], None]
) -> None:
    async def ask(prompt: str) -> str | None:
        answer = await anext(lines, None)
        if answer is not None:
            out(f"{prompt}{answer}")
        return answer

    async for line in lines:
        if line.strip():
            out(f"{session.prompt}{line}")
        await session.handle(line, ask)
        await session.driver.quiet()
        if session.finished:
            return


async def run_interactive(session: ConsoleSession) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.patch_stdout import patch_stdout

    from bot.console.complete import CommandCompleter

    prompt: PromptSession[str] = PromptSession(
        completer=CommandCompleter(session), complete_while_typing=False
    )

    async def ask(text: str) -> str | None:
        try:
            return await prompt.prompt_async(text)
        except (EOFError, KeyboardInterrupt):
            return None

    with patch_stdout(raw=True):
        while not session.finished:
            try:
                line = await prompt.prompt_async(session.prompt)
            except (EOFError, KeyboardInterrupt):
                break
            await session.handle(line, ask)
            await session.driver.quiet()


async def run_console(
    settings: Settings,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    *,
    verbose: bool = False,
    interactive: bool | None = None,
    configure_logging: bool = True,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty() if interactive is None else interactive
    first_run = not settings.database_path.exists()
    if configure_logging:
        setup_logging(settings, verbose)
    console = Console(settings, stdout)
    async with console as session:
        if first_run and interactive:
            console.out(TOUR)
        elif interactive:
            console.out(
                "MS companion bot on a local Discord. Type /help, help or tour; quit to leave."
            )
        if interactive:
            await run_interactive(session)
        else:
            await run_piped(session, _lines(stdin), console.out)
    return 0
