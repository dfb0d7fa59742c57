"""Romance, adult and sugar-daddy spam."""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal, phrase_reasons


class RomanceSignal(Signal):
    name = "romance"
    phrase_group = "romance"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        return phrase_reasons(ctx, "romance", self.name, "romance, adult or sugar-daddy spam")
