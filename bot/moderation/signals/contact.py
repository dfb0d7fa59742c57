"""Solicitation off the server: phone numbers, e-mail addresses, WhatsApp/Telegram requests."""

from __future__ import annotations

from bot.moderation.signals.base import QUOTED_FACTOR, Reason, ScanContext, Signal, phrase_reasons


class ContactSignal(Signal):
    name = "contact"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        if not (ctx.phones or ctx.emails or ctx.hits("contact_request")):
            return []
        reasons = phrase_reasons(
            ctx, "contact_request", self.name, "asks readers to get in touch privately"
        )
        quoted = _quoted_text(ctx)
        for phone in ctx.phones[:2]:
            factor, note = _quoting(phone.written, quoted)
            reasons.append(
                Reason(
                    self.name,
                    "phone number" + note,
                    round(self.rules.weight("contact", "phone_number") * factor, 2),
                    phone.written,
                    "contact.phone",
                )
            )
            if phone.premium:
                reasons.append(
                    Reason(
                        self.name,
                        "premium-rate phone number" + note,
                        round(self.rules.weight("contact", "premium_rate") * factor, 2),
                        phone.written,
                        "contact.premium",
                    )
                )
        for email in ctx.emails[:2]:
            factor, note = _quoting(email, quoted)
            if email in ctx.norm.plain:
                label, weight, rule = "e-mail address", "email_address", "contact.email"
            else:  # only there once "(at)" / "at gmail dot com" were undone
                label, weight, rule = (
                    "e-mail address written to dodge filters",
                    "email_dodged",
                    ("contact.email_dodged"),
                )
            reasons.append(
                Reason(
                    self.name,
                    label + note,
                    round(self.rules.weight("contact", weight) * factor, 2),
                    email,
                    rule,
                )
            )
        return reasons


def _quoted_text(ctx: ScanContext) -> str:
    return "\n".join(ctx.norm.text[start:end] for start, end in ctx.quoted)


def _quoting(found: str, quoted: str) -> tuple[float, str]:
    if quoted and found in quoted:
        return QUOTED_FACTOR, " (quoted)"
    return 1.0, ""
