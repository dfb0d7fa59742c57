"""The learned model's two styles: the router picks the weights, the offset moves the point."""

from __future__ import annotations

import math
from typing import Any

import pytest

from bot.moderation import model as model_module
from bot.moderation.features import ngram_keys, ngram_terms, tokens
from bot.moderation.model import CHAT, TEXT_STYLE, LearnedModel


def small_model(**text_style: Any) -> LearnedModel:
    style = {
        "router": {"bias": -1.0, "words": {"txt": 4.0, "ur": 4.0}},
        "offset": 0.5,
        "rules": {"contact.phone": 2.0},
        "words": {"prize": 1.0},
        "chars": {},
        **text_style,
    }
    return LearnedModel.from_dict(
        {
            "format": 2,
            "scale": 2.0,
            "char_sizes": [4],
            "rules": {"contact.phone": 1.0},
            "words": {"prize": 0.5, "claim": 0.25},
            "chars": {},
            "text_style": style,
            "meta": {},
        }
    )


def test_the_router_sends_text_message_style_to_its_own_weights() -> None:
    model = small_model()
    chat = model.wording("claim your prize")
    text = model.wording("txt claim ur prize")
    assert chat.weights is not None and chat.weights.name == CHAT
    assert text.weights is not None and text.weights.name == TEXT_STYLE
    # Chat: (claim 0.25 + prize 0.5) over sqrt(3 words + 2 bigrams + 1 trigram), times scale.
    assert chat.weight == round(0.75 / math.sqrt(6) * 2.0, 2)
    # Text style: prize weighs 0.5 + 1.0 (shared plus its own), and the offset is added.
    assert text.weight == round(1.75 / math.sqrt(4 + 3 + 2) * 2.0 + 0.5, 2)


def test_each_style_weighs_rules_with_its_own_multiplier() -> None:
    model = small_model()
    text = model.wording("txt ur prize")
    assert model.rule_weight("contact.phone", 1.5) == 3.0
    assert model.rule_weight("contact.phone", 1.5, text.weights) == 6.0
    assert model.rule_weight("unseen", 1.5, text.weights) is None


def test_explanations_use_the_weights_that_scored_the_message() -> None:
    model = small_model(words={"prize": -1.0, "txt": 3.0})
    text = model.wording("txt claim prize")
    assert text.weights is not None and text.weights.name == TEXT_STYLE
    assert text.top(model) == ["txt", "claim"]  # "prize" weighs -0.5 in this style


def test_a_model_without_the_style_scores_everything_as_chat() -> None:
    data = {
        "format": 2,
        "scale": 1.0,
        "char_sizes": [4],
        "rules": {},
        "words": {"txt": 1.0},
        "chars": {},
    }
    model = LearnedModel.from_dict(data)
    wording = model.wording("txt ur prize")
    assert model.text_style is None
    assert wording.weights is model.chat
    assert wording.weight == round(1.0 / math.sqrt(6), 2)


def test_ngram_keys_are_the_ngram_terms_in_the_same_order() -> None:
    # Scoring reads n-grams as tuples; they must be exactly training's joined terms.
    for text in ("", "a", "a b", "txt claim ur prize now", "win win win £ 100 !"):
        toks = tokens(text)
        assert [" ".join(key) for key in ngram_keys(toks)] == ngram_terms(toks)


def test_the_word_cache_is_bounded_and_a_hit_scores_as_a_miss(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(model_module, "TOKEN_CACHE_SIZE", 4)
    texts = ["txt claim ur prize", "claim your prize now", "txt ur prize", "prize claim txt"]
    cold = [small_model().wording(text) for text in texts]  # a fresh model: every word a miss
    model = small_model()
    for _ in range(3):
        warm = [model.wording(text) for text in texts]
        assert len(model._tokens) <= 4
        assert [(w.weight, w.weights, w.parts, w.top(model)) for w in warm] == [
            (w.weight, w.weights, w.parts, w.top(model)) for w in cold
        ]
