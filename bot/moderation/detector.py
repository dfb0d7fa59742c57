"""The detector: normalise once, compute shared facts, ask every signal, sum the weights.

Pure and synchronous (no I/O, no Discord): the console, the CLI backtest, the benchmark and the
bot all call :meth:`Detector.check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import phonenumbers

from bot.moderation.links import find_invites, find_links
from bot.moderation.normalise import normalise
from bot.moderation.rules import NO_GUILD_RULES, GuildRules, RuleSet
from bot.moderation.signals import ALL_SIGNALS, Reason, ScanContext, Signal
from bot.moderation.signals.base import MessageFacts
from bot.moderation.tracker import RecentTracker, fingerprint

DEFAULT_THRESHOLD = 3.0
# Bounded quantifiers only: at most 64 + 253 steps from any start position.
_EMAIL = re.compile(r"[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4}")
PREMIUM_RATE = phonenumbers.PhoneNumberType.PREMIUM_RATE
_PHONE_REGIONS = ("US", "GB")
_MIN_PHONE_DIGITS = 7
_DROP_DIGITS = str.maketrans("", "", "0123456789")


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
            "reasons": [
                {"signal": r.signal, "reason": r.label, "weight": r.weight, "matched": r.matched}
                for r in self.reasons
            ],
        }


@dataclass(frozen=True)
class Phone:
    written: str
    premium: bool


def find_phones(text: str) -> list[Phone]:
    # Counting digits with C-level translate: this runs for every message.
    if len(text) - len(text.translate(_DROP_DIGITS)) < _MIN_PHONE_DIGITS:
        return []
    found: dict[str, Phone] = {}
    for region in _PHONE_REGIONS:
        matcher = phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID, max_tries=20
        )
        for match in matcher:
            key = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            premium = phonenumbers.number_type(match.number) == PREMIUM_RATE
            found.setdefault(key, Phone(match.raw_string, premium))
        if found:
            break
    return list(found.values())[:3]


def find_emails(text: str) -> list[str]:
    if "@" not in text:
        return []
    return [m[0] for m in _EMAIL.finditer(text)][:3]


class Detector:
    def __init__(self, rules: RuleSet, tracker: RecentTracker | None = None) -> None:
        self.rules = rules
        self.tracker = tracker
        self.signals: list[Signal] = [cls(rules) for cls in ALL_SIGNALS]

    def check(
        self,
        facts: MessageFacts | str,
        guild: GuildRules = NO_GUILD_RULES,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> Verdict:
        if isinstance(facts, str):
            facts = MessageFacts(text=facts)
        norm = normalise(facts.text)
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
        ctx = ScanContext(
            facts=facts,
            norm=norm,
            rules=self.rules,
            guild=guild,
            phrase_hits=list(self.rules.phrases.finditer(norm.words)),
            links=links,
            invites=find_invites(norm.text),
            phones=find_phones(norm.text),
            emails=find_emails(norm.text),
        )
        if self.tracker is not None and facts.now is not None and facts.author_id:
            ctx.repeated_in, ctx.author_seen = self.tracker.record(
                guild_id=facts.guild_id,
                author_id=facts.author_id,
                channel_id=facts.channel_id,
                text_key=fingerprint(norm.words),
                now=facts.now,
                is_new=facts.is_new,
            )
            if len(norm.words) < 12:
                # "hi", "thanks": short common words repeat honestly across channels.
                ctx.repeated_in = frozenset()
        reasons: list[Reason] = []
        for signal in self.signals:
            reasons.extend(signal.reasons(ctx))
        score = round(sum(r.weight for r in reasons), 2)
        return Verdict(score=score, reasons=tuple(reasons), threshold=threshold)
