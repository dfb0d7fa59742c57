"""The catalogs hold every string the code says, translated, with the same placeholders.

The strings come straight from the code (Babel's extractor over ``bot/`` and ``cogs/``, as
``make catalogs`` runs it), so a reply added without a translation fails here naming its file
and line; command texts come from the live command tree (``cogs/_command_catalog.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n

ROOT = Path(__file__).resolve().parents[3]
#: Languages whose replies must be complete (the rest fall back to English).
COMPLETE = tuple(lang for lang in i18n.MESSAGE_LANGUAGES if lang != i18n.SOURCE)
PLACEHOLDER = re.compile(r"\{(\w*)(?:[:!][^{}]*)?\}")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def catalog(language: str, domain: str = i18n.MESSAGES_DOMAIN) -> Catalog:
    path = i18n.LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=domain)


def source_messages() -> Iterator[tuple[str, str | tuple[str, str]]]:
    """(file:line, msgid) of every string marked in the code."""
    for folder in ("bot", "cogs"):
        for filename, line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            where = f"{folder}/{filename}:{line}"
            yield where, message if isinstance(message, str) else tuple(message[:2])


def _msgid(message: str | tuple[str, str]) -> str:
    return message if isinstance(message, str) else message[0]


def test_the_code_marks_its_strings() -> None:
    found = dict((_msgid(m), where) for where, m in source_messages())
    assert "Checked in for today." in found
    assert "{count} day" in found  # ngettext
    assert found["Rest days left this week: {left} of {limit}."].startswith("bot/streaks/")


def not_ready(
    translations: Catalog, messages: Iterator[tuple[str, str | tuple[str, str]]]
) -> list[str]:
    """Each marked string that is missing, fuzzy or untranslated, with where the code says it."""
    problems = []
    for where, message in messages:
        entry: Message | None = translations.get(_msgid(message))
        if entry is None:
            problems.append(f"{where}: missing: {_msgid(message)!r}")
        elif entry.fuzzy:
            problems.append(f"{where}: fuzzy (check it, then remove the flag): {entry.id!r}")
        elif isinstance(message, tuple) != isinstance(entry.id, tuple):
            problems.append(f"{where}: plural forms do not match the code: {_msgid(message)!r}")
        else:
            forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            if not all(forms):
                problems.append(f"{where}: untranslated: {_msgid(message)!r}")
    return problems


@pytest.mark.parametrize("language", COMPLETE)
def test_every_string_of_the_code_is_translated(language: str) -> None:
    problems = not_ready(catalog(language), source_messages())
    assert not problems, (
        f"{len(problems)} strings are not ready in {language}; run `make catalogs`, then "
        f"translate bot/i18n/locales/{language}/LC_MESSAGES/messages.po:\n" + "\n".join(problems)
    )


def test_a_new_string_without_translation_is_reported() -> None:
    translations = catalog("es")
    translations.add("Half done", "")
    translations.add("Guessed", "Adivinado", flags=["fuzzy"])
    messages = iter(
        [
            ("cogs/new.py:3", "Brand new sentence"),
            ("cogs/new.py:4", "Half done"),
            ("cogs/new.py:5", "Guessed"),
            ("cogs/new.py:6", "Checked in for today."),
        ]
    )
    problems = not_ready(translations, messages)
    assert [p.split(":")[1] for p in problems] == ["3", "4", "5"]
    assert "missing: 'Brand new sentence'" in problems[0]


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _entries() -> Iterator[tuple[str, str, Message]]:
    for language in ("es", "de", "fr", "pt", "it"):
        for domain in (i18n.MESSAGES_DOMAIN, i18n.COMMANDS_DOMAIN):
            path = i18n.LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"
            if path.exists():
                for entry in catalog(language, domain):
                    if entry.id:
                        yield language, domain, entry


def test_translations_keep_the_placeholders() -> None:
    """A translation may move ``{name}`` around, never lose, add or rename one."""
    problems = []
    for language, domain, entry in _entries():
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        wanted = set().union(*(_placeholders(text) for text in ids))
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for form in forms:
            if not form:
                continue
            got = _placeholders(form)
            # A plural's singular form may write "one" instead of its {count}.
            if got != wanted and not (len(forms) > 1 and got < wanted):
                problems.append(
                    f"{language}/{domain}: {entry.id!r}: {sorted(got)} != {sorted(wanted)}"
                )
    assert not problems, "\n".join(problems)


def test_the_placeholder_check_sees_a_lost_placeholder() -> None:
    assert _placeholders("Woche vom {week}: {summary}") == {"week", "summary"}
    assert _placeholders("Woche: {summary}") != _placeholders("Week of {week}: {summary}")


@pytest.mark.parametrize("language", COMPLETE)
def test_dates_use_each_languages_own_words(language: str) -> None:
    from datetime import date

    from bot.streaks.texts import format_day

    with i18n.using(language):
        shown = format_day(date(2026, 3, 2))
    assert shown != "Mon 2 Mar" and "2" in shown


def test_english_dates_read_as_before() -> None:
    """The English catalog is the code itself: the bot's old hand-made formats, unchanged."""
    from datetime import date, timedelta

    from bot.streaks.texts import format_day, short_day

    day = date(2026, 1, 1)
    for _ in range(366):
        assert format_day(day) == f"{day:%a} {day.day} {day:%b}"
        assert short_day(day) == f"{day.day} {day:%b}"
        day += timedelta(days=1)
