"""The base every signal shares, and the per-message context computed once for all of them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import KeysView
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from bot.moderation.domains import matches_domain
from bot.moderation.links import Link
from bot.moderation.normalise import Normalised
from bot.moderation.phrases import PhraseHit
from bot.moderation.rules import GuildRules, RuleSet


@dataclass(frozen=True)
class Reason:
    signal: str
    label: str  # one short sentence a moderator understands
    weight: float
    matched: str = ""  # the text that triggered it, as found
    #: Stable key of the rule, the learned model's feature name ("contact.phone"); "" = signal.
    rule: str = ""
    #: For link reasons: the registered domain, rebuilt even when written to dodge filters
    #: ("ww w. msherbs. c om" -> "msherbs.com"), so moderators can trust or always flag it.
    domain: str = ""

    @property
    def key(self) -> str:
        return self.rule or self.signal

    def describe(self) -> str:
        shown = f' ("{self.matched[:80]}")' if self.matched else ""
        return f"{self.weight:+g} {self.label}{shown}"

    def as_dict(self) -> dict[str, object]:
        item: dict[str, object] = {
            "signal": self.signal,
            "reason": self.label,
            "weight": self.weight,
            "matched": self.matched,
        }
        if self.domain:
            item["domain"] = self.domain
        return item


@dataclass
class MessageFacts:
    """What the detector knows about a message besides its text (all optional)."""

    text: str
    guild_id: int = 0
    channel_id: int = 0
    author_id: int = 0
    message_id: int = 0
    account_created_at: datetime | None = None
    joined_at: datetime | None = None
    user_mentions: int = 0
    mentions_everyone: bool = False
    now: datetime | None = None
    #: False for edits: an edit is not a new message in the tracker's counts.
    is_new: bool = True
    #: Everything else the author controls, each scanned with its own reasons: (where, text),
    #: e.g. ("embed title", ...), ("attachment name", ...), ("forum post title", ...),
    #: ("poll", ...). The cog gathers them; see ``bot.moderation.parts``.
    parts: tuple[tuple[str, str], ...] = ()
    #: The author's display name: it counts only when it advertises ("Dr Ogala Herbal Home").
    display_name: str = ""

    def stored_text(self) -> str:
        """The text with its other parts, as a flag card shows it and learning reads it."""
        lines = [self.text] + [f"[{where}] {text}" for where, text in self.parts]
        return "\n".join(line for line in lines if line)


@dataclass
class ScanContext:
    facts: MessageFacts
    norm: Normalised
    rules: RuleSet
    guild: GuildRules
    phrase_hits: list[PhraseHit]
    links: list[Link]
    invites: list[str]
    phones: list[Any] = field(default_factory=list)  # detector.Phone
    emails: list[str] = field(default_factory=list)
    #: Other channels where the same author posted the same text recently (from the tracker).
    repeated_in: frozenset[int] = frozenset()
    #: How many messages of this author the tracker has seen in this guild, this one included.
    author_seen: int = 0
    #: The allow list and the server's trusted domains, merged once per server (not per use).
    allowed_domains: frozenset[str] = frozenset()
    #: (start, end) spans of ``norm.words`` inside quotes or ``>`` quote lines.
    quoted: list[tuple[int, int]] = field(default_factory=list)
    _flaggable: list[Link] | None = None
    _by_group: dict[str, list[PhraseHit]] | None = None

    def _grouped(self) -> dict[str, list[PhraseHit]]:
        if self._by_group is None:
            self._by_group = {}
            for hit in self.phrase_hits:
                self._by_group.setdefault(hit.rule.group, []).append(hit)
        return self._by_group

    def hits(self, group: str) -> list[PhraseHit]:
        return self._grouped().get(group, [])

    def hit_groups(self) -> KeysView[str]:
        """The phrase groups this message hit (most messages hit none)."""
        return self._grouped().keys()

    def is_quoted(self, start: int, end: int) -> bool:
        return any(q_start <= start and end <= q_end for q_start, q_end in self.quoted)

    @property
    def has_contact(self) -> bool:
        return bool(
            self.phones or self.emails or self.hits("contact_request") or self.flaggable_links
        )

    @property
    def has_strong_contact(self) -> bool:
        """Contact details a stranger can use: not "contact her office" but a number or address."""
        return bool(
            self.phones
            or self.emails
            or self.flaggable_links
            or any(hit.rule.weight >= 1.5 for hit in self.hits("contact_request"))
        )

    @property
    def flaggable_links(self) -> list[Link]:
        """Links that are not on the allow list or the server's trusted list (computed once)."""
        if self._flaggable is None:
            allowed = self.allowed_domains
            self._flaggable = [
                link for link in self.links if not matches_domain(link.host, allowed)
            ]
        return self._flaggable


class Signal(ABC):
    """One explainable signal; subclasses live one per file in this package."""

    name: ClassVar[str] = ""
    #: Set by signals that only ever report phrases of this group: the detector skips them
    #: when the message has none (most messages), without a call.
    phrase_group: ClassVar[str | None] = None

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    @abstractmethod
    def reasons(self, ctx: ScanContext) -> list[Reason]:
        """The reasons this message scores, each with its weight and matched text."""


#: Rule hits inside quotes count this much: quoting a scam to warn others is not the scam.
QUOTED_FACTOR = 0.5


def phrase_reasons(
    ctx: ScanContext,
    group: str,
    signal: str,
    label: str,
    cap: float | None = None,
    hits: list[PhraseHit] | None = None,
) -> list[Reason]:
    """One reason per distinct phrase of ``group`` found (server-trusted phrases skipped).

    A phrase found only inside quotes weighs :data:`QUOTED_FACTOR` as much, and says so.
    """
    seen: set[str] = set()
    reasons = []
    total = 0.0
    for hit in ctx.hits(group) if hits is None else hits:
        phrase = hit.rule.phrase
        if phrase in seen or phrase in ctx.guild.trusted_phrases:
            continue
        seen.add(phrase)
        weight = hit.rule.weight
        shown = label
        if ctx.quoted and ctx.is_quoted(hit.start, hit.end):
            weight *= QUOTED_FACTOR
            shown = f"{label} (quoted)"
        if cap is not None:
            weight = min(weight, cap - total)
            if weight <= 0:
                break
        total += weight
        reasons.append(
            Reason(signal, shown, round(weight, 2), ctx.norm.words[hit.start : hit.end], group)
        )
    return reasons
