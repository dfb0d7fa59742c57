"""Declarations of guild options and parsing of the values moderators type."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.errors import UserError
from bot.i18n import _, number
from bot.numbers import parse_float, parse_int, valid_id


class ConfigKind(StrEnum):
    CHANNEL = "channel"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    TEXT = "text"
    TEXT_LIST = "text_list"


_TRUE = {"on", "yes", "true", "1", "enable", "enabled"}
_FALSE = {"off", "no", "false", "0", "disable", "disabled"}
_CHANNEL_MENTION = re.compile(r"^<#([0-9]{15,20})>$|^([0-9]{15,20})$")


@dataclass(frozen=True)
class ConfigKey:
    name: str
    kind: ConfigKind
    default: Any
    description: str
    feature: str
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 200

    def __post_init__(self) -> None:
        if self.kind in (ConfigKind.INT, ConfigKind.FLOAT) and (
            self.minimum is None or self.maximum is None
        ):
            raise ValueError(f"config key {self.name}: a number needs an explicit range")

    @property
    def explanation(self) -> str:
        """What the option does, in the reader's language."""
        return _(self.description)

    def parse(self, raw: str) -> Any:
        """Turn typed text into a stored value, or raise a friendly :class:`UserError`."""
        text = raw.strip()
        if self.kind is ConfigKind.CHANNEL:
            match = _CHANNEL_MENTION.match(text)
            channel_id = valid_id(int(match[1] or match[2])) if match else None
            if channel_id is None:
                raise UserError(
                    _(
                        "`{name}` needs a channel: pick one from the list or mention it like "
                        "#channel."
                    ).format(name=self.name)
                )
            return channel_id
        if self.kind is ConfigKind.BOOL:
            lowered = text.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise UserError(_("`{name}` is on or off: type `on` or `off`.").format(name=self.name))
        if self.kind is ConfigKind.INT:
            assert self.minimum is not None and self.maximum is not None  # __post_init__
            return parse_int(
                text, what=f"`{self.name}`", minimum=int(self.minimum), maximum=int(self.maximum)
            )
        if self.kind is ConfigKind.FLOAT:
            assert self.minimum is not None and self.maximum is not None
            return parse_float(
                text, what=f"`{self.name}`", minimum=self.minimum, maximum=self.maximum
            )
        if self.kind is ConfigKind.TEXT_LIST:
            items = [item.strip() for item in text.split(",") if item.strip()]
            if any(len(item) > self.max_length for item in items):
                raise UserError(
                    _("Each entry of `{name}` must be at most {limit} characters.").format(
                        name=self.name, limit=self.max_length
                    )
                )
            return items
        if not text or len(text) > self.max_length:
            raise UserError(
                _("`{name}` needs text of 1 to {limit} characters.").format(
                    name=self.name, limit=self.max_length
                )
            )
        return text

    def stored(self, value: Any) -> Any:
        """A value read back from the database, or the default when it could not have been
        set (a NaN threshold written before numbers were parsed strictly flags nothing)."""
        if self.kind not in (ConfigKind.INT, ConfigKind.FLOAT):
            return value
        assert self.minimum is not None and self.maximum is not None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not self.minimum <= value <= self.maximum
        ):
            return self.default
        return value

    def display(self, value: Any) -> str:
        if value is None:
            return _("not set")
        if self.kind is ConfigKind.CHANNEL:
            return f"<#{value}>"
        if self.kind is ConfigKind.BOOL:
            return _("on") if value else _("off")
        if self.kind is ConfigKind.TEXT_LIST:
            return ", ".join(value) if value else _("none")
        return number(value) if isinstance(value, int | float) else str(value)
