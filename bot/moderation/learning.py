"""Per-server learning (what ``sa-learn`` does for mail): moderators' decisions adjust the model.

Every Delete, Ban or Timeout is a spam example for that server; every Dismiss or Restore a
genuine one; the "Teach: spam" / "Teach: not spam" message menus add one directly. Each example
keeps only hashed features (the message's word terms and rule keys as CRC-32 numbers), never
its text or author.

The adjustment is a smoothed log-ratio per feature, guarded against poisoning and over-reaction:

- nothing counts until the server has :data:`MIN_EXAMPLES` examples, with at least
  :data:`MIN_PER_CLASS` of each kind;
- a feature counts only once it appears in :data:`MIN_FEATURE_EXAMPLES` different examples, so
  one decision can never move a topic;
- each feature moves a score by at most :data:`FEATURE_CAP`, and all of them together by at
  most :data:`TOTAL_CAP` (half the default threshold): the shipped model still does the work.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.i18n import _, number
from bot.moderation import learning_store
from bot.moderation.features import tokens, word_terms
from bot.moderation.normalise import normalise
from bot.moderation.signals.base import Reason

if TYPE_CHECKING:
    from bot.moderation.detector import Detector
    from bot.storage import Database

MIN_EXAMPLES = 6
MIN_PER_CLASS = 2
MIN_FEATURE_EXAMPLES = 2
FEATURE_CAP = 0.5
TOTAL_CAP = 1.5
#: Score units per unit of log-ratio, before the caps.
LEARN_SCALE = 0.4
#: Examples needed before a feature's full weight applies (fewer: proportionally less).
FULL_WEIGHT_EXAMPLES = 5
MAX_FEATURES = 300
SPAM_ACTIONS = frozenset({"delete", "ban", "timeout"})
GENUINE_ACTIONS = frozenset({"dismiss", "restore"})


def feature_hash(feature: str) -> int:
    """Stable across runs and machines (Python's own ``hash`` is salted per process)."""
    return zlib.crc32(feature.encode("utf-8", "replace"))


def example_key(guild_id: int, message_id: int) -> str:
    """A message's key in the examples: a hash, so the table holds no message ids."""
    return hashlib.blake2b(f"{guild_id}:{message_id}".encode(), digest_size=10).hexdigest()


@dataclass(frozen=True)
class LearningState:
    spam: int
    genuine: int
    features: int
    since: datetime | None

    @property
    def active(self) -> bool:
        return (
            self.spam + self.genuine >= MIN_EXAMPLES
            and self.spam >= MIN_PER_CLASS
            and self.genuine >= MIN_PER_CLASS
        )

    def describe(self) -> str:
        if not self.spam + self.genuine:
            return _(
                "Server learning: nothing learned yet. Delete, Ban and Dismiss on flag cards, "
                "and the Teach menus, teach the detector about this server."
            )
        if self.active:
            sentence = _(
                "Server learning: {spam} spam and {genuine} genuine examples; active, adjusting "
                "{terms} terms. `/moderation forget` undoes it."
            )
        else:
            sentence = _(
                "Server learning: {spam} spam and {genuine} genuine examples; not counted yet: it "
                "needs {needed} examples, at least {each} of each kind. `/moderation forget` "
                "undoes it."
            )
        return sentence.format(
            spam=number(self.spam),
            genuine=number(self.genuine),
            terms=number(self.features),
            needed=number(MIN_EXAMPLES),
            each=number(MIN_PER_CLASS),
        )


class GuildAdjustment:
    """One server's learned adjustments, looked up while scoring (plain dictionary reads)."""

    def __init__(self, weights: dict[int, float], state: LearningState) -> None:
        self.weights = weights
        self.state = state

    @classmethod
    def build(
        cls, examples: Iterable[learning_store.StoredExample], since: datetime | None
    ) -> GuildAdjustment:
        items = list(examples)
        spam_total = sum(1 for e in items if e.spam)
        genuine_total = len(items) - spam_total
        spam_counts: Counter[int] = Counter()
        genuine_counts: Counter[int] = Counter()
        for example in items:
            (spam_counts if example.spam else genuine_counts).update(set(example.features))
        weights: dict[int, float] = {}
        state = LearningState(spam_total, genuine_total, 0, since)
        if state.active:
            for feature in set(spam_counts) | set(genuine_counts):
                s, g = spam_counts[feature], genuine_counts[feature]
                if s + g < MIN_FEATURE_EXAMPLES:
                    continue
                ratio = math.log((s + 1) / (spam_total + 2)) - math.log(
                    (g + 1) / (genuine_total + 2)
                )
                weight = LEARN_SCALE * ratio * min(1.0, (s + g) / FULL_WEIGHT_EXAMPLES)
                weight = max(-FEATURE_CAP, min(FEATURE_CAP, weight))
                if abs(weight) >= 0.01:
                    weights[feature] = round(weight, 3)
            state = LearningState(spam_total, genuine_total, len(weights), since)
        return cls(weights, state)

    def adjust(self, terms: list[str], reasons: list[Reason]) -> Reason | None:
        """The server's part of a score, as one explained reason; None if it adds nothing."""
        if not self.weights:
            return None
        get = self.weights.get
        pushed: dict[str, float] = {}
        for term in dict.fromkeys(terms):
            if not learnable(term):
                continue
            weight = get(feature_hash(term))
            if weight:
                pushed[term] = weight
        for key in dict.fromkeys(reason.key for reason in reasons):
            weight = get(feature_hash("rule:" + key))
            if weight:
                pushed[key] = weight
        total = round(max(-TOTAL_CAP, min(TOTAL_CAP, sum(pushed.values()))), 2)
        if not total:
            return None
        sign = 1 if total > 0 else -1
        shown = sorted(pushed, key=lambda term: -sign * pushed[term])[:3]
        return Reason(
            "server_learning",
            "this server's moderators flagged similar messages"
            if total > 0
            else "this server's moderators cleared similar messages",
            total,
            ", ".join(f"'{term}'" for term in shown),
            "server_learning",
        )


def learnable(term: str) -> bool:
    """Short function words ("the", "and", "is a") say nothing about a server's spam."""
    return any(len(word) > 3 for word in term.split(" "))


def example_features(detector: Detector, text: str, allowed: frozenset[str]) -> list[int]:
    """The hashed features one example teaches: word terms and the rules it set off."""
    terms = [t for t in word_terms(tokens(normalise(text).words, allowed)) if learnable(t)]
    keys = ["rule:" + reason.key for reason in detector.check(text).reasons if reason.weight > 0]
    unique = list(dict.fromkeys(terms + keys))[:MAX_FEATURES]
    return [feature_hash(feature) for feature in unique]


class ServerLearning:
    """Loads, caches and updates each server's :class:`GuildAdjustment`."""

    def __init__(
        self,
        db: Database,
        detector: Detector,
        clock: Callable[[], datetime],
        on_change: Callable[[int], None],
    ) -> None:
        self.db = db
        self.detector = detector  # stateless: teaching must not count as a posted message
        self.clock = clock
        self.on_change = on_change
        self._cache: dict[int, GuildAdjustment] = {}

    async def adjustment(self, guild_id: int) -> GuildAdjustment:
        cached = self._cache.get(guild_id)
        if cached is None:
            examples = await learning_store.load_examples(self.db, guild_id)
            since = await learning_store.learning_since(self.db, guild_id)
            cached = GuildAdjustment.build(examples, since)
            self._cache[guild_id] = cached
        return cached

    async def learn(
        self, guild_id: int, message_id: int, text: str | None, spam: bool, source: str
    ) -> bool:
        """Add (or re-label) one example. Returns False when there was nothing to learn from."""
        if not text or not text.strip():
            return False
        features = example_features(self.detector, text, self.detector.rules.allow_domains)
        changed = await learning_store.save_example(
            self.db,
            guild_id,
            example_key(guild_id, message_id),
            spam,
            features,
            source,
            self.clock(),
        )
        if changed:
            self._forget_cache(guild_id)
        return True

    async def record_decision(
        self, guild_id: int, message_id: int, text: str | None, action: str
    ) -> None:
        """A moderator's decision on a flag card, as an example (other actions teach nothing)."""
        if action in SPAM_ACTIONS or action in GENUINE_ACTIONS:
            await self.learn(guild_id, message_id, text, action in SPAM_ACTIONS, "decision")

    async def reset(self, guild_id: int) -> int:
        removed = await learning_store.reset(self.db, guild_id)
        self._forget_cache(guild_id)
        return removed

    def _forget_cache(self, guild_id: int) -> None:
        self._cache.pop(guild_id, None)
        self.on_change(guild_id)
