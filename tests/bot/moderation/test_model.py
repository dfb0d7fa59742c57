"""The learned model's two styles: the router picks the weights, the offset moves the point."""

from __future__ import annotations

import math
from typing import Any

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
