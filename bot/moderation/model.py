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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import ConfigurationError
from bot.moderation.features import char_terms, ngram_terms, tokens

FORMAT = 2
MODEL_FILE = "model.json"
#: Memoised per-word parts; cleared when full, so memory stays bounded (a few MB).
TOKEN_CACHE_SIZE = 50_000
CHAT, TEXT_STYLE = "chat", "text message"


@dataclass
class Weights:
    """One style's weights: rule multipliers, word terms, character n-grams, score offset."""

    name: str
    rules: dict[str, float]
    words: dict[str, float]
    chars: dict[str, float]
    char_sizes: tuple[int, ...]
    offset: float = 0.0
    _token_cache: dict[str, tuple[float, float, int]] = field(default_factory=dict, repr=False)

    def token_part(self, tok: str) -> tuple[float, float, int]:
        """A word's own weight, and its character n-grams' summed weight and count, memoised.

        Everyday words repeat from message to message, so almost every token is a cache hit:
        one lookup instead of a lookup per n-gram. Numerically the same sums as training.
        """
        known = self._token_cache.get(tok)
        if known is not None:
            return known
        grams = char_terms([tok], self.char_sizes)
        part = (
            self.words.get(tok, 0.0),
            sum(filter(None, map(self.chars.get, grams))),
            len(grams),
        )
        if len(self._token_cache) >= TOKEN_CACHE_SIZE:
            self._token_cache.clear()
        self._token_cache[tok] = part
        return part


@dataclass(frozen=True)
class Router:
    """Text-message style or chat: a logistic regression over word unigrams (log-odds >= 0)."""

    bias: float
    words: dict[str, float]

    def is_text_style(self, toks: list[str], norm: float) -> bool:
        return self.bias + sum(filter(None, map(self.words.get, toks))) / norm >= 0.0


@dataclass
class Wording:
    """The wording part of a score: its weight and, on demand, the terms that pushed it most."""

    weight: float
    word_terms: list[str]
    norm: float
    #: Square root of the number of character n-grams (the character block's divisor).
    char_norm: float = 1.0
    #: The style's weights that scored it (None when the text had no words).
    weights: Weights | None = None

    def top(self, model: LearnedModel, count: int = 3) -> list[str]:
        """Whole words and phrases that pushed the score most in the direction of its sign.

        A word carries its own weight plus the weight of its character n-grams, so the
        explanation names words a moderator reads ("herbs", "whatsapp him"), never fragments,
        symbols or digit shapes such as "/" or "00000".
        """
        weights = self.weights or model.chat
        sign = 1.0 if self.weight >= 0 else -1.0
        seen: dict[str, float] = {}
        for term in self.word_terms:
            if term in seen or not any(c.isalpha() for c in term):
                continue
            value = weights.words.get(term, 0.0) / self.norm
            if " " not in term:
                value += weights.token_part(term)[1] / self.char_norm
            if value * sign > 0:
                seen[term] = value * sign
        best = heapq.nlargest(count * 2, seen.items(), key=lambda item: item[1])
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
        ngrams = ngram_terms(toks)
        norm = math.sqrt(len(toks) + len(ngrams))
        weights = self.chat
        if self.text_style is not None and self.text_style[0].is_text_style(toks, norm):
            weights = self.text_style[1]
        word_total = sum(filter(None, map(weights.words.get, ngrams)))
        char_total = 0.0
        char_count = 0
        cache = weights._token_cache
        for tok in toks:
            known = cache.get(tok)
            if known is None:
                known = weights.token_part(tok)
            word_total += known[0]
            char_total += known[1]
            char_count += known[2]
        # Two blocks, each divided by the square root of its own size, as in training.
        total = word_total / norm
        if char_count:
            total += char_total / math.sqrt(char_count)
        char_norm = math.sqrt(char_count) if char_count else 1.0
        weight = round(total * self.scale + weights.offset, 2)
        return Wording(weight, toks + ngrams, norm, char_norm, weights)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearnedModel:
        if data.get("format") != FORMAT:
            raise ConfigurationError(
                f"The moderation model file has format {data.get('format')!r}; this bot reads "
                f"format {FORMAT}. Retrain it with `python -m bot moderation train`."
            )
        sizes = tuple(int(n) for n in data["char_sizes"])
        chat = Weights(
            CHAT, _floats(data["rules"]), _floats(data["words"]), _floats(data["chars"]), sizes
        )
        text_style = None
        style = data.get("text_style")
        if style is not None:
            # The file holds the style's differences from chat; scoring wants whole tables.
            router = Router(float(style["router"]["bias"]), _floats(style["router"]["words"]))
            weights = Weights(
                TEXT_STYLE,
                _floats(style["rules"]),
                _merged(chat.words, _floats(style["words"])),
                _merged(chat.chars, _floats(style["chars"])),
                sizes,
                offset=float(style["offset"]),
            )
            text_style = (router, weights)
        return cls(float(data["scale"]), chat, text_style, dict(data.get("meta", {})))


def _floats(table: dict[str, Any]) -> dict[str, float]:
    return {str(k): float(v) for k, v in table.items()}


def _merged(base: dict[str, float], delta: dict[str, float]) -> dict[str, float]:
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
