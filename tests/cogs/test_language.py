"""Every interaction is answered in the member's language, public posts in the server's."""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

import discord
import pytest

import cogs
from bot import i18n
from bot.app import App
from cogs._errors import handle_interaction_error
from cogs._language import LanguageTree, SpeaksMemberLanguage, speak_to
from cogs._ui import GuardedModal, GuardedView, OwnerOnlyView
from tests.helpers import make_interaction

ROOT = Path(__file__).resolve().parents[2]


def cog_classes() -> list[type]:
    found = []
    for module in pkgutil.iter_modules(cogs.__path__):
        loaded = importlib.import_module(f"cogs.{module.name}")
        found += [
            value
            for value in vars(loaded).values()
            if inspect.isclass(value) and value.__module__ == loaded.__name__
        ]
    return found


def test_every_view_modal_and_dynamic_item_sets_the_language() -> None:
    """A new view or button class cannot forget it: it must derive from the bases that do."""
    classes = cog_classes()
    assert any(issubclass(c, discord.ui.DynamicItem) for c in classes)
    problems = []
    for cls in classes:
        if issubclass(cls, discord.ui.View | discord.ui.LayoutView) and not issubclass(
            cls, GuardedView
        ):
            problems.append(f"{cls.__qualname__}: derive from cogs._ui.GuardedView")
        if issubclass(cls, discord.ui.Modal) and not issubclass(cls, GuardedModal):
            problems.append(f"{cls.__qualname__}: derive from cogs._ui.GuardedModal")
        if issubclass(cls, discord.ui.DynamicItem) and not issubclass(cls, SpeaksMemberLanguage):
            problems.append(f"{cls.__qualname__}: mix in cogs._language.SpeaksMemberLanguage")
    assert not problems


def test_no_cog_builds_a_bare_view_or_modal() -> None:
    """``discord.ui.View()`` would skip the language hook: use ``DynamicItemsView``."""
    problems = []
    for path in sorted((ROOT / "cogs").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"View", "Modal", "LayoutView"}
                and ast.unparse(node.func.value).endswith("ui")
            ):
                problems.append(f"{path.name}:{node.lineno}")
    assert not problems


async def _in_own_task(check: Any, interaction: Any) -> tuple[str, str]:
    """Run ``check`` as discord.py does (a task per interaction); what it left set."""

    async def run() -> tuple[str, str]:
        await check(interaction)
        return i18n.current_language(), i18n.server_language()

    return await asyncio.create_task(run())


async def test_a_views_own_check_still_sets_the_language(app: App) -> None:
    interaction = make_interaction(app, locale="es-ES", guild_locale="de")
    view = OwnerOnlyView(interaction.user.id)
    assert await _in_own_task(view.interaction_check, interaction) == ("es", "de")
    assert i18n.current_language() == "en"  # the test's own task is untouched


async def test_a_subclass_that_forgets_super_is_wrapped(app: App) -> None:
    class Forgetful(GuardedView):
        async def interaction_check(self, interaction: discord.Interaction) -> bool:
            return True

    interaction = make_interaction(app, locale="de")
    assert await _in_own_task(Forgetful().interaction_check, interaction) == ("de", "en")


async def test_the_tree_sets_the_language_for_commands_menus_and_autocomplete(app: App) -> None:
    interaction = make_interaction(app, locale="es-419", guild_locale="es-ES")
    tree = LanguageTree(discord.Client(intents=discord.Intents.none()))
    assert await _in_own_task(tree.interaction_check, interaction) == ("es", "es")


async def test_dms_have_no_server_language(app: App) -> None:
    interaction = make_interaction(app, locale="de", in_guild=False)

    async def run() -> str:
        speak_to(interaction)
        return i18n.server_language()

    assert await asyncio.create_task(run()) == "de"


async def test_errors_are_said_in_the_members_language(app: App) -> None:
    other = make_interaction(app, locale="es-ES")
    await asyncio.create_task(handle_interaction_error(other, KeyError("boom")))
    assert other.sent[0].content.startswith("Algo ha fallado por mi parte")


async def test_a_view_translates_its_labels_when_built(app: App) -> None:
    from cogs._articles_views import ListView

    with i18n.using("de"):
        view = ListView(1, None, 1, 3)
    assert {item.label for item in view.children} == {"Vorherige Seite", "Nächste Seite"}
    assert {item.label for item in ListView(1, None, 1, 3).children} == {
        "Previous page",
        "Next page",
    }


@pytest.mark.parametrize(("locale", "language"), [("pt-BR", "en"), ("fr", "en"), ("de", "de")])
def test_languages_without_replies_read_english(locale: str, language: str) -> None:
    assert i18n.language_of(discord.Locale(locale)) == language
