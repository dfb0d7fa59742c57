"""Turning what a member typed into a safe FTS5 query, with typo correction.

Members' text never reaches FTS5 syntax: every word is quoted, so `"`, `*`, `NEAR(`, `AND`,
`-` or unbalanced quotes are plain words. Misspelt words are corrected against the articles'
own (unstemmed) vocabulary before searching, because a stemmer can turn a typo into a real but
wrong word ("weekness" stems to "week").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MIN_FUZZY_LENGTH = 4
FUZZY_CUTOFF = 78.0
_WORD = re.compile(r"\w+", re.UNICODE)
#: Too common to help ranking or to be worth correcting.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "so",
        "the",
        "to",
        "what",
        "when",
        "with",
        "you",
        "your",
    ]
)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if not w.isdigit() or len(w) < 6]


@dataclass(frozen=True)
class PreparedQuery:
    terms: tuple[str, ...]
    corrected: tuple[str, ...]  # terms after typo correction
    truncated: bool
    #: (typed, searched instead) for every word the typo correction changed, so replies say so.
    corrections: tuple[tuple[str, str], ...] = ()

    @property
    def too_general(self) -> bool:
        """Only stop words were typed ("the", "how to"): they match everything."""
        return bool(self.terms) and all(t in STOP_WORDS for t in self.terms)

    def fts(self, *, any_word: bool = False, corrected: bool = True) -> str:
        """A match expression of quoted terms (implicit AND, or OR); "" if nothing to search."""
        terms = self.corrected if corrected else self.terms
        quoted = [f'"{t}"' for t in terms]
        return (" OR " if any_word else " ").join(quoted)


class Vocabulary:
    """Lower-case words seen in the articles, for correcting typos in queries."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self._words: set[str] = set(vocabulary)
        self._choices: list[str] = sorted(self._words)

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: str) -> bool:
        return word in self._words

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        found: set[str] = set()
        for text in texts:
            found.update(w for w in words(text) if len(w) >= MIN_FUZZY_LENGTH)
        return cls(found)

    def correct(self, word: str) -> str:
        if len(word) < MIN_FUZZY_LENGTH or word in self._words or word.isdigit():
            return word
        match = process.extractOne(
            word, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        return match[0] if match else word


def prepare(query: str, vocabulary: Vocabulary) -> PreparedQuery:
    """Split, drop stop words and duplicates, cap the length, correct typos."""
    text = query[:MAX_QUERY_CHARS]
    found = list(dict.fromkeys(words(text)))
    meaningful = [w for w in found if w not in STOP_WORDS] or found
    truncated = len(query) > MAX_QUERY_CHARS or len(meaningful) > MAX_QUERY_WORDS
    terms = tuple(meaningful[:MAX_QUERY_WORDS])
    pairs = [(t, vocabulary.correct(t)) for t in terms]
    corrected = tuple(dict.fromkeys(used for _, used in pairs))
    changed = tuple((typed, used) for typed, used in pairs if typed != used)
    return PreparedQuery(terms, corrected, truncated, changed)


def fuzzy_titles(
    query: str, candidates: dict[int, str], *, limit: int, cutoff: float = 86.0
) -> list[int]:
    """Article ids whose title or tags loosely match ``query`` (the last-resort fallback)."""
    results = process.extract(
        query.lower(), candidates, scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff
    )
    return [key for _, _, key in results]
