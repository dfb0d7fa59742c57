"""Herbal or "natural formula" sales."""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal, phrase_reasons


class HerbalFormulaSignal(Signal):
    name = "herbal_formula"
    phrase_group = "herbal_formula"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        return phrase_reasons(ctx, "herbal_formula", self.name, "herbal or natural remedy sales")
