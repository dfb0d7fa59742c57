"""Testimonials ("Dr. X cured me"), strongest when the same message gives contact details."""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal, phrase_reasons


class TestimonialSignal(Signal):
    name = "testimonial"
    phrase_group = "testimonial"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        reasons = phrase_reasons(ctx, "testimonial", self.name, "testimonial about a healer")
        if reasons and ctx.has_strong_contact:
            reasons.append(
                Reason(
                    self.name,
                    "testimonial together with contact details",
                    self.rules.weight("testimonial_contact", "bonus"),
                    reasons[0].matched,
                    "testimonial.contact",
                )
            )
        return reasons
