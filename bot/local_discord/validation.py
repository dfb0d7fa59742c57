"""Discord's documented limits, checked on everything the bot sends.

Each check adds to a :class:`FormErrors` under the failing field's path, so a violation answers
50035 "Invalid Form Body" naming the field, as Discord does. Limits: messages (content 2,000;
10 embeds, 6,000 embed characters in total; title 256, description 4,096, 25 fields, field name
256 and value 1,024, footer 2,048, author 256), components (5 rows of 5, custom id 100, label 80,
25 select options), modals (title 45, 5 components), commands (names, descriptions, 25 options,
25 choices, and the same rules for their translations in ``name_localizations`` and
``description_localizations``, keyed by a locale Discord knows) and autocomplete (25 results).
"""

from __future__ import annotations

import re
from typing import Any

from bot.local_discord.errors import EMPTY_MESSAGE, DiscordError, FormErrors

Path = tuple[str | int, ...]

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
ROWS_MAX = 5
ROW_WIDTH = 5
CUSTOM_ID_MAX = 100
SELECT_OPTIONS_MAX = 25
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
CHOICES_MAX = 25
OPTIONS_MAX = 25
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
#: The locales Discord accepts as keys of ``name_localizations``/``description_localizations``.
LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)


def _is_slash_name(name: str) -> bool:
    return bool(COMMAND_NAME.match(name)) and name == name.lower()


def _localizations(
    errors: FormErrors,
    path: Path,
    item: dict[str, Any],
    *,
    slash_name: bool,
    described: bool,
    name_max: int = 32,
) -> dict[str, str]:
    """Check an item's translations like its own name and description; returns its names by
    locale (for the duplicate check among siblings)."""
    names = item.get("name_localizations") or {}
    for locale, name in names.items():
        where = (*path, "name_localizations", locale)
        if locale not in LOCALES:
            errors.add(where, "LOCALE_INVALID", f"Invalid locale {locale!r}")
        elif slash_name and not _is_slash_name(str(name)):
            errors.add(where, "APPLICATION_COMMAND_INVALID_NAME", "Invalid name")
        else:
            errors.check_length(where, name, name_max, low=1)
    descriptions = item.get("description_localizations") or {}
    if descriptions and not described:
        errors.add((*path, "description_localizations"), "INVALID", "Must be empty")
    for locale, text in descriptions.items():
        where = (*path, "description_localizations", locale)
        if locale not in LOCALES:
            errors.add(where, "LOCALE_INVALID", f"Invalid locale {locale!r}")
        else:
            errors.check_length(where, text, 100, low=1)
    return {str(locale): str(name) for locale, name in names.items()}


def _duplicate_translations(
    errors: FormErrors, path: Path, localized: list[tuple[int, dict[str, str]]], code: str
) -> None:
    """Two siblings may not share a name in any one language either."""
    seen: dict[tuple[str, str], int] = {}
    for index, names in localized:
        for locale, name in names.items():
            if (locale, name) in seen:
                errors.add((*path, index, "name_localizations", locale), code, "Duplicate")
            seen[(locale, name)] = index


BUTTON, STRING_SELECT, TEXT_INPUT, LABEL, TEXT_DISPLAY = 2, 3, 4, 18, 10
SELECTS = (3, 5, 6, 7, 8)


def embed_size(embed: dict[str, Any]) -> int:
    """Characters that count toward the 6,000 limit, as Discord counts them."""
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    for item in embed.get("fields") or []:
        size += len(item.get("name") or "") + len(item.get("value") or "")
    return size


def _embed(errors: FormErrors, path: Path, embed: dict[str, Any]) -> None:
    errors.check_length((*path, "title"), embed.get("title"), 256)
    errors.check_length((*path, "description"), embed.get("description"), 4096)
    errors.check_length((*path, "url"), embed.get("url"), 2048)
    footer = embed.get("footer")
    if footer is not None:
        errors.check_length((*path, "footer", "text"), footer.get("text"), 2048, low=1)
    author = embed.get("author")
    if author is not None:
        errors.check_length((*path, "author", "name"), author.get("name"), 256, low=1)
    fields = embed.get("fields") or []
    errors.check_length((*path, "fields"), fields, 25)
    for index, item in enumerate(fields[:25]):
        errors.check_length((*path, "fields", index, "name"), item.get("name"), 256, low=1)
        errors.check_length((*path, "fields", index, "value"), item.get("value"), 1024, low=1)


def _button(errors: FormErrors, path: Path, button: dict[str, Any]) -> None:
    errors.check_length((*path, "label"), button.get("label"), 80)
    if button.get("style") == 5:
        if not button.get("url"):
            errors.required((*path, "url"))
    else:
        errors.check_length((*path, "custom_id"), button.get("custom_id"), CUSTOM_ID_MAX, low=1)
    if not button.get("label") and not button.get("emoji"):
        errors.add(path, "BUTTON_COMPONENT_INVALID", "A button needs a label or an emoji.")


def _select(errors: FormErrors, path: Path, select: dict[str, Any]) -> None:
    errors.check_length((*path, "custom_id"), select.get("custom_id"), CUSTOM_ID_MAX, low=1)
    errors.check_length((*path, "placeholder"), select.get("placeholder"), 150)
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not 0 <= low <= 25:
        errors.add((*path, "min_values"), "NUMBER_TYPE_MAX", "Must be 25 or less.")
    if not 1 <= high <= 25 or high < low:
        errors.add((*path, "max_values"), "NUMBER_TYPE_MAX", "Must be between 1 and 25.")
    if select.get("type") != STRING_SELECT:
        return
    options = select.get("options") or []
    errors.check_length((*path, "options"), options, SELECT_OPTIONS_MAX, low=1)
    if options and high > len(options):
        errors.add(
            (*path, "max_values"),
            "SELECT_COMPONENT_MAX_VALUES_TOO_LARGE",
            "Must be less than or equal to the number of options.",
        )
    for index, option in enumerate(options[:SELECT_OPTIONS_MAX]):
        errors.check_length((*path, "options", index, "label"), option.get("label"), 100, low=1)
        errors.check_length((*path, "options", index, "value"), option.get("value"), 100, low=1)
        errors.check_length(
            (*path, "options", index, "description"), option.get("description"), 100
        )


def message_components(errors: FormErrors, path: Path, rows: list[dict[str, Any]]) -> None:
    errors.check_length(path, rows, ROWS_MAX)
    seen: set[str] = set()
    for r, row in enumerate(rows[:ROWS_MAX]):
        row_path = (*path, r)
        if row.get("type") != 1:
            errors.add((*row_path, "type"), "COMPONENT_TYPE_INVALID", "Expected an action row.")
            continue
        children = row.get("components") or []
        errors.check_length((*row_path, "components"), children, ROW_WIDTH, low=1)
        kinds = {child.get("type") for child in children}
        if kinds & set(SELECTS) and len(children) > 1:
            errors.add(
                (*row_path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for c, child in enumerate(children[:ROW_WIDTH]):
            child_path = (*row_path, "components", c)
            if child.get("type") == BUTTON:
                _button(errors, child_path, child)
            elif child.get("type") in SELECTS:
                _select(errors, child_path, child)
            else:
                errors.add((*child_path, "type"), "COMPONENT_TYPE_INVALID", "Invalid type here.")
            custom_id = child.get("custom_id")
            if custom_id is not None:
                if custom_id in seen:
                    errors.add(
                        (*child_path, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                seen.add(custom_id)


def message(
    payload: dict[str, Any], *, path: Path = (), attachments: int = 0, edit: bool = False
) -> None:
    """A message create/edit body (also an interaction response's ``data``)."""
    errors = FormErrors()
    content = payload.get("content")
    errors.check_length((*path, "content"), content, CONTENT_MAX)
    embeds = payload.get("embeds") or []
    errors.check_length((*path, "embeds"), embeds, EMBEDS_MAX)
    for index, embed in enumerate(embeds[:EMBEDS_MAX]):
        _embed(errors, (*path, "embeds", index), embed)
    if sum(embed_size(e) for e in embeds) > EMBED_TOTAL_MAX:
        errors.add(
            (*path, "embeds"),
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
        )
    components = payload.get("components") or []
    message_components(errors, (*path, "components"), components)
    for index, item in enumerate(payload.get("attachments") or []):
        errors.check_length(
            (*path, "attachments", index, "description"), item.get("description"), 1024
        )
    errors.raise_if_any()
    if not edit and not (content or embeds or components or attachments or payload.get("poll")):
        raise DiscordError(400, EMPTY_MESSAGE, "Cannot send an empty message")


def _text_input(errors: FormErrors, path: Path, item: dict[str, Any], *, in_label: bool) -> None:
    errors.check_length((*path, "custom_id"), item.get("custom_id"), CUSTOM_ID_MAX, low=1)
    if in_label:
        if item.get("label") is not None:
            errors.add((*path, "label"), "TEXT_INPUT_LABEL_INVALID", "Use the label component.")
    else:
        errors.check_length((*path, "label"), item.get("label"), 45, low=1)
    if item.get("style") not in (1, 2):
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
    low, high = item.get("min_length", 0), item.get("max_length", 4000)
    if not 0 <= low <= 4000:
        errors.add((*path, "min_length"), "NUMBER_TYPE_MAX", "Must be 4000 or less.")
    if not 1 <= high <= 4000:
        errors.add((*path, "max_length"), "NUMBER_TYPE_MAX", "Must be between 1 and 4000.")
    errors.check_length((*path, "value"), item.get("value"), 4000)
    errors.check_length((*path, "placeholder"), item.get("placeholder"), 100)


def modal(data: dict[str, Any], *, path: Path = ("data",)) -> None:
    errors = FormErrors()
    errors.check_length((*path, "custom_id"), data.get("custom_id"), CUSTOM_ID_MAX, low=1)
    errors.check_length((*path, "title"), data.get("title"), MODAL_TITLE_MAX, low=1)
    components = data.get("components") or []
    errors.check_length((*path, "components"), components, MODAL_COMPONENTS_MAX, low=1)
    for index, item in enumerate(components[:MODAL_COMPONENTS_MAX]):
        item_path = (*path, "components", index)
        kind = item.get("type")
        if kind == LABEL:
            errors.check_length((*item_path, "label"), item.get("label"), 45, low=1)
            errors.check_length((*item_path, "description"), item.get("description"), 100)
            inner = item.get("component") or {}
            if inner.get("type") == TEXT_INPUT:
                _text_input(errors, (*item_path, "component"), inner, in_label=True)
            elif inner.get("type") in SELECTS:
                _select(errors, (*item_path, "component"), inner)
            else:
                errors.required((*item_path, "component"))
        elif kind == 1:
            children = item.get("components") or []
            if len(children) != 1 or children[0].get("type") != TEXT_INPUT:
                errors.add(item_path, "COMPONENT_TYPE_INVALID", "One text input per row.")
            else:
                _text_input(errors, (*item_path, "components", 0), children[0], in_label=False)
        elif kind != TEXT_DISPLAY:
            errors.add((*item_path, "type"), "COMPONENT_TYPE_INVALID", "Invalid type in a modal.")
    errors.raise_if_any()


def autocomplete(data: dict[str, Any], *, path: Path = ("data",)) -> None:
    errors = FormErrors()
    choices = data.get("choices") or []
    errors.check_length((*path, "choices"), choices, CHOICES_MAX)
    for index, choice in enumerate(choices[:CHOICES_MAX]):
        errors.check_length((*path, "choices", index, "name"), choice.get("name"), 100, low=1)
        if isinstance(choice.get("value"), str):
            errors.check_length((*path, "choices", index, "value"), choice["value"], 100)
    errors.raise_if_any()


def _options(errors: FormErrors, path: Path, options: list[dict[str, Any]], depth: int) -> None:
    errors.check_length(path, options, OPTIONS_MAX)
    seen_optional = False
    names: set[str] = set()
    localized: list[tuple[int, dict[str, str]]] = []
    for index, option in enumerate(options[:OPTIONS_MAX]):
        option_path = (*path, index)
        name = option.get("name") or ""
        if not _is_slash_name(name):
            errors.add((*option_path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Invalid name")
        translations = _localizations(errors, option_path, option, slash_name=True, described=True)
        localized.append((index, translations))
        if name in names:
            errors.add(
                (*option_path, "name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Duplicate",
            )
        names.add(name)
        errors.check_length((*option_path, "description"), option.get("description"), 100, low=1)
        kind = option.get("type")
        if kind in (1, 2):
            if depth >= 2 or (kind == 2 and depth >= 1):
                errors.add(
                    (*option_path, "type"), "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Too deep"
                )
            _options(errors, (*option_path, "options"), option.get("options") or [], depth + 1)
            continue
        if option.get("required"):
            if seen_optional:
                errors.add(
                    (*option_path, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        errors.check_length((*option_path, "choices"), choices, CHOICES_MAX)
        if choices and option.get("autocomplete"):
            errors.add((*option_path, "autocomplete"), "AUTOCOMPLETE_INVALID", "Not with choices")
        for c, choice in enumerate(choices[:CHOICES_MAX]):
            errors.check_length(
                (*option_path, "choices", c, "name"), choice.get("name"), 100, low=1
            )
            _localizations(
                errors,
                (*option_path, "choices", c),
                choice,
                slash_name=False,
                described=False,
                name_max=100,
            )
    _duplicate_translations(
        errors, path, localized, "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS"
    )


def commands(payload: list[dict[str, Any]]) -> None:
    """A bulk overwrite: every command, and the counts per type (100 slash, 5 per menu)."""
    errors = FormErrors()
    seen: set[tuple[int, str]] = set()
    per_type: dict[int, int] = {}
    localized: dict[int, list[tuple[int, dict[str, str]]]] = {}
    for index, command in enumerate(payload):
        kind = command.get("type", 1)
        name = command.get("name") or ""
        per_type[kind] = per_type.get(kind, 0) + 1
        translations = _localizations(
            errors, (index,), command, slash_name=kind == 1, described=kind == 1
        )
        localized.setdefault(kind, []).append((index, translations))
        if kind == 1:
            if not _is_slash_name(name):
                errors.add((index, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Invalid name")
            errors.check_length((index, "description"), command.get("description"), 100, low=1)
            _options(errors, (index, "options"), command.get("options") or [], 0)
        else:
            errors.check_length((index, "name"), name, 32, low=1)
            if command.get("description"):
                errors.add(
                    (index, "description"),
                    "APPLICATION_COMMAND_INVALID_DESCRIPTION",
                    "Must be empty",
                )
        if (kind, name) in seen:
            errors.add((index, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate name")
        seen.add((kind, name))
    for siblings in localized.values():
        _duplicate_translations(errors, (), siblings, "APPLICATION_COMMANDS_DUPLICATE_NAME")
    for kind, limit in ((1, 100), (2, 5), (3, 5)):
        if per_type.get(kind, 0) > limit:
            errors.add(("_errors_count",), "MAX_COMMANDS", f"Maximum number of commands ({limit})")
    errors.raise_if_any()
