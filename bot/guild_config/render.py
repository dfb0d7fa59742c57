"""What /config shows: one short line per option, and the details of one option on request.

A line is ``name: value`` only, so it fits a phone (about 60 characters); what an option does,
its default and its range are one tap away (the select under /config show, or the option's
autocomplete description while typing).
"""

from __future__ import annotations

from typing import Any

from bot.guild_config.keys import ConfigKey, ConfigKind
from bot.i18n import N_, _, ngettext, number
from bot.replies import Reply

LINE_CHARS = 60
SHOW_TITLE = N_("Server settings")
SHOW_FOOTER = N_("Choose a setting below to see what it does.\nChange one with /config set.")
NO_OPTIONS = N_("No options are declared.")
DETAIL_NOW = N_("Now")
DETAIL_DEFAULT = N_("Default")
DETAIL_RANGE = N_("Allowed")
DETAIL_RANGE_VALUE = N_("{minimum} to {maximum}")
DETAIL_CHANGE = N_("Change it")
CHANGE_CHANNEL = N_("/config channel option:{name}")
CHANGE_VALUE = N_("/config set option:{name} value:…")
RESET_HINT = N_("Back to the default: /config reset option:{name}")


def short_value(key: ConfigKey, value: Any, room: int) -> str:
    """The value as shown in a settings line: a long list becomes its count."""
    shown = key.display(value)
    if len(shown) <= room:
        return shown
    if key.kind is ConfigKind.TEXT_LIST:
        return ngettext("{count} entry", "{count} entries", len(value)).format(
            count=number(len(value))
        )
    return shown[: max(1, room - 1)] + "…"


def setting_line(key: ConfigKey, value: Any) -> str:
    room = LINE_CHARS - len(key.name) - 2
    return f"{key.name}: {short_value(key, value, room)}"


def show_reply(
    keys: list[ConfigKey], values: dict[str, Any], feature_titles: dict[str, str]
) -> Reply:
    reply = Reply(title=_(SHOW_TITLE), footer=_(SHOW_FOOTER))
    by_feature: dict[str, list[str]] = {}
    for key in keys:
        by_feature.setdefault(key.feature, []).append(setting_line(key, values[key.name]))
    for feature, lines in by_feature.items():
        reply.add_field(feature_titles.get(feature, feature), "\n".join(lines))
    if not by_feature:
        reply.body = _(NO_OPTIONS)
    return reply


def detail_reply(key: ConfigKey, value: Any) -> Reply:
    reply = Reply(title=key.name, body=key.explanation, footer=_(RESET_HINT).format(name=key.name))
    reply.add_field(_(DETAIL_NOW), key.display(value), inline=True)
    reply.add_field(_(DETAIL_DEFAULT), key.display(key.default), inline=True)
    if key.minimum is not None and key.maximum is not None:
        reply.add_field(
            _(DETAIL_RANGE),
            _(DETAIL_RANGE_VALUE).format(minimum=number(key.minimum), maximum=number(key.maximum)),
            inline=True,
        )
    change = CHANGE_CHANNEL if key.kind is ConfigKind.CHANNEL else CHANGE_VALUE
    reply.add_field(_(DETAIL_CHANGE), _(change).format(name=key.name))
    return reply
