"""Mass mentions: many members, or @everyone / @here."""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal


class MentionSignal(Signal):
    name = "mentions"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        w = self.rules.weights["mentions"]
        reasons = []
        if ctx.facts.user_mentions >= w["min_user_mentions"]:
            reasons.append(
                Reason(
                    self.name,
                    "mentions many members",
                    w["mass_mentions"],
                    f"{ctx.facts.user_mentions} mentions",
                )
            )
        if ctx.facts.mentions_everyone:
            reasons.append(Reason(self.name, "mentions @everyone or @here", w["everyone"]))
        return reasons
