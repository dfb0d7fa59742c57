"""Discord's error JSON: ``{"message": ..., "code": ...}`` plus ``errors`` for form errors.

Codes are Discord's (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
Form errors nest by field path, arrays by index as a string key, ending in ``_errors``; discord.py
turns them into "In embeds.0.fields.3.value: Must be 1024 or fewer in length."
"""

from __future__ import annotations

from typing import Any

UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_USER = 10013
UNKNOWN_WEBHOOK = 10015
UNKNOWN_BAN = 10026
UNKNOWN_INTERACTION = 10062
UNKNOWN_COMMAND_PERMISSIONS = 10066
ALREADY_ACKNOWLEDGED = 40060
MISSING_ACCESS = 50001
EMPTY_MESSAGE = 50006
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
INVALID_WEBHOOK_TOKEN = 50027
INVALID_FORM_BODY = 50035


class DiscordError(Exception):
    """An HTTP error answer, exactly as Discord would send it."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def not_found(code: int, what: str) -> DiscordError:
    return DiscordError(404, code, f"Unknown {what}")


def missing_permissions() -> DiscordError:
    return DiscordError(403, MISSING_PERMISSIONS, "Missing Permissions")


def missing_access() -> DiscordError:
    return DiscordError(403, MISSING_ACCESS, "Missing Access")


class FormErrors:
    """Collects field errors by path; :meth:`raise_if_any` answers 50035 Invalid Form Body."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}
        self.paths: list[str] = []

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
        self.paths.append(".".join(str(p) for p in path))

    def too_long(self, path: tuple[str | int, ...], limit: int) -> None:
        self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def bad_length(self, path: tuple[str | int, ...], low: int, high: int) -> None:
        self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def required(self, path: tuple[str | int, ...]) -> None:
        self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def check_length(
        self, path: tuple[str | int, ...], value: Any, high: int, *, low: int = 0
    ) -> None:
        """A string (or list) field that must have ``low``..``high`` items, if present."""
        if value is None:
            if low:
                self.required(path)
            return
        if not isinstance(value, str | list):
            self.add(path, "STRING_TYPE_CONVERT", "Could not interpret the value as a string.")
            return
        if low and not value:
            self.required(path)
        elif low and len(value) < low:
            self.bad_length(path, low, high)
        elif len(value) > high:
            self.too_long(path, high)

    def raise_if_any(self) -> None:
        if self.tree:
            raise DiscordError(400, INVALID_FORM_BODY, "Invalid Form Body", self.tree)
