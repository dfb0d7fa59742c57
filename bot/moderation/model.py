"""The shipped learned model: exported weights, scored with plain dictionary lookups.

Trained by ``python -m bot moderation train`` (see ``training.py``, the only module that needs
scikit-learn). The file holds a logistic regression over two kinds of input:

- the rule signals: one learned multiplier per rule key ("contact.phone", "cure_claim"), applied
  to the rule's hand-set weight, the way SpamAssassin learns its rule scores;
- the wording: word unigrams, bigrams and trigrams and character n-grams of the normalised
  text (``features.py``), each with a weight; the word sum and the n-gram sum are each divided
  by the square root of their number of terms (so a long message is not spam by length alone).

Scores are in the detector's units: ``scale`` turns the model's log-odds into the familiar
score, where 3.0 (the default threshold) sits at the operating point chosen on ``dev``. So the
reasons still add up to the score, and a server's threshold still means what it did.
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

FORMAT = 1
MODEL_FILE = "model.json"
#: Memoised per-word parts; cleared when full, so memory stays bounded (a few MB).
TOKEN_CACHE_SIZE = 50_000


@dataclass
class Wording:
    """The wording part of a score: its weight and, on demand, the terms that pushed it most."""

    weight: float
    word_terms: list[str]
    norm: float
    #: Square root of the number of character n-grams (the character block's divisor).
    char_norm: float = 1.0

    def top(self, model: LearnedModel, count: int = 3) -> list[str]:
        """Whole words and phrases that pushed the score most in the direction of its sign.

        A word carries its own weight plus the weight of its character n-grams, so the
        explanation names words a moderator reads ("herbs", "whatsapp him"), never fragments,
        symbols or digit shapes such as "/" or "00000".
        """
        sign = 1.0 if self.weight >= 0 else -1.0
        seen: dict[str, float] = {}
        for term in self.word_terms:
            if term in seen or not any(c.isalpha() for c in term):
                continue
            value = model.words.get(term, 0.0) / self.norm
            if " " not in term:
                value += model.char_part(term) / self.char_norm
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
    rules: dict[str, float]
    words: dict[str, float]
    chars: dict[str, float]
    char_sizes: tuple[int, ...] = (4,)
    meta: dict[str, Any] = field(default_factory=dict)
    _token_cache: dict[str, tuple[float, float, int]] = field(default_factory=dict, repr=False)

    def rule_weight(self, key: str, hand_weight: float) -> float | None:
        """The learned weight of a rule in score units, or None if training never saw it."""
        multiplier = self.rules.get(key)
        if multiplier is None:
            return None
        return round(self.scale * multiplier * hand_weight, 2)

    def wording(self, words: str, allowed: frozenset[str] = frozenset()) -> Wording:
        """The wording's weight; links to ``allowed`` domains are not wording (see features)."""
        toks = tokens(words, allowed)
        if not toks:
            return Wording(0.0, [], 1.0)
        ngrams = ngram_terms(toks)
        word_total = sum(filter(None, map(self.words.get, ngrams)))
        char_total = 0.0
        char_count = 0
        cache = self._token_cache
        for tok in toks:
            known = cache.get(tok)
            if known is None:
                known = self._token_part(tok)
            word_total += known[0]
            char_total += known[1]
            char_count += known[2]
        # Two blocks, each divided by the square root of its own size, as in training.
        norm = math.sqrt(len(toks) + len(ngrams))
        total = word_total / norm
        if char_count:
            total += char_total / math.sqrt(char_count)
        char_norm = math.sqrt(char_count) if char_count else 1.0
        return Wording(round(total * self.scale, 2), toks + ngrams, norm, char_norm)

    def _token_part(self, tok: str) -> tuple[float, float, int]:
        """A word's own weight, and its character n-grams' summed weight and count, memoised.

        Everyday words repeat from message to message, so almost every token is a cache hit:
        one lookup instead of a lookup per n-gram. Numerically the same sums as training.
        """
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

    def char_part(self, tok: str) -> float:
        """The summed weight of one word's character n-grams (memoised with the word)."""
        known = self._token_cache.get(tok)
        return (known if known is not None else self._token_part(tok))[1]

    def term_weight(self, term: str) -> float:
        return self.words.get(term, 0.0) * self.scale

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearnedModel:
        if data.get("format") != FORMAT:
            raise ConfigurationError(
                f"The moderation model file has format {data.get('format')!r}; this bot reads "
                f"format {FORMAT}. Retrain it with `python -m bot moderation train`."
            )
        return cls(
            scale=float(data["scale"]),
            rules={str(k): float(v) for k, v in data["rules"].items()},
            words={str(k): float(v) for k, v in data["words"].items()},
            chars={str(k): float(v) for k, v in data["chars"].items()},
            char_sizes=tuple(int(n) for n in data["char_sizes"]),
            meta=dict(data.get("meta", {})),
        )


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
