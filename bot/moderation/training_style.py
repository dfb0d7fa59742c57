"""Training's two styles: the router, the style-augmented features, the joint operating point.

The public data comes in two very different styles: text messages ("txt STOP to 87121", "u",
"ur") and chat or comments. One set of weights with one threshold served neither well: to keep
false flags under the budget on chat, it had to give up recall on text messages. So, as in
"frustratingly easy domain adaptation" (Daumé III, 2007), every feature has a shared weight
plus, for text-message-style messages, a second weight learned from them alone; and each style
gets its own operating point, chosen together so that no large source flags more than
``MAX_FPR`` of its genuine messages.

The style at run time comes from a router (a logistic regression over word unigrams), never from
where a message came from; the training rows are routed by the router's own cross-validated
guesses, so the weights learn from the mistakes it will make at run time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

#: The source whose messages teach the router what text-message style looks like.
TEXT_STYLE_SOURCE = "sms"
TEXT_PREFIX = "t|"
ROUTER_C = 1.0  # chosen by cross-validated F1 of the whole model (1 and 10 were tried)
LARGE_SOURCE = 250  # genuine rows a source needs before its false-flag rate can be measured
CANDIDATES = 80  # highest genuine scores per style tried as thresholds


@dataclass(frozen=True)
class Router:
    bias: float
    words: dict[str, float]
    #: Each training row's style, as the router guessed it without having seen that row.
    routed: list[bool]


def fit_router(
    features: list[dict[str, float]], sources: list[str], seed: int, prune: float
) -> Router | None:
    """The router, or None when the rows hold only one style (nothing to tell apart)."""
    target = [source == TEXT_STYLE_SOURCE for source in sources]
    if all(target) or not any(target):
        return None
    # Imported here, as in training.py: the bot itself never needs scikit-learn.
    from sklearn import linear_model, model_selection
    from sklearn.feature_extraction import DictVectorizer

    unigrams = [
        {k[2:]: v for k, v in row.items() if k.startswith("w:") and " " not in k}
        for row in features
    ]
    vectoriser = DictVectorizer(sort=True)
    matrix = liblinear_matrix(vectoriser.fit_transform(unigrams))

    def estimator() -> Any:
        return linear_model.LogisticRegression(
            C=ROUTER_C,
            class_weight="balanced",
            solver="liblinear",
            max_iter=20_000,
            random_state=seed,
        )

    folds = model_selection.StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    guessed = model_selection.cross_val_predict(estimator(), matrix, target, cv=folds)
    final = estimator().fit(matrix, target)
    words = {
        name: round(float(weight), 4)
        for name, weight in zip(vectoriser.get_feature_names_out(), final.coef_[0], strict=True)
        if abs(weight) >= prune
    }
    return Router(
        round(float(final.intercept_[0]), 6),
        dict(sorted(words.items())),
        [bool(x) for x in guessed],
    )


def liblinear_matrix(matrix: Any) -> Any:
    """A CSR matrix with the 32-bit sparse indices liblinear takes."""
    matrix = matrix.tocsr()
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    return matrix


def augment(features: dict[str, float], text_style: bool) -> dict[str, float]:
    """A row's features as the model sees them: a style bias, and a text-style copy if routed."""
    if not text_style:
        return {**features, "b:chat": 1.0}
    out = {**features, "b:text": 1.0}
    for key, value in features.items():
        out[TEXT_PREFIX + key] = value
    return out


def choose_thresholds(
    scores: list[float], spam: list[bool], sources: list[str], routed: list[bool], max_fpr: float
) -> tuple[float, float]:
    """(chat, text style) log-odds thresholds: the most spam caught within every budget.

    Read from cross-validated scores. Only sources with enough genuine rows to measure a rate
    count (the small community set would make the point jump; it is reported instead).
    """
    hams = Counter(source for source, is_spam in zip(sources, spam, strict=True) if not is_spam)
    large = {source for source, count in hams.items() if count >= LARGE_SOURCE}
    budget = {source: int(max_fpr * hams[source]) for source in large}
    rows = [
        (score, is_spam, source, style)
        for score, is_spam, source, style in zip(scores, spam, sources, routed, strict=True)
        if source in large
    ]

    def options(style: bool) -> list[tuple[float, Counter[str], int]]:
        """Per candidate threshold: false flags per source and spam caught, in this style."""
        mine = [row for row in rows if row[3] == style]
        genuine = sorted({row[0] for row in mine if not row[1]}, reverse=True)[:CANDIDATES]
        found = []
        for value in genuine:
            threshold = value + 1e-6
            flagged = [row for row in mine if row[0] >= threshold]
            false = Counter(row[2] for row in flagged if not row[1])
            found.append((threshold, false, sum(1 for row in flagged if row[1])))
        return found or [(0.0, Counter(), 0)]

    best: tuple[int, int, float, float] | None = None
    for chat, chat_false, chat_caught in options(False):
        for text, text_false, text_caught in options(True):
            false = chat_false + text_false
            if any(false[source] > budget[source] for source in large):
                continue
            key = (chat_caught + text_caught, -sum(false.values()), chat, text)
            if best is None or key > best:
                best = key
    if best is None:  # no pair fits (only when a style has no genuine rows): flag nothing new
        return max(scores) + 1.0, max(scores) + 1.0
    return best[2], best[3]
