"""The same text from the same author in several channels within minutes."""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal


class RepeatedSignal(Signal):
    name = "repeated"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        w = self.rules.weights["repeated"]
        channels = len(ctx.repeated_in) + 1
        if channels < w["min_channels"]:
            return []
        return [
            Reason(
                self.name,
                f"same text posted in {channels} channels within {w['window_minutes']:g} minutes",
                w["weight"],
            )
        ]
