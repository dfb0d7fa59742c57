"""Command names and descriptions in every language, as Discord will receive them."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest

from bot import i18n
from bot.local_discord import validation
from bot.local_discord.errors import DiscordError
from cogs._command_catalog import CommandText, command_payloads, command_texts
from cogs._language import CommandTranslator, translate_command_text
from tests.bot.i18n.test_catalogs import catalog

NAME_LOCATIONS = {"command_name", "group_name", "parameter_name"}
#: Discord's rule for a slash command, group or option name in any language.
DISCORD_NAME = re.compile(r"^[-_'\w]{1,32}$")


@pytest.fixture(scope="module")
def texts() -> list[CommandText]:
    import asyncio

    return asyncio.run(command_texts())


@pytest.fixture(scope="module")
def payloads() -> list[dict[str, Any]]:
    import asyncio

    return asyncio.run(command_payloads(CommandTranslator()))


@pytest.mark.parametrize("language", ["es", "de", "fr", "pt", "it"])
def test_every_command_text_is_translated(texts: list[CommandText], language: str) -> None:
    """Spanish and German: everything. French, Portuguese, Italian: descriptions and choices
    (their names stay English, like the replies that mention them)."""
    translations = catalog(language, i18n.COMMANDS_DOMAIN)
    names_too = language in i18n.MESSAGE_LANGUAGES
    missing = []
    for text in texts:
        if text.location in NAME_LOCATIONS and not names_too:
            continue
        entry = translations.get(text.message)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(f"{text.location} of /{text.command}: {text.message!r}")
    assert not missing, f"run `make catalogs`, then translate in {language}:\n" + "\n".join(missing)


def test_the_payload_carries_localisations(payloads: list[dict[str, Any]]) -> None:
    streak = next(p for p in payloads if p["name"] == "streak")
    assert streak["name_localizations"]["es-ES"] == "racha"
    assert streak["name_localizations"]["es-419"] == "racha"
    assert streak["name_localizations"]["de"] == "serie"
    assert "fr" not in streak["name_localizations"]  # French replies are English: so are names
    assert streak["description_localizations"]["fr"]
    join = next(o for o in streak["options"] if o["name"] == "join")
    zone = next(o for o in join["options"] if o["name"] == "zone")
    assert zone["name_localizations"]["de"] == "zeitzone"
    rest = next(o for o in streak["options"] if o["name"] == "rest")
    day = next(o for o in rest["options"] if o["name"] == "day")
    today = next(c for c in day["choices"] if c["value"] == "today")
    assert today["name_localizations"]["es-ES"] == "hoy"


def test_discord_accepts_every_language(payloads: list[dict[str, Any]]) -> None:
    """The local Discord's checks (names lower case, 1-32 letters, digits, - _ and ';
    descriptions 1-100; no two siblings with one name in any language) on the real payload."""
    validation.commands(payloads)


def _names(item: dict[str, Any]) -> list[str]:
    return list((item.get("name_localizations") or {}).values())


def test_localised_names_follow_discords_rules(payloads: list[dict[str, Any]]) -> None:
    problems = []

    def walk(item: dict[str, Any], slash: bool) -> None:
        for name in _names(item):
            if slash and (not DISCORD_NAME.match(name) or name != name.lower()):
                problems.append(name)
            if not 1 <= len(name) <= 32:
                problems.append(name)
        for text in (item.get("description_localizations") or {}).values():
            if not 1 <= len(text) <= 100:
                problems.append(text)
        for option in item.get("options") or []:
            walk(option, slash)

    for payload in payloads:
        walk(payload, payload.get("type", 1) == 1)
    assert not problems


def test_the_local_discord_refuses_a_bad_localised_name() -> None:
    bad = {
        "name": "streak",
        "description": "Exercise streaks",
        "name_localizations": {"es-ES": "Mi Racha"},
        "description_localizations": {"de": "x" * 101},
    }
    with pytest.raises(DiscordError) as refused:
        validation.commands([bad])
    errors = str(refused.value.payload())
    assert "'name_localizations'" in errors and "APPLICATION_COMMAND_INVALID_NAME" in errors
    assert "'description_localizations'" in errors


def test_english_and_unknown_locales_keep_the_code_names() -> None:
    assert translate_command_text("streak", discord.Locale.american_english) is None
    assert translate_command_text("streak", discord.Locale.japanese) is None
    assert translate_command_text("streak", discord.Locale.spain_spanish) == "racha"
    assert translate_command_text("streak", discord.Locale.latin_american_spanish) == "racha"


_REFERENCE = re.compile(r"(?<![\w<#])/(\w+)(?: (\w+))?")


@pytest.mark.parametrize("language", [lang for lang in i18n.MESSAGE_LANGUAGES if lang != "en"])
def test_replies_name_commands_as_the_members_discord_shows_them(
    texts: list[CommandText], language: str
) -> None:
    """ "/streak join" in a reply is "/racha unirse" in Spanish: the words on the member's
    screen, from the same commands catalog."""
    top = {t.message for t in texts if t.location in {"command_name", "group_name"}}
    subs = {t.command: t.message for t in texts if t.location == "command_name"}
    problems = []
    for entry in catalog(language):
        if not entry.id or isinstance(entry.id, tuple):
            continue
        for first, second in _REFERENCE.findall(entry.id):
            if first not in top:
                continue
            expected = "/" + (translate_command_text(first, language) or first)
            if second and f"{first} {second}" in subs:
                expected += " " + (translate_command_text(second, language) or second)
            if expected not in entry.string:
                problems.append(f"{entry.id!r}: expected {expected!r} in {entry.string!r}")
    assert not problems, "\n".join(problems)
