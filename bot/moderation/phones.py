"""Phone numbers: a cheap digit-run pre-filter, then ``phonenumbers`` on those spans only.

``phonenumbers.PhoneNumberMatcher`` scans the whole text with its own patterns, and used to run
once per region: about 40% of all detector time. Here one linear regex pass picks the spans
that look like numbers (seven digits or more, with the usual separators), and only those are
parsed: international numbers ("+234 ...") as written, national ones as US, then UK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

_MIN_PHONE_DIGITS = 7
_DROP_DIGITS = str.maketrans("", "", "0123456789")
# A run of digits with spaces, dots, dashes or brackets between them; bounded, so each start
# position costs at most ~24 steps. Never preceded or followed by a letter or digit.
_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d[\d \-.()]{5,22}\d(?![\w])")
_REGIONS = ("US", "GB")
_MAX_CANDIDATES = 6
#: Numbers parsed and remembered: spam waves repeat the same few numbers, and one parse costs
#: as much as scoring a whole ordinary message.
PARSED_CACHE_SIZE = 2048


@dataclass(frozen=True)
class Phone:
    written: str
    premium: bool


@cache
def _phonenumbers() -> Any:
    import phonenumbers  # about 30 ms to import; most messages never need it

    return phonenumbers


def find_phones(text: str) -> list[Phone]:
    # Counting digits with C-level translate first: this runs for every message.
    if len(text) - len(text.translate(_DROP_DIGITS)) < _MIN_PHONE_DIGITS:
        return []
    found: dict[str, Phone] = {}
    candidates = 0
    for match in _CANDIDATE.finditer(text):
        written = match[0]
        if len(written) - len(written.translate(_DROP_DIGITS)) < _MIN_PHONE_DIGITS:
            continue
        candidates += 1
        if candidates > _MAX_CANDIDATES:
            break
        phone = _parse(written)
        if phone is not None:
            found.setdefault(phone[0], Phone(written, phone[1]))
            if len(found) == 3:
                break
    return list(found.values())


@lru_cache(maxsize=PARSED_CACHE_SIZE)
def _parse(written: str) -> tuple[str, bool] | None:
    """(E.164 key, premium-rate) for a valid number, else None."""
    pn = _phonenumbers()
    regions = (None,) if written.startswith("+") else _REGIONS
    for region in regions:
        try:
            number = pn.parse(written, region)
        except pn.NumberParseException:
            continue
        if pn.is_valid_number(number):
            key = pn.format_number(number, pn.PhoneNumberFormat.E164)
            return key, pn.number_type(number) == pn.PhoneNumberType.PREMIUM_RATE
    return None
