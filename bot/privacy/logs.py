"""Keep members' words out of the log, at every level, for the bot, the console and the CLI.

Two libraries log member content at DEBUG: discord.py (every gateway event with its message
text, every HTTP request body and answer) and aiosqlite (every SQL call with its parameters:
notes, feedback, flagged text). And any exception message may quote what a member typed
(``invalid literal for int(): '<their note>'``). Handlers come and go (discord.py installs its
own), so the protection sits in the one place every record passes: the log-record factory.

- Records of the libraries above keep their wording, but each argument is reduced to what is
  safe: numbers, event and method names, URLs (tokens cut), and otherwise a kind and a length
  (``<text, 57 chars>``, ``<gateway event MESSAGE_CREATE id=...>``, ``<SQL call: UPDATE ...>``).
- Every record's exception keeps its traceback (file, line, function) but its message is
  withheld, with its length, unless its type is known not to quote input (database, network
  and Discord HTTP errors).

Our own code logs ids and counts only.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
from collections.abc import Mapping
from enum import Enum
from types import TracebackType
from typing import Any

#: Loggers whose records carry payloads (message text, request bodies, SQL parameters).
PAYLOAD_LOGGERS = ("discord", "aiosqlite")
#: Event, method and handler names, session ids, bucket hashes: one word, no spaces or quotes.
_SAFE_WORD = re.compile(r"[A-Za-z0-9_./:-]{0,64}")
_URL = re.compile(r"(?:https?|wss?)://\S{0,500}")
#: Interaction and webhook tokens in URL paths: long opaque segments.
_TOKEN = re.compile(r"/[A-Za-z0-9_.\-]{40,}")
_SAFE_EXCEPTIONS: tuple[type[BaseException], ...] = (sqlite3.Error, OSError, TimeoutError)

_installed = False


class WithheldError(Exception):
    """Stands in for a logged exception whose message might quote a member."""


def protect_logs() -> None:
    """Install the protection once per process (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        sanitise(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def sanitise(record: logging.LogRecord) -> None:
    if record.name.split(".", 1)[0] in PAYLOAD_LOGGERS:
        if not isinstance(record.msg, str):
            record.msg, record.args = describe(record.msg), ()
        elif isinstance(record.args, Mapping):
            record.args = {key: describe(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(describe(value) for value in record.args)
    if record.exc_info and record.exc_info[1] is not None:
        error = withhold(record.exc_info[1])
        record.exc_info = (type(error), error, error.__traceback__)
        record.exc_text = None


def describe(value: Any) -> Any:
    """A log argument reduced to what cannot carry a member's words."""
    if value is None or isinstance(value, bool | int | float | Enum):
        return value
    if isinstance(value, str):
        return _describe_text(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, BaseException):
        return _exception_line(value)
    if isinstance(value, functools.partial):
        return _describe_call(value)
    if isinstance(value, Mapping):
        return _describe_mapping(value)
    if isinstance(value, list | tuple | set | frozenset):
        return f"<{type(value).__name__} of {len(value)} items>"
    text = str(value)
    if _URL.fullmatch(text):  # yarl.URL and friends
        return _describe_text(text)
    return f"<{type(value).__name__}>"


def _describe_text(text: str) -> str:
    if _URL.fullmatch(text):
        return _TOKEN.sub("/<token>", text)
    if _SAFE_WORD.fullmatch(text):
        return text
    return f"<text, {len(text)} chars>"


def _describe_mapping(value: Mapping[Any, Any]) -> str:
    if "op" in value and ("d" in value or "t" in value):  # a gateway payload
        parts = [f"op={value.get('op')!r}"]
        if value.get("t"):
            parts.append(f"event={_describe_text(str(value['t']))}")
        data = value.get("d")
        if isinstance(data, Mapping):
            parts += [
                f"{key}={data[key]}"
                for key in ("id", "channel_id", "guild_id")
                if isinstance(data.get(key), str | int) and str(data[key]).isdigit()
            ]
            if isinstance(data.get("content"), str):
                parts.append(f"content=<{len(data['content'])} chars>")
        return f"<gateway {' '.join(parts)}>"
    return f"<mapping of {len(value)} keys>"


def _describe_call(call: functools.partial[Any]) -> str:
    name = getattr(call.func, "__name__", "call")
    if call.args and isinstance(call.args[0], str):
        sql = " ".join(call.args[0].split())[:160]
        params = call.args[1] if len(call.args) > 1 else ()
        count = len(params) if isinstance(params, list | tuple | Mapping) else "?"
        return f"<SQL {name}: {sql} ({count} parameters)>"
    return f"<{name}>"


def _exception_line(error: BaseException) -> str:
    if isinstance(error, _SAFE_EXCEPTIONS) or _is_discord_http(error):
        return f"{type(error).__name__}: {error}"
    return f"{type(error).__name__} (message withheld, {len(str(error))} chars)"


def _is_discord_http(error: BaseException) -> bool:
    # Discord's own answer ("Invalid Form Body ..."); imported lazily: the CLI has no discord.
    return any(
        cls.__module__ == "discord.errors" and cls.__name__ == "HTTPException"
        for cls in type(error).__mro__
    )


def withhold(error: BaseException, _seen: set[int] | None = None) -> BaseException:
    """The exception, or a stand-in with the same traceback and chain but no member words."""
    seen = _seen if _seen is not None else set()
    if id(error) in seen:
        return error
    seen.add(id(error))
    if isinstance(error, _SAFE_EXCEPTIONS) or _is_discord_http(error):
        return error
    stand_in = WithheldError(_exception_line(error))
    traceback: TracebackType | None = error.__traceback__
    stand_in.__traceback__ = traceback
    if error.__cause__ is not None:
        stand_in.__cause__ = withhold(error.__cause__, seen)
    if error.__context__ is not None:
        stand_in.__context__ = withhold(error.__context__, seen)
    stand_in.__suppress_context__ = error.__suppress_context__
    return stand_in
