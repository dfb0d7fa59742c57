"""The learned layer's text features, shared by training and scoring so they can never drift.

Terms come from the *normalised* words (look-alikes mapped, leetspeak undone, dodged links
rebuilt), with every digit written as ``0`` so that "87121" and "83222" are the same short code:
word unigrams, word bigrams ("whatsapp him") and character n-grams of each word, padded with
spaces (" herb", "rbal "), which catch spellings no phrase list has. Word terms and character
terms are kept in two separate tables, so "herb" the word and "herb" the n-gram never collide.

Everything here is list comprehensions and C-level ``map``/``str.join``: it runs on every message.
"""

from __future__ import annotations

import re

#: Work stays bounded whatever the message: terms are read from this many characters at most.
MAX_TERM_CHARS = 1000
#: Letters-and-digits runs, or one symbol that spam likes ("£", "!", "$", "%").
_TOKEN = re.compile(r"[^\W_]+|[£$€%!?@#&*+=/<>]")
_DIGITS = str.maketrans("0123456789", "0000000000")


def tokens(words: str) -> list[str]:
    return _TOKEN.findall(words[:MAX_TERM_CHARS].translate(_DIGITS))


def word_terms(toks: list[str]) -> list[str]:
    """Unigrams and bigrams, with repeats (a repeated word counts again)."""
    return toks + list(map(" ".join, zip(toks, toks[1:], strict=False)))


def char_terms(toks: list[str], sizes: tuple[int, ...]) -> list[str]:
    """Character n-grams of each word padded with spaces (" herb", "rbal ")."""
    padded = [f" {tok} " for tok in toks if len(tok) > 1 and not tok.isdigit()]
    found: list[str] = []
    for size in sizes:
        found += [word[i : i + size] for word in padded for i in range(len(word) - size + 1)]
    return found
