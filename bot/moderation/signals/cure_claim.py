"""Claims to cure or reverse MS or "incurable" diseases, skipping negated or hoped-for cures."""

from __future__ import annotations

import re

from bot.moderation.signals.base import Reason, ScanContext, Signal, phrase_reasons

# Words just before a claim that turn it into honest talk: "there is no cure for MS", "hoping
# for a cure for MS", "beware anyone claiming to cure MS", "can't cure MS".
_NEGATION = re.compile(
    r"\b(?:no|not|never|nothing|isn'?t|aren'?t|can'?t|cannot|won'?t|don'?t|doesn'?t|without|"
    r"find|finding|found|hope|hoping|hopes|until|research|researching|search|looking|wish|"
    r"pray|praying|someday|one day|if|claim|claims|claiming|claimed|scam|scams|scammer|"
    r"scammers|fake|beware|promise|promises|promising|nobody|no one|any)\b[^.!?]{0,20}$"
)
_WINDOW = 40


class CureClaimSignal(Signal):
    name = "cure_claim"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        words = ctx.norm.words
        kept = []
        for hit in ctx.hits("cure_claim"):
            before = words[max(0, hit.start - _WINDOW) : hit.start]
            if _NEGATION.search(before):
                continue
            kept.append(hit)
        if not kept:
            return []
        original = ctx.phrase_hits
        ctx.phrase_hits = [h for h in original if h.rule.group != "cure_claim"] + kept
        try:
            return phrase_reasons(
                ctx,
                "cure_claim",
                self.name,
                "claims to cure or reverse a disease",
                cap=self.rules.weight("cure_claim", "max"),
            )
        finally:
            ctx.phrase_hits = original
