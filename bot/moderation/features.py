"""The learned layer's text features, shared by training and scoring so they can never drift.

Terms come from the *normalised* words (look-alikes mapped, leetspeak undone, dodged links
rebuilt), with every digit written as ``0`` so that "87121" and "83222" are the same short code:
word unigrams, bigrams and trigrams ("whatsapp him") and character n-grams of each word, padded with
spaces (" herb", "rbal "), which catch spellings no phrase list has. Word terms and character
terms are kept in two separate tables, so "herb" the word and "herb" the n-gram never collide.

Everything here is list comprehensions and C-level ``map``/``str.join``: it runs on every message.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from itertools import chain, pairwise

from bot.moderation.domains import matches_domain

#: Work stays bounded whatever the message: terms are read from this many characters at most.
MAX_TERM_CHARS = 1000
#: Letters-and-digits runs, or one symbol that spam likes ("£", "!", "$", "%").
_TOKEN = re.compile(r"[^\W_]+|[£$€%!?@#&*+=/<>]")
_DIGITS = str.maketrans("0123456789", "0000000000")


_HAS_DIGIT = re.compile(r"[0-9]")


# Links to allowed or trusted sites are left out of the wording: in the public data nearly every
# link is spam, so the pieces of a member's NHS link ("https", "www", "uk", "/") would read as
# spammy. Other links stay whole: their hosts and paths are strong cues in the training data.
_LINK = re.compile(
    r"(?:https?://)?(?<![\w@.-])((?:[a-z0-9-]{1,63}\.){1,6}[a-z]{2,24})(?:/[^\s<>\"]{0,2000})?"
)


def tokens(words: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Tokens of a normalised text; pass ``allowed`` only when it holds an allowed link.

    (The detector knows that already from its link search, so most messages skip the pass.)
    """
    words = words[:MAX_TERM_CHARS]
    if allowed and "." in words:

        def drop_allowed(match: re.Match[str]) -> str:
            return " " if matches_domain(match[1], allowed) else match[0]

        words = _LINK.sub(drop_allowed, words)
    if _HAS_DIGIT.search(words):  # translate is the slow part; most messages have no digits
        words = words.translate(_DIGITS)
    return _TOKEN.findall(words)


def word_terms(toks: list[str]) -> list[str]:
    """Unigrams, bigrams and trigrams, with repeats (a repeated word counts again)."""
    return toks + ngram_terms(toks)


def ngram_terms(toks: list[str]) -> list[str]:
    """Bigrams and trigrams ("whatsapp him", "no prescription needed")."""
    return list(map(" ".join, pairwise(toks))) + list(
        map(" ".join, zip(toks, toks[1:], toks[2:], strict=False))
    )


def ngram_keys(toks: list[str]) -> Iterator[tuple[str, ...]]:
    """:func:`ngram_terms` as tuples of words, in the same order.

    Scoring looks these up in a table keyed the same way (``ngram_key``): no string is joined
    and no new string hashed per n-gram, which was a fifth of the learned layer's time.
    """
    return chain(pairwise(toks), zip(toks, toks[1:], toks[2:], strict=False))


def ngram_key(term: str) -> tuple[str, ...]:
    """The key of an n-gram term ("whatsapp him" -> ("whatsapp", "him")); tokens hold no space.

    Its words are interned: tables of many n-grams then hold each word once.
    """
    return tuple(map(sys.intern, term.split(" ")))


def char_terms(toks: list[str], sizes: tuple[int, ...]) -> list[str]:
    """Character n-grams of each word padded with spaces (" herb", "rbal ")."""
    padded = [f" {tok} " for tok in toks if len(tok) > 1 and not tok.isdigit()]
    found: list[str] = []
    for size in sizes:
        found += [word[i : i + size] for word in padded for i in range(len(word) - size + 1)]
    return found
