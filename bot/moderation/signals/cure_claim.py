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
    r"scammers|fake|beware|promise|promises|promising|nobody|no one|any|is there|"
    r"no hay|pas de|kein|keine|nessuna|нет)\b[^.!?]{0,20}$"
)
_WINDOW = 40


class CureClaimSignal(Signal):
    name = "cure_claim"
    phrase_group = "cure_claim"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        words = ctx.norm.words
        kept = [
            hit
            for hit in ctx.hits("cure_claim")
            if not _NEGATION.search(words[max(0, hit.start - _WINDOW) : hit.start])
        ]
        if not kept:
            return []
        return phrase_reasons(
            ctx,
            "cure_claim",
            self.name,
            "claims to cure or reverse a disease",
            cap=self.rules.weight("cure_claim", "max"),
            hits=kept,
        )
