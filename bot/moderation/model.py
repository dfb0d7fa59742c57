"""The shipped learned model: exported weights, scored with plain dictionary lookups.

Trained by ``python -m bot moderation train`` (see ``training.py``, the only module that needs
scikit-learn). The file holds a logistic regression over two kinds of input:

- the rule signals: one learned multiplier per rule key ("contact.phone", "cure_claim"), applied
  to the rule's hand-set weight, the way SpamAssassin learns its rule scores;
- the wording: word unigrams, bigrams and trigrams and character n-grams of the normalised
  text (``features.py``), each with a weight; the word sum and the n-gram sum are each divided
  by the square root of their number of terms (so a long message is not spam by length alone).

Two styles of message are weighed apart (a small mixture of experts). A router, itself a tiny
linear model over the words, tells text-message style ("u", "txt", "ur", short codes) from chat.
Text-message-style messages get their own adjustments to the weights and their own operating
point: the two kinds of spam use words differently, and one set of weights with one threshold
had to give up recall on one to keep false flags down on the other.

Scores are in the detector's units: ``scale`` turns the model's log-odds into the familiar
score, where 3.0 (the default threshold) sits at the operating point chosen on ``dev``; a
style's ``offset`` moves its own operating point onto 3.0 too. So the reasons still add up to
the score, and a server's threshold still means what it did.
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import ConfigurationError
from bot.moderation.features import (
    char_terms,
    ngram_key,
    ngram_keys,
    tokens,
    word_terms,
)

FORMAT = 2
MODEL_FILE = "model.json"
#: Memoised per-word entries; cleared when full, so memory stays bounded (a few MB).
TOKEN_CACHE_SIZE = 50_000
CHAT, TEXT_STYLE = "chat", "text message"

#: A word's part of one style's score: its own weight, and its character n-grams' summed
#: weight and count.
TokenPart = tuple[float, float, int]
#: What is memoised per word: its router weight, then its part in chat and in text style.
TokenEntry = tuple[float, TokenPart, TokenPart]
_ROUTER, _CHAT_PART, _TEXT_PART = itemgetter(0), itemgetter(1), itemgetter(2)
K = TypeVar("K")


@dataclass
class Weights:
    """One style's weights: rule multipliers, word terms, character n-grams, score offset."""

    name: str
    rules: dict[str, float]
    words: dict[str, float]
    chars: dict[str, float]
    char_sizes: tuple[int, ...]
    #: The bigrams and trigrams of ``words`` again, keyed by their words (``ngram_keys``).
    ngrams: dict[tuple[str, ...], float] = field(repr=False)
    offset: float = 0.0

    def token_part(self, tok: str, grams: list[str]) -> TokenPart:
        """A word's own weight, and its character n-grams' (``grams``) summed weight and count.

        Numerically the same sums as training. The model memoises it per word (``_TokenCache``).
        """
        return (
            self.words.get(tok, 0.0),
            sum(filter(None, map(self.chars.get, grams))),
            len(grams),
        )


@dataclass(frozen=True)
class Router:
    """Text-message style or chat: a logistic regression over word unigrams (log-odds >= 0)."""

    bias: float
    words: dict[str, float]

    def is_text_style(self, word_weights: Iterable[float | None], norm: float) -> bool:
        """``word_weights``: ``words``' weight of each word of the message, in order."""
        return self.bias + sum(filter(None, word_weights)) / norm >= 0.0


class _TokenCache(dict[str, TokenEntry]):
    """Each word's router weight and parts, computed on a miss, cleared when full.

    Everyday words repeat from message to message, so almost every word is a hit: one lookup
    per word for the router and both styles, instead of one per table and per n-gram.
    """

    def __init__(self, router: Router | None, chat: Weights, text_style: Weights | None) -> None:
        super().__init__()
        if text_style is not None and text_style.char_sizes != chat.char_sizes:
            raise ValueError("the styles must cut words into the same character n-grams")
        self.router_words = router.words if router is not None else {}
        self.chat = chat
        self.text_style = text_style

    def __missing__(self, tok: str) -> TokenEntry:
        grams = char_terms([tok], self.chat.char_sizes)  # cut once for both styles
        chat = self.chat.token_part(tok, grams)
        text = self.text_style.token_part(tok, grams) if self.text_style is not None else chat
        entry = (self.router_words.get(tok, 0.0), chat, text)
        if len(self) >= TOKEN_CACHE_SIZE:
            self.clear()
        self[tok] = entry
        return entry


@dataclass
class Wording:
    """The wording part of a score: its weight and, on demand, the terms that pushed it most."""

    weight: float
    #: The message's words, in order (its bigrams and trigrams are derived on demand).
    toks: list[str]
    norm: float
    #: Square root of the number of character n-grams (the character block's divisor).
    char_norm: float = 1.0
    #: The style's weights that scored it (None when the text had no words).
    weights: Weights | None = None
    #: Each word's part in that style, in the order of ``toks``.
    parts: list[TokenPart] = field(default_factory=list)

    @property
    def word_terms(self) -> list[str]:
        """Unigrams, bigrams and trigrams, with repeats (what server learning reads)."""
        return word_terms(self.toks)

    def top(self, model: LearnedModel, count: int = 3) -> list[str]:
        """Whole words and phrases that pushed the score most in the direction of its sign.

        A word carries its own weight plus the weight of its character n-grams, so the
        explanation names words a moderator reads ("herbs", "whatsapp him"), never fragments,
        symbols or digit shapes such as "/" or "00000".
        """
        weights = self.weights or model.chat
        sign = 1.0 if self.weight >= 0 else -1.0
        get, norm, char_norm = weights.words.get, self.norm, self.char_norm
        # The terms in the order of ``word_terms``, first occurrences only: words, each with its
        # character n-grams as summed for the score, then the phrases.
        pushed: dict[str, float] = {}
        for tok, part in zip(self.toks, self.parts, strict=True):
            if tok not in pushed:
                value = (get(tok, 0.0) / norm + part[1] / char_norm) * sign
                if value > 0 and any(map(str.isalpha, tok)):
                    pushed[tok] = value
        phrase_weight = weights.ngrams.get
        for key in dict.fromkeys(ngram_keys(self.toks)):
            value = (phrase_weight(key) or 0.0) / norm * sign
            if value > 0:
                term = " ".join(key)  # joined only for the few that count
                if any(map(str.isalpha, term)):
                    pushed[term] = value
        best = heapq.nlargest(count * 2, pushed.items(), key=itemgetter(1))
        shown: list[str] = []
        for term, _ in best:
            # "whatsapp him" already says "whatsapp": skip a word inside a shown phrase.
            if any(term in other.split(" ") for other in shown if " " in other):
                continue
            shown.append(term)
            if len(shown) == count:
                break
        return shown


@dataclass
class LearnedModel:
    scale: float
    chat: Weights
    #: Text-message style: its router and weights; None when training saw no such messages.
    text_style: tuple[Router, Weights] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    _tokens: _TokenCache = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        router, style = self.text_style if self.text_style is not None else (None, None)
        self._tokens = _TokenCache(router, self.chat, style)

    @property
    def rules(self) -> dict[str, float]:
        return self.chat.rules

    @property
    def words(self) -> dict[str, float]:
        return self.chat.words

    def rule_weight(
        self, key: str, hand_weight: float, weights: Weights | None = None
    ) -> float | None:
        """The learned weight of a rule in score units, or None if training never saw it."""
        multiplier = (weights or self.chat).rules.get(key)
        if multiplier is None:
            return None
        return round(self.scale * multiplier * hand_weight, 2)

    def wording(self, words: str, allowed: frozenset[str] = frozenset()) -> Wording:
        """The wording's weight; links to ``allowed`` domains are not wording (see features)."""
        toks = tokens(words, allowed)
        if not toks:
            return Wording(0.0, [], 1.0)
        entries = list(map(self._tokens.__getitem__, toks))
        count = len(toks)
        # Words, bigrams and trigrams (as many as ``ngram_keys`` yields).
        norm = math.sqrt(count + max(count - 1, 0) + max(count - 2, 0))
        weights, part = self.chat, _CHAT_PART
        if self.text_style is not None:
            router, style = self.text_style
            if router.is_text_style(map(_ROUTER, entries), norm):
                weights, part = style, _TEXT_PART
        parts = list(map(part, entries))
        word_total = sum(filter(None, map(weights.ngrams.get, ngram_keys(toks))))
        char_total = 0.0
        char_count = 0
        for word, chars, grams in parts:
            word_total += word
            char_total += chars
            char_count += grams
        # Two blocks, each divided by the square root of its own size, as in training.
        total = word_total / norm
        if char_count:
            total += char_total / math.sqrt(char_count)
        char_norm = math.sqrt(char_count) if char_count else 1.0
        weight = round(total * self.scale + weights.offset, 2)
        return Wording(weight, toks, norm, char_norm, weights, parts)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearnedModel:
        if data.get("format") != FORMAT:
            raise ConfigurationError(
                f"The moderation model file has format {data.get('format')!r}; this bot reads "
                f"format {FORMAT}. Retrain it with `python -m bot moderation train`."
            )
        sizes = tuple(int(n) for n in data["char_sizes"])
        words = _floats(data["words"])
        chat = Weights(
            CHAT, _floats(data["rules"]), words, _floats(data["chars"]), sizes, _ngrams(words)
        )
        text_style = None
        style = data.get("text_style")
        if style is not None:
            # The file holds the style's differences from chat; scoring wants whole tables.
            router = Router(float(style["router"]["bias"]), _floats(style["router"]["words"]))
            words = _floats(style["words"])
            weights = Weights(
                TEXT_STYLE,
                _floats(style["rules"]),
                _merged(chat.words, words),
                _merged(chat.chars, _floats(style["chars"])),
                sizes,
                # Merged the same way as the words (same sums), sharing chat's keys.
                _merged(chat.ngrams, _ngrams(words)),
                offset=float(style["offset"]),
            )
            text_style = (router, weights)
        return cls(float(data["scale"]), chat, text_style, dict(data.get("meta", {})))


def _floats(table: dict[str, Any]) -> dict[str, float]:
    return {str(k): float(v) for k, v in table.items()}


def _ngrams(words: dict[str, float]) -> dict[tuple[str, ...], float]:
    return {ngram_key(term): weight for term, weight in words.items() if " " in term}


def _merged(base: dict[K, float], delta: dict[K, float]) -> dict[K, float]:
    merged = dict(base)
    for key, value in delta.items():
        merged[key] = merged.get(key, 0.0) + value
    return merged


def load_model(path: Path) -> LearnedModel | None:
    """The model at ``path``; None when there is none (the hand-set weights are used then)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return LearnedModel.from_dict(json.loads(text))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigurationError(
            f"The moderation model file {path} is damaged ({exc.__class__.__name__}). "
            "Restore it from the repository or retrain with `python -m bot moderation train`."
        ) from None
