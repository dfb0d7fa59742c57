"""Strict numbers: the one way the core turns typed or stored text into a number.

``str.isdigit()`` accepts superscripts (``"²"``) that ``int()`` then refuses; ``int()`` accepts
Arabic-Indic digits, underscores and 5,000-digit strings (past Python's conversion limit);
``float()`` accepts ``nan`` and ``inf``, after which every comparison is false (a NaN threshold
flags nothing); and an id past SQLite's 64-bit range raises ``OverflowError`` when bound. Here:
ASCII decimal digits only, a length limit checked *before* converting, explicit ranges, finite
values, and one friendly :class:`~bot.errors.UserError` for anything else.
"""

from __future__ import annotations

import math
import re

from bot.errors import UserError
from bot.i18n import _, number

#: SQLite stores integers in 64 signed bits: every id the core stores or looks up fits here.
SQLITE_INT_MAX = 2**63 - 1
#: Longer than any number a member needs to type (an id has at most 19 digits); checked
#: before ``int()``/``float()`` so a huge digit run costs nothing.
MAX_NUMBER_LENGTH = 24

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ID = re.compile(r"#?[0-9]+")


def _shown(text: str) -> str:
    return " ".join(text.split())[:40]


def parse_int(text: str, *, what: str, minimum: int, maximum: int) -> int:
    """A whole number from ``minimum`` to ``maximum``, or a :class:`UserError` naming ``what``
    (e.g. "`rest_days`", "A rating")."""
    cleaned = text.strip()
    if len(cleaned) > MAX_NUMBER_LENGTH or not _INTEGER.fullmatch(cleaned):
        raise UserError(
            _("{what} needs a whole number between {minimum} and {maximum}, not `{typed}`.").format(
                what=what, minimum=number(minimum), maximum=number(maximum), typed=_shown(text)
            )
        )
    value = int(cleaned)
    if not minimum <= value <= maximum:
        raise UserError(_out_of_range(what, minimum, maximum))
    return value


def parse_float(text: str, *, what: str, minimum: float, maximum: float) -> float:
    """A finite decimal number (``4``, ``4.5``, ``.5``) in the range; no exponents, NaN or
    infinity, or a :class:`UserError` naming ``what``."""
    cleaned = text.strip()
    if len(cleaned) > MAX_NUMBER_LENGTH or not _DECIMAL.fullmatch(cleaned):
        raise UserError(
            _("{what} needs a number between {minimum} and {maximum}, not `{typed}`.").format(
                what=what, minimum=number(minimum), maximum=number(maximum), typed=_shown(text)
            )
        )
    value = float(cleaned)
    if not (math.isfinite(value) and minimum <= value <= maximum):
        raise UserError(_out_of_range(what, minimum, maximum))
    return value


def _out_of_range(what: str, minimum: float, maximum: float) -> str:
    return _("{what} must be between {minimum} and {maximum}.").format(
        what=what, minimum=number(minimum), maximum=number(maximum)
    )


def parse_id(text: str) -> int | None:
    """The id in ``"12"`` or ``"#12"``, or ``None`` when the text is not an id SQLite can hold
    (so callers treat it as a name instead, or say it was not found)."""
    cleaned = text.strip()
    if len(cleaned) > MAX_NUMBER_LENGTH or not _ID.fullmatch(cleaned):
        return None
    return valid_id(int(cleaned.lstrip("#")))


def valid_id(value: int) -> int | None:
    """``value`` when it can be a stored row id (1 .. 2**63-1), else ``None``. For ids that
    arrive as numbers (a button's custom id, a Discord option) before they reach SQL."""
    return value if 1 <= value <= SQLITE_INT_MAX else None
