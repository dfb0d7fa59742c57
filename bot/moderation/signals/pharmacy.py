"""Fake pharmacies: "no prescription", "buy cheap Ampyra", "overnight delivery"."""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal, phrase_reasons


class PharmacySignal(Signal):
    name = "pharmacy"
    phrase_group = "pharmacy"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        return phrase_reasons(ctx, "pharmacy", self.name, "sells medicine without a prescription")
