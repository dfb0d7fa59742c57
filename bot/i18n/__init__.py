"""The bot's languages: gettext catalogs (Babel), the current language, and locale formats.

The core stays Discord-free: the cogs tell it who it is talking to with :func:`set_language`
(at the start of every interaction task) or :func:`using` (a background send), and everything
below reads the language from a :class:`contextvars.ContextVar`, so concurrent interactions in
different languages never see each other's.

Two languages are held per task: the *member's* (private replies) and the *server's* (what is
posted for everyone in a channel). Code that builds a public post wraps it in :func:`public`.

How to write a string (see README "Languages"):

- ``_("Saved.")`` in code that runs while answering; whole sentences with named placeholders,
  ``_("Rest day noted for {day}.").format(day=...)``, never sentences glued from pieces.
- ``N_("...")`` for a module-level constant (it only marks it for extraction); translate it
  where it is used: ``_(CONSTANT)``.
- ``ngettext("{count} day", "{count} days", count).format(count=count)`` for plurals.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

#: The language the code is written in (catalogs translate from it).
SOURCE = "en"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
#: Languages whose replies are translated completely (tests enforce it). A member whose client
#: is in another language reads English.
MESSAGE_LANGUAGES = ("en", "es", "de")
#: Languages with translated command names and descriptions (the ``commands`` domain).
COMMAND_LANGUAGES = ("en", "es", "de", "fr", "pt", "it")
MESSAGES_DOMAIN = "messages"
COMMANDS_DOMAIN = "commands"
#: Babel locale used for dates, numbers and lists in each language.
_FORMAT_LOCALE = {"en": "en", "es": "es", "de": "de", "fr": "fr", "pt": "pt_BR", "it": "it"}

_member: contextvars.ContextVar[str] = contextvars.ContextVar("member_language", default=SOURCE)
_server: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "server_language", default=None
)


def language_of(locale: object, *, supported: Iterable[str] = MESSAGE_LANGUAGES) -> str:
    """Our language for a Discord locale (``"es-ES"``, ``"es-419"``, ``"pt-BR"``, ``"de"``),
    English for anything we do not translate (or no locale at all)."""
    text = str(getattr(locale, "value", locale) or "").strip().lower().replace("_", "-")
    language = text.split("-", 1)[0]
    return language if language in tuple(supported) else SOURCE


# -- the current language ------------------------------------------------------------------------
def current_language() -> str:
    return _member.get()


def server_language() -> str:
    """The language of public posts: the server's, or the member's when there is no server."""
    return _server.get() or _member.get()


def set_language(member: object, server: object = None) -> None:
    """For the rest of this task (an interaction's handler): the member's and the server's
    language, from Discord locales. Each interaction runs in its own task, so this never
    leaks into another member's answer."""
    _member.set(language_of(member))
    _server.set(language_of(server) if server else None)


@contextlib.contextmanager
def using(language: object, server: object = None) -> Iterator[None]:
    """Run a block in ``language`` (a Discord locale or one of ours), e.g. a background send."""
    member_token = _member.set(language_of(language))
    server_token = _server.set(language_of(server) if server else None)
    try:
        yield
    finally:
        _server.reset(server_token)
        _member.reset(member_token)


@contextlib.contextmanager
def public() -> Iterator[None]:
    """Build a public post (a milestone, a shared article): in the server's language."""
    token = _member.set(server_language())
    try:
        yield
    finally:
        _member.reset(token)


# -- catalogs ------------------------------------------------------------------------------------
@functools.cache
def translations(language: str, domain: str = MESSAGES_DOMAIN) -> _gettext.NullTranslations:
    """The catalog of ``language``, read from its ``.po`` file on first use.

    The ``.po`` files are the only copy (no compiled ``.mo`` to keep in step): Babel compiles
    one in memory here, leaving out fuzzy and untranslated entries, which then read as English.
    """
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if language == SOURCE or not path.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def N_(message: str) -> str:
    """Mark a constant for extraction; translate it where it is shown with ``_()``."""
    return message


def _(message: str) -> str:
    """``message`` in the current language (English when it has no translation)."""
    if not message:
        return message
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of ``singular``/``plural`` for ``count`` in the current language."""
    return translations(current_language()).ngettext(singular, plural, count)


# -- formats -------------------------------------------------------------------------------------
def format_locale() -> str:
    return _FORMAT_LOCALE.get(current_language(), SOURCE)


def format_day(day: date | datetime, pattern: str) -> str:
    """``day`` with a CLDR ``pattern`` whose words are in the current language. Patterns are
    themselves translatable (``_(N_("EEE d MMM"))``) so each language orders them its way."""
    from babel.dates import format_date

    return format_date(day, pattern, locale=format_locale())


def format_time(moment: datetime, pattern: str) -> str:
    from babel.dates import format_datetime

    return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=format_locale())


def number(value: int | float) -> str:
    """A number written the current language's way (1,000 / 1.000 / 1 000)."""
    if type(value) is int and current_language() == SOURCE:
        return f"{value:,}"  # what Babel writes for English, without its cost on every reply
    from babel.numbers import format_decimal

    return format_decimal(value, locale=format_locale())


def join_list(items: Iterable[str]) -> str:
    """Phrases joined as a list: "a, b, c" in English (as the bot always wrote), "a, b y c"..."""
    parts = list(items)
    if current_language() == SOURCE or len(parts) < 2:
        return ", ".join(parts)
    from babel.lists import format_list

    return format_list(parts, style="standard", locale=format_locale())


def decimal(value: float, places: int) -> str:
    """``value`` with exactly ``places`` decimals, the current language's way (4.5 / 4,5)."""
    from babel.numbers import format_decimal

    pattern = "#,##0." + "0" * places if places else "#,##0"
    # Rounded as Python's f"{value:.1f}" rounds (the binary value), then written per locale.
    return format_decimal(round(value, places), format=pattern, locale=format_locale())


def decimal_g(value: float) -> str:
    """``value`` as ``f"{value:g}"`` writes it (3, 2.5, 0.35), with the language's decimal mark."""
    text = f"{value:g}"
    if current_language() == SOURCE or "e" in text:
        return text
    from babel.numbers import get_decimal_symbol

    return text.replace(".", get_decimal_symbol(format_locale()))


def percent(share: float) -> str:
    """``0.85`` -> "85%" ("85 %" in German), rounded as ``f"{share:.0%}"`` rounds."""
    from babel.numbers import format_percent

    whole = int(f"{share:.0%}".rstrip("%"))  # Python's rounding, so English stays as it was
    return format_percent(whole / 100, locale=format_locale())
