"""New accounts (age from the snowflake) and a member's first messages, when they carry links.

Age alone flags nobody: new members are welcome. It only adds weight to a message that also
has a link or contact details.
"""

from __future__ import annotations

from datetime import timedelta

from bot.moderation.signals.base import Reason, ScanContext, Signal


class NewcomerSignal(Signal):
    name = "newcomer"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        facts = ctx.facts
        if facts.now is None or not (ctx.has_contact or ctx.invites):
            return []
        w = self.rules.weights["newcomer"]
        reasons = []
        if facts.account_created_at is not None:
            age = facts.now - facts.account_created_at
            if age < timedelta(hours=w["brand_new_account_hours"]):
                reasons.append(
                    Reason(
                        self.name,
                        "account less than a day old, posting links or contacts",
                        w["brand_new_account"],
                        f"{age.total_seconds() / 3600:.0f} hours old",
                    )
                )
            elif age < timedelta(days=w["new_account_days"]):
                reasons.append(
                    Reason(
                        self.name,
                        "new account posting links or contacts",
                        w["new_account"],
                        f"{age.days} days old",
                    )
                )
        if (
            facts.joined_at is not None
            and ctx.flaggable_links
            and facts.now - facts.joined_at < timedelta(days=w["joined_days"])
            and 0 < ctx.author_seen <= w["first_messages"]
        ):
            reasons.append(
                Reason(
                    self.name,
                    "link in one of a new member's first messages",
                    w["first_messages_link"],
                    f"message {ctx.author_seen} since joining",
                )
            )
        return reasons
