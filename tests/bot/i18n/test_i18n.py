"""The core's languages: which one a Discord locale gets, and that each task keeps its own."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import i18n


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("es-ES", "es"),
        ("es-419", "es"),
        ("de", "de"),
        ("en-GB", "en"),
        ("pt-BR", "en"),  # no complete Portuguese replies yet: English
        ("ja", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_a_discord_locale_gets_a_language(locale: str | None, language: str) -> None:
    assert i18n.language_of(locale) == language


def test_commands_know_more_languages_than_replies() -> None:
    assert i18n.language_of("pt-BR", supported=i18n.COMMAND_LANGUAGES) == "pt"


async def test_each_task_keeps_its_own_language() -> None:
    """Two members answered at the same time never get each other's language."""
    seen: dict[str, str] = {}

    async def answer(locale: str) -> None:
        i18n.set_language(locale)
        await asyncio.sleep(0)  # the other member's task runs here
        seen[locale] = i18n._("Checked in for today.")

    await asyncio.gather(answer("es-ES"), answer("de"), answer("en-US"))
    assert seen == {
        "es-ES": "Registrado por hoy.",
        "de": "Für heute eingetragen.",
        "en-US": "Checked in for today.",
    }
    assert i18n.current_language() == "en"


def test_using_restores_the_language_it_found() -> None:
    with i18n.using("de"):
        with i18n.using("es-ES"):
            assert i18n.current_language() == "es"
        assert i18n.current_language() == "de"
    assert i18n.current_language() == "en"


def test_public_posts_use_the_servers_language() -> None:
    with i18n.using("es-ES", "de"):
        assert i18n._("Rest day") == "Día de descanso"
        with i18n.public():
            assert i18n._("Rest day") == "Ruhetag"
        assert i18n._("Rest day") == "Día de descanso"
    with i18n.using("es-ES"), i18n.public():  # a DM has no server: the member's language
        assert i18n._("Rest day") == "Día de descanso"


def test_plurals_follow_the_language() -> None:
    with i18n.using("de"):
        assert i18n.ngettext("{count} day", "{count} days", 1) == "{count} Tag"
        assert i18n.ngettext("{count} day", "{count} days", 3) == "{count} Tage"


def test_numbers_dates_and_lists_are_written_each_languages_way() -> None:
    assert i18n.number(12345) == "12,345"
    assert i18n.join_list(["a", "b", "c"]) == "a, b, c"  # English as it always was
    assert i18n.percent(0.855) == "86%"
    with i18n.using("de"):
        assert i18n.number(12345) == "12.345"
        assert i18n.decimal(4.25, 1) == "4,2"
        assert i18n.decimal_g(2.5) == "2,5"
        assert i18n.join_list(["a", "b", "c"]) == "a, b und c"
        assert i18n.format_day(date(2026, 3, 2), "EEE, d. MMM") == "Mo., 2. März"
    with i18n.using("es-ES"):
        assert i18n.join_list(["a", "b"]) == "a y b"


def test_a_fuzzy_or_empty_translation_reads_as_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Rest day"\nmsgstr "Rasttag"\n\n'
        '#, fuzzy\nmsgid "Paused"\nmsgstr "Pausiert?"\n\n'
        'msgid "Today"\nmsgstr ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        catalog = i18n.translations("xx")
        assert catalog.gettext("Rest day") == "Rasttag"
        assert catalog.gettext("Paused") == "Paused"
        assert catalog.gettext("Today") == "Today"
    finally:
        i18n.translations.cache_clear()


def test_marking_a_constant_does_not_translate_it() -> None:
    with i18n.using("de"):
        assert i18n.N_("Rest day") == "Rest day"
        assert i18n._(i18n.N_("Rest day")) == "Ruhetag"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_english_whole_numbers_are_written_as_babel_writes_them(value: int) -> None:
    from babel.numbers import format_decimal

    assert i18n.number(value) == format_decimal(value, locale="en")
