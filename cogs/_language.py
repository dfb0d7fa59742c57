"""The member's language on Discord: where each interaction says it, and command translations.

Discord sends two locales with every interaction: ``interaction.locale`` (the member's client)
and ``interaction.guild_locale`` (the server's). :func:`speak_to` hands them to the core
(``bot.i18n``), which keeps them in a ContextVar for the rest of the task. The hooks that call it
each run in the same task as the code that answers (checked in discord.py 2.7's source):

- slash commands, context menus and autocomplete: ``CommandTree._from_interaction`` creates one
  task that runs ``CommandTree._call``, whose first step is ``interaction_check`` (:class:`LanguageTree`);
- view buttons and selects: ``View._dispatch_item`` creates the task of ``View._scheduled_task``,
  which awaits the view's ``interaction_check`` and then the item's callback
  (``cogs._ui.GuardedView``);
- modals: ``Modal._dispatch_submit`` -> ``Modal._scheduled_task``: ``interaction_check``, then
  ``on_submit`` (``cogs._ui.GuardedModal``);
- dynamic items: ``ViewStore.schedule_dynamic_item_call`` (its own task) awaits the item's
  ``interaction_check``, then its callback (:class:`SpeaksMemberLanguage`).

``tests/cogs/test_language.py`` checks that every view, modal and dynamic item of the cogs goes
through one of them. Background sends (reminders, weekly summaries, flag cards) have no
interaction: they run inside ``bot.i18n.using(...)`` with the language they remembered.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot import i18n


def speak_to(interaction: discord.Interaction) -> None:
    """Answer this interaction in the member's language; public posts in the server's."""
    server = interaction.guild_locale if interaction.guild_id is not None else None
    i18n.set_language(interaction.locale, server)


def server_language_of(guild: Any) -> object:
    """The server's language outside an interaction (Community servers set it; else en-US)."""
    return getattr(guild, "preferred_locale", None)


def in_server_language(guild: Any) -> Any:
    """``with in_server_language(guild):`` a background post to a server's channel."""
    locale = server_language_of(guild)
    return i18n.using(locale, locale)


Check = Callable[[Any, discord.Interaction], Awaitable[bool]]


def _speaking_first(check: Check) -> Check:
    @functools.wraps(check)
    async def checked(self: Any, interaction: discord.Interaction) -> bool:
        speak_to(interaction)
        return await check(self, interaction)

    checked.speaks_language = True  # type: ignore[attr-defined]
    return checked


class SpeaksMemberLanguage:
    """Mixin for views, modals and dynamic items: ``interaction_check`` sets the language first.

    A subclass that overrides ``interaction_check`` is wrapped too (``__init_subclass__``), so
    forgetting ``super()`` cannot leave an answer in the wrong language.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check = cls.__dict__.get("interaction_check")
        if check is not None and not getattr(check, "speaks_language", False):
            cls.interaction_check = _speaking_first(check)  # type: ignore[method-assign]

    @_speaking_first
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return True


class LanguageTree(app_commands.CommandTree):
    """The bot's command tree: every command, context menu and autocomplete speaks the
    member's language (set in ``interaction_check``, the first step of the invoking task)."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        speak_to(interaction)
        return True


#: Where a text is a name a member types (rules: lower case, no spaces), not a description.
NAME_LOCATIONS = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)


class CommandTranslator(app_commands.Translator):
    """Command, group, option and choice names and descriptions from the ``commands`` catalogs.

    discord.py asks for every string and every locale Discord knows when it syncs; an English
    or untranslated string returns None, which leaves that localisation out of the payload.
    """

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContext[Any, Any],
    ) -> str | None:
        if context.location in NAME_LOCATIONS and (
            i18n.language_of(locale, supported=i18n.COMMAND_LANGUAGES) not in i18n.MESSAGE_LANGUAGES
        ):
            # The replies mention commands by name ("/streak join"): where they are English,
            # the names stay English too, so what a reply says is what the member sees.
            return None
        return translate_command_text(string.message, locale)


def translate_command_text(message: str, locale: object) -> str | None:
    language = i18n.language_of(locale, supported=i18n.COMMAND_LANGUAGES)
    if language == i18n.SOURCE:
        return None
    translated = i18n.translations(language, i18n.COMMANDS_DOMAIN).gettext(message)
    return translated if translated != message else None


def command_text(message: str) -> str:
    """A command's name or description in the current language (for /help)."""
    return translate_command_text(message, i18n.current_language()) or message


def command_usage(qualified_name: str) -> str:
    """``/streak join`` as the member's Discord shows it (``/racha unirse`` in Spanish)."""
    return "/" + " ".join(command_text(part) for part in qualified_name.split())
