"""Declarations of guild options and parsing of the values moderators type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.errors import UserError


class ConfigKind(StrEnum):
    CHANNEL = "channel"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    TEXT = "text"
    TEXT_LIST = "text_list"


_TRUE = {"on", "yes", "true", "1", "enable", "enabled"}
_FALSE = {"off", "no", "false", "0", "disable", "disabled"}
_CHANNEL_MENTION = re.compile(r"^<#(\d{15,21})>$|^(\d{15,21})$")


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

    def parse(self, raw: str) -> Any:
        """Turn typed text into a stored value, or raise a friendly :class:`UserError`."""
        text = raw.strip()
        if self.kind is ConfigKind.CHANNEL:
            match = _CHANNEL_MENTION.match(text)
            if not match:
                raise UserError(
                    f"`{self.name}` needs a channel: pick one from the list or mention it like #channel."
                )
            return int(match[1] or match[2])
        if self.kind is ConfigKind.BOOL:
            lowered = text.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise UserError(f"`{self.name}` is on or off: type `on` or `off`.")
        if self.kind in (ConfigKind.INT, ConfigKind.FLOAT):
            try:
                value: float = int(text) if self.kind is ConfigKind.INT else float(text)
            except ValueError:
                kind = "a whole number" if self.kind is ConfigKind.INT else "a number"
                raise UserError(f"`{self.name}` needs {kind}, not `{text[:40]}`.") from None
            if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum
            ):
                raise UserError(
                    f"`{self.name}` must be between {self.minimum:g} and {self.maximum:g}."
                )
            return value
        if self.kind is ConfigKind.TEXT_LIST:
            items = [item.strip() for item in text.split(",") if item.strip()]
            if any(len(item) > self.max_length for item in items):
                raise UserError(
                    f"Each entry of `{self.name}` must be at most {self.max_length} characters."
                )
            return items
        if not text or len(text) > self.max_length:
            raise UserError(f"`{self.name}` needs text of 1 to {self.max_length} characters.")
        return text

    def display(self, value: Any) -> str:
        if value is None:
            return "not set"
        if self.kind is ConfigKind.CHANNEL:
            return f"<#{value}>"
        if self.kind is ConfigKind.BOOL:
            return "on" if value else "off"
        if self.kind is ConfigKind.TEXT_LIST:
            return ", ".join(value) if value else "none"
        return f"{value:g}" if isinstance(value, float) else str(value)
