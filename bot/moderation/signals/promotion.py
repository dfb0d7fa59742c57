"""Generic promotion and prize spam ("check out my channel", "you have won")."""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal, phrase_reasons


class PromotionSignal(Signal):
    name = "promotion"
    phrase_group = "promotion"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        return phrase_reasons(ctx, "promotion", self.name, "promotion or prize spam wording")
