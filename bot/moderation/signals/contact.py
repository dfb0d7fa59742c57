"""Solicitation off the server: phone numbers, e-mail addresses, WhatsApp/Telegram requests."""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal, phrase_reasons


class ContactSignal(Signal):
    name = "contact"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        reasons = phrase_reasons(
            ctx, "contact_request", self.name, "asks readers to get in touch privately"
        )
        for phone in ctx.phones[:2]:
            reasons.append(
                Reason(
                    self.name,
                    "phone number",
                    self.rules.weight("contact", "phone_number"),
                    phone.written,
                )
            )
            if phone.premium:
                reasons.append(
                    Reason(
                        self.name,
                        "premium-rate phone number",
                        self.rules.weight("contact", "premium_rate"),
                        phone.written,
                    )
                )
        for email in ctx.emails[:2]:
            reasons.append(
                Reason(
                    self.name,
                    "e-mail address",
                    self.rules.weight("contact", "email_address"),
                    email,
                )
            )
        return reasons
