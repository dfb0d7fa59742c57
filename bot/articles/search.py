"""Turning what a member typed into plain search words, with typo correction.

Members' text never reaches a query syntax: only plain words come out of here, and each engine's
full-text dialect (``bot.storage.dialects``) quotes them, so `"`, `*`, `NEAR(`, `AND`, `-` or
unbalanced quotes are plain words. Misspelt words are corrected against the articles'
own (unstemmed) vocabulary before searching, because a stemmer can turn a typo into a real but
wrong word ("weekness" stems to "week").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
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


def vocabulary_words(text: str) -> set[str]:
    """The words of one text worth correcting a typo towards (as :func:`words` splits them;
    each distinct word is looked at once: this runs for every article imported)."""
    return {
        lower
        for w in set(_WORD.findall(text))
        if (not w.isdigit() or len(w) < 6) and len(lower := w.lower()) >= MIN_FUZZY_LENGTH
    }


class Vocabulary:
    """Lower-case words seen in the articles, for correcting typos in queries.

    Kept up to date one article at a time: :meth:`add` and :meth:`discard` take the words of
    one article's text, and a word stays while at least one live article uses it. A change costs
    the size of that article, never of the library, so nothing is rebuilt and no search waits.
    """

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self._uses: dict[str, int] = {}  # word -> live articles using it
        self._choices: list[str] = []  # the words, for rapidfuzz
        self._slot: dict[str, int] = {}  # word -> its index in _choices
        self.add(sorted(set(vocabulary)))

    def __len__(self) -> int:
        return len(self._choices)

    def __contains__(self, word: str) -> bool:
        return word in self._uses

    def __iter__(self) -> Iterator[str]:
        return iter(self._choices)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        vocabulary = cls()
        for text in texts:
            vocabulary.add(vocabulary_words(text))
        return vocabulary

    def add(self, article_words: Iterable[str]) -> None:
        """One more article uses each of these (distinct) words."""
        for word in article_words:
            uses = self._uses.get(word, 0)
            self._uses[word] = uses + 1
            if not uses:
                self._slot[word] = len(self._choices)
                self._choices.append(word)

    def discard(self, article_words: Iterable[str]) -> None:
        """One article fewer uses each of these words; unused words leave."""
        for word in article_words:
            uses = self._uses.get(word, 0)
            if uses > 1:
                self._uses[word] = uses - 1
            elif uses == 1:
                del self._uses[word]
                # Swap-remove: move the last word into the freed slot.
                slot = self._slot.pop(word)
                last = self._choices.pop()
                if last != word:
                    self._choices[slot] = last
                    self._slot[last] = slot

    def correct(self, word: str) -> str:
        if len(word) < MIN_FUZZY_LENGTH or word in self._uses or word.isdigit():
            return word
        matches = process.extract(
            word, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
        )
        if not matches:
            return word
        # The best score, then alphabetical: the same answer whatever order words came in.
        return min(matches, key=lambda match: (-match[1], match[0]))[0]


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
