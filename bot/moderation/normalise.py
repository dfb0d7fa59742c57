"""Text normalisation before any matching: undo the tricks scammers use to dodge filters.

Order matters: cap the length, NFKC, drop format characters (zero-width joiners and the like),
map confusable look-alikes to Latin (table derived on first use from ``confusable_homoglyphs``'s
bundled data), collapse whitespace, rebuild dodged links and e-mail addresses, and finally a
light leetspeak pass for phrase matching only (links, e-mails and phone numbers are read before
it, so digits there are kept).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import confusable_homoglyphs

from bot.moderation.links import Link, rebuild_spaced

#: Discord messages are at most 4,000 characters (Nitro); anything longer is cut before work.
MAX_INPUT_CHARS = 4000


class _FoldTable(dict[int, "str | int | None"]):
    """Confusable letters and digits -> their ASCII look-alike; format characters -> removed.

    Built on first use, not at import (scanning all 1.1 million code points for format
    characters took most of a third of a second at every start): the confusables come from
    ``confusable_homoglyphs``' bundled data (about 13 ms), and a character's Unicode category is
    looked up the first time ``str.translate`` meets it, then remembered.
    """

    def __missing__(self, code: int) -> str | int | None:
        value: str | int | None = None if unicodedata.category(chr(code)) == "Cf" else code
        self[code] = value
        return value


@cache
def fold_table() -> _FoldTable:
    table = _FoldTable()
    data_file = Path(confusable_homoglyphs.__file__).parent / "confusables.json"
    data = json.loads(data_file.read_text(encoding="utf-8"))
    for char, homoglyphs in data.items():
        if len(char) != 1 or char.isascii():
            continue
        for glyph in homoglyphs:
            target = glyph.get("c", "")
            if len(target) == 1 and target.isascii() and target.isalnum():
                table[ord(char)] = target.lower()
                break
    return table


_WHITESPACE = re.compile(r"\s+")
# Explicit dot dodges: "site(.)com", "site [.] com", "site (dot) com", "site{dot}com".
_BRACKET_DOT = re.compile(r" ?[\(\[\{] ?(?:\.|dot) ?[\)\]\}] ?")
# "name (at) mail" / "name [at] mail" -> "name@mail".
_BRACKET_AT = re.compile(r" ?[\(\[\{] ?(?:@|at) ?[\)\]\}] ?")
_MAIL_HOSTS = "gmail|yahoo|outlook|hotmail|protonmail|aol|icloud|yandex|gmx"
_SPOKEN_AT = re.compile(rf"\b([a-z0-9._-]{{2,64}}) at ({_MAIL_HOSTS})\b")
# Common suffixes that may follow a spoken "dot"; validated again by the public-suffix list.
_SPOKEN_DOT = re.compile(
    r"\b([a-z0-9-]{2,63}) dot (com|net|org|info|biz|co|uk|us|ng|za|in|xyz|online|site|shop)\b"
)
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
# One character class, one greedy run: each character is read once (the old pattern with a
# letter in the middle retried every start position: 4,000 "@" took over 80 ms).
_LEET_RUN = re.compile(r"[a-z0-9@$]+")


@dataclass
class Normalised:
    #: Lower-case, de-confused, whitespace-collapsed text with dodged links rebuilt.
    text: str
    #: The same with light leetspeak undone: what phrase rules match against.
    words: str
    #: Dodges that were undone, with the text as written (for explanations).
    dodges: list[str] = field(default_factory=list)
    truncated: bool = False
    #: Links rebuilt from spaced-out writing ("ww w. site. c om"): always obfuscated.
    spaced_links: list[Link] = field(default_factory=list)
    #: The text before bracket and spoken dodges were undone (links only here are dodged).
    plain: str = ""
    #: :attr:`plain` with its case kept (wallet addresses are case-sensitive).
    cased: str = ""


def fold_cased(text: str) -> str:
    """NFKC, format characters removed, confusables mapped, whitespace collapsed; case kept."""
    text = text[:MAX_INPUT_CHARS]
    if not text.isascii():
        # Map look-alikes before NFKC too: NFKC turns some (lunate sigma) into other scripts.
        # Confusable targets are lower case; ASCII capitals stay, so sentence starts show.
        table = fold_table()
        text = unicodedata.normalize("NFKC", text.translate(table)).translate(table)
        # NFKC can expand a character up to 18-fold ("ﷺ"): cap again so work stays bounded.
        text = text[:MAX_INPUT_CHARS]
    return _WHITESPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """:func:`fold_cased`, lower-cased: the form rules and guild phrases are stored in."""
    return fold_cased(text).lower()


def _deleet(match: re.Match[str]) -> str:
    token = match[0]
    # Only tokens mixing letters with digits/symbols ("cur3d", "h3rb@l"); plain numbers and
    # symbol runs stay.
    if token.isalpha() or not any("a" <= char <= "z" for char in token):
        return token
    return token.translate(_LEET)


def normalise(raw: str) -> Normalised:
    truncated = len(raw) > MAX_INPUT_CHARS
    cased, spaced_links = rebuild_spaced(fold_cased(raw))
    text = plain = cased.lower()
    dodges: list[str] = [link.written for link in spaced_links]

    def _dot(match: re.Match[str]) -> str:
        dodges.append(match[0].strip())
        return "."

    def _spoken_dot(match: re.Match[str]) -> str:
        dodges.append(match[0])
        return f"{match[1]}.{match[2]}"

    def _at(match: re.Match[str]) -> str:
        dodges.append(match[0].strip())
        return "@"

    def _spoken_at(match: re.Match[str]) -> str:
        dodges.append(match[0])
        return f"{match[1]}@{match[2]}"

    if "(" in text or "[" in text or "{" in text:
        text = _BRACKET_DOT.sub(_dot, text)
        text = _BRACKET_AT.sub(_at, text)
    if " dot " in text:
        text = _SPOKEN_DOT.sub(_spoken_dot, text)
    if " at " in text:
        text = _SPOKEN_AT.sub(_spoken_at, text)
    words = _LEET_RUN.sub(_deleet, text) if any(c in text for c in "013457@$") else text
    return Normalised(
        text=text,
        words=words,
        dodges=dodges,
        truncated=truncated,
        spaced_links=spaced_links,
        plain=plain,
        cased=cased,
    )
