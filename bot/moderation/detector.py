"""The detector: normalise once, compute shared facts, ask every signal, weigh with the model.

Pure and synchronous (no I/O, no Discord): the console, the CLI backtest, the benchmark and the
bot all call :meth:`Detector.check`. The rule signals find and explain; the learned model
(``model.py``) sets how much each rule and the wording weigh; a server's own decisions
(``learning.py``) adjust that a little. Every part of the score is a reason, and the reasons
add up to the score.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, replace

from bot.moderation.links import find_invites, find_links
from bot.moderation.normalise import Normalised, fold, normalise
from bot.moderation.phones import Phone, find_phones
from bot.moderation.rules import NO_GUILD_RULES, GuildRules, RuleSet
from bot.moderation.signals import CONTEXT_SIGNALS, TEXT_SIGNALS, Reason, ScanContext, Signal
from bot.moderation.signals.base import MessageFacts
from bot.moderation.tracker import RecentTracker, fingerprint

DEFAULT_THRESHOLD = 3.0
# Bounded quantifiers only: at most 64 + 253 steps from any start position.
_EMAIL = re.compile(r"[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4}")
# Text between double quotes or guillemets: bounded, and a quote ends the scan.
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]{8,1000})[\"“”«»„]")
#: Rules whose weights are not learned: they depend on context the training text lacks
#: (who posted, where, how often) or on a server's own choices (which invites are partners,
#: which domains are always flagged).
CONTEXT_RULES = frozenset({"links.guild_flag", "links.invite"})
_NAMES_CACHED = 4096

__all__ = ["DEFAULT_THRESHOLD", "Detector", "Phone", "Verdict", "find_emails", "find_phones"]


@dataclass(frozen=True)
class Verdict:
    score: float
    reasons: tuple[Reason, ...]
    threshold: float

    @property
    def flagged(self) -> bool:
        return self.score >= self.threshold

    def as_dict(self) -> dict[str, object]:
        return {
            "flagged": self.flagged,
            "score": self.score,
            "reasons": [r.as_dict() for r in self.reasons],
        }


def find_emails(text: str) -> list[str]:
    if "@" not in text:
        return []
    return [m[0] for m in _EMAIL.finditer(text)][:3]


def quote_spans(raw: str, norm: Normalised) -> list[tuple[int, int]]:
    """Spans of ``norm.text`` that the author quotes: ``> `` lines and text in double quotes."""
    spans: list[tuple[int, int]] = []
    text = norm.text
    if ">" in raw:
        for line in raw.splitlines():
            stripped = line.lstrip()
            if stripped.startswith(">"):
                quoted = fold(stripped.lstrip("> "))
                at = text.find(quoted) if quoted else -1
                if at >= 0:
                    spans.append((at, at + len(quoted)))
    if '"' in text or "“" in text or "«" in text or "„" in text:
        spans += [match.span(1) for match in _QUOTED.finditer(text)]
    return spans


class Detector:
    def __init__(
        self, rules: RuleSet, tracker: RecentTracker | None = None, *, learned: bool = True
    ) -> None:
        self.rules = rules
        self.tracker = tracker
        #: False: hand-set weights only (what training reads the rule features from).
        self.learned = learned
        self.text_signals: list[Signal] = [cls(rules) for cls in TEXT_SIGNALS]
        self.context_signals: list[Signal] = [cls(rules) for cls in CONTEXT_SIGNALS]
        self._names: OrderedDict[tuple[str, int], tuple[Reason, ...]] = OrderedDict()

    # -- rule signals ------------------------------------------------------------------------
    def context(self, text: str, facts: MessageFacts, guild: GuildRules) -> ScanContext:
        norm = normalise(text)
        links = list(norm.spaced_links)
        known = {link.host for link in links}
        found = [link for link in find_links(norm.text) if link.host not in known]
        if found and len(norm.dodges) > len(norm.spaced_links):
            # A link that exists only once "(dot)" / "[.]" are undone was written to dodge.
            plain_hosts = {link.host for link in find_links(norm.plain)}
            found = [
                link
                if link.host in plain_hosts
                else replace(link, obfuscated=True, written=link.domain)
                for link in found
            ]
        links += found
        return ScanContext(
            facts=facts,
            norm=norm,
            rules=self.rules,
            guild=guild,
            phrase_hits=list(self.rules.phrases.finditer(norm.words)),
            links=links,
            invites=find_invites(norm.text),
            phones=find_phones(norm.text),
            emails=find_emails(norm.text),
            allowed_domains=self.rules.allowed_for(guild),
            quoted=quote_spans(text, norm) if ('"' in norm.text or ">" in text) else [],
        )

    def text_reasons(self, ctx: ScanContext) -> list[Reason]:
        reasons: list[Reason] = []
        # Most messages hit no phrase: one membership test per phrase signal, on the index
        # that the signals' own ctx.hits() reads.
        groups = ctx.hit_groups()
        for signal in self.text_signals:
            group = signal.phrase_group
            if group is None or group in groups:
                reasons.extend(signal.reasons(ctx))
        return reasons

    def _part_reasons(
        self, where: str, text: str, facts: MessageFacts, guild: GuildRules
    ) -> list[Reason]:
        ctx = self.context(text, facts, guild)
        return [
            replace(reason, label=f"{reason.label} (in the {where})")
            for reason in self.text_reasons(ctx)
            if reason.weight > 0
        ]

    def _name_reasons(
        self, name: str, facts: MessageFacts, guild: GuildRules
    ) -> tuple[Reason, ...]:
        """A display name that advertises; cached, as every message of the author carries it."""
        key = (name, id(guild))
        cached = self._names.get(key)
        if cached is None:
            cached = tuple(self._part_reasons("author's display name", name, facts, guild))
            self._names[key] = cached
            if len(self._names) > _NAMES_CACHED:
                self._names.popitem(last=False)
        return cached

    # -- the verdict -------------------------------------------------------------------------
    def check(
        self,
        facts: MessageFacts | str,
        guild: GuildRules = NO_GUILD_RULES,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        explain: bool = False,
    ) -> Verdict:
        """Score a message. ``explain``: name the wording terms even when it is not flagged."""
        if isinstance(facts, str):
            facts = MessageFacts(text=facts)
        ctx = self.context(facts.text, facts, guild)
        reasons = self.text_reasons(ctx)
        wording_text = ctx.norm.words
        for where, text in facts.parts:
            if text:
                reasons += self._part_reasons(where, text, facts, guild)
                wording_text += " " + normalise(text).words
        if facts.display_name:
            reasons += self._name_reasons(facts.display_name, facts, guild)
        self._track(ctx)
        for signal in self.context_signals:
            reasons.extend(signal.reasons(ctx))
        model = self.rules.model if self.learned else None
        if model is None:
            score = round(sum(r.weight for r in reasons), 2)
            return Verdict(score=score, reasons=tuple(reasons), threshold=threshold)
        for phrase in guild.trusted_phrases:  # a phrase the server trusts is not spammy wording
            wording_text = wording_text.replace(phrase, " ")
        has_allowed_link = len(ctx.links) > len(ctx.flaggable_links) or bool(facts.parts)
        # The wording first: it tells the style, and each style has its own rule weights.
        wording = model.wording(
            wording_text, ctx.allowed_domains if has_allowed_link else frozenset()
        )
        weighed: list[Reason] = []
        total = 0.0
        for reason in reasons:
            learned = (
                None
                if reason.key in CONTEXT_RULES
                else model.rule_weight(reason.key, reason.weight, wording.weights)
            )
            if learned is None:
                weighed.append(reason)
                total += reason.weight
            elif learned != 0:
                weighed.append(replace(reason, weight=learned))
                total += learned
        learned = guild.learned
        # The word terms are built only for a server that has learned something (adjust would
        # read none of them otherwise).
        adjustment = (
            learned.adjust(wording.word_terms, weighed) if learned and learned.weights else None
        )
        total += wording.weight
        if adjustment is not None:
            total += adjustment.weight
        if wording.weight:
            shown = ""
            if explain or total >= threshold:
                shown = ", ".join(f"'{term}'" for term in wording.top(model))
            label = (
                "wording common in spam" if wording.weight > 0 else "wording common in genuine chat"
            )
            weighed.append(Reason("wording", label, wording.weight, shown, "wording"))
        if adjustment is not None:
            weighed.append(adjustment)
        # Every weight is already rounded to 0.01: their sum is the score shown.
        return Verdict(score=round(total, 2), reasons=tuple(weighed), threshold=threshold)

    def _track(self, ctx: ScanContext) -> None:
        facts = ctx.facts
        if self.tracker is None or facts.now is None or not facts.author_id:
            return
        ctx.repeated_in, ctx.author_seen = self.tracker.record(
            guild_id=facts.guild_id,
            author_id=facts.author_id,
            channel_id=facts.channel_id,
            text_key=fingerprint(ctx.norm.words),
            now=facts.now,
            is_new=facts.is_new,
        )
        if len(ctx.norm.words) < 12:
            # "hi", "thanks": short common words repeat honestly across channels.
            ctx.repeated_in = frozenset()
