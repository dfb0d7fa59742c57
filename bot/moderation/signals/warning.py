"""Warnings about scams: "PSA", "this is a scam", "is this legit?", "reported".

Members quote scams word for word to warn each other. This signal weighs *against* spam, so a
warning that quotes a scam scores below the scam itself (phrases inside quotes also count half,
see ``QUOTED_FACTOR``). Its weight is learned like the others; a scammer who writes "PSA" still
has the rest of the message weighed.
"""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal


class WarningSignal(Signal):
    name = "warning"
    phrase_group = "warning"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        hits = ctx.hits("warning")
        if not hits:
            return []
        hit = hits[0]
        return [
            Reason(
                self.name,
                "reads as a warning about a scam, or a question about one",
                -abs(hit.rule.weight),
                ctx.norm.words[hit.start : hit.end],
                "warning",
            )
        ]
