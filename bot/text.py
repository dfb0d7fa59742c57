"""Text hygiene shared by the whole core."""

from __future__ import annotations

REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD; valid text is returned as is.

    JSON (Discord's gateway, an export file) can carry ``\\ud83d`` without its partner: a valid
    escape, but not Unicode. Such a ``str`` cannot be encoded to UTF-8, so SQLite, files and
    Discord itself refuse it. Replacing it keeps the rest of the text (a scam stays a scam).
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # surrogatepass keeps well-formed pairs together; only the lone halves are replaced.
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
