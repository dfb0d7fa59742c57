"""Every command text Discord shows (names, descriptions, options, choices), for translators.

``python -m cogs._command_catalog OUT.pot`` loads the bot's cogs on a throw-away database (no
connection to Discord), asks each command for its translated payload with a translator that
records what it is asked, and writes those texts as the template of the ``commands`` catalogs
(``make catalogs`` runs it). Tests use :func:`command_texts` to check every language's catalog.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

import discord
from discord import app_commands


@dataclass(frozen=True)
class CommandText:
    message: str
    #: Where Discord shows it: "command_name", "parameter_description", "choice_name", ...
    location: str
    #: The command it belongs to (its qualified name).
    command: str

    @property
    def is_name(self) -> bool:
        return self.location.endswith("_name")


class _Recorder(app_commands.Translator):
    def __init__(self) -> None:
        self.texts: dict[tuple[str, str], CommandText] = {}

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContext[Any, Any],
    ) -> str | None:
        data = context.data
        owner = getattr(data, "command", None) or data  # a parameter names its command
        command = getattr(owner, "qualified_name", None) or getattr(owner, "name", "")
        text = CommandText(string.message, context.location.name, str(command))
        self.texts.setdefault((text.message, text.location), text)
        return None


@contextmanager
def _throwaway_settings() -> Iterator[Any]:
    from bot.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "articles").mkdir()
        yield Settings(
            token=None,
            database_path=Path(folder) / "catalog.sqlite3",
            articles_dir=Path(folder) / "articles",
            _env_file=None,  # type: ignore[call-arg]
        )


async def command_payloads(translator: app_commands.Translator) -> list[dict[str, Any]]:
    """The bot's command payloads as ``tree.sync`` sends them, translated by ``translator``."""
    from bot.app import App
    from bot.discord_bot import MSBot

    with _throwaway_settings() as settings:
        bot = MSBot(App(settings))
        await bot._async_setup_hook()  # what login() does first: binds the loop
        bot.tree.sync = AsyncMock(return_value=[])  # type: ignore[method-assign]
        try:
            await bot.setup_hook()
            return [
                await command.get_translated_payload(bot.tree, translator)
                for command in bot.tree.get_commands()
            ]
        finally:
            await bot.close()


async def command_texts() -> list[CommandText]:
    recorder = _Recorder()
    await command_payloads(recorder)
    return list(recorder.texts.values())


def _po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_template(texts: list[CommandText], out: Path) -> None:
    """A ``.pot`` file: each text once, with where Discord shows it as a comment."""
    where: dict[str, list[str]] = {}
    for text in texts:
        where.setdefault(text.message, []).append(f"{text.location} of /{text.command}")
    lines = [
        "# Command names and descriptions of the MS companion bot (Discord's slash menu).",
        "# Names: lower case, no spaces, 1-32 characters. Descriptions: 1-100 characters.",
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        "",
    ]
    for message in sorted(where):
        lines += [f"#. {place}" for place in sorted(set(where[message]))]
        lines += [f"msgid {_po_string(message)}", 'msgstr ""', ""]
    out.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m cogs._command_catalog OUT.pot")
        return 2
    texts = asyncio.run(command_texts())
    write_template(texts, Path(argv[0]))
    print(f"{len(texts)} command texts written to {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
