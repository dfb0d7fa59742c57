"""Links: outside the allow list, on the deny list, shortened, obfuscated, or Discord invites."""

from __future__ import annotations

from bot.moderation.domains import matches_domain
from bot.moderation.signals.base import Reason, ScanContext, Signal


class LinkSignal(Signal):
    name = "links"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        w = self.rules.weights["links"]
        reasons: list[Reason] = []
        unknown_total = 0.0
        for link in ctx.flaggable_links:
            if link.obfuscated:
                reasons.append(
                    Reason(
                        self.name, "link written to dodge filters", w["obfuscated"], link.written
                    )
                )
                continue
            flagged = matches_domain(link.host, ctx.guild.flag_domains)
            if flagged:
                reasons.append(
                    Reason(
                        self.name,
                        "domain this server always flags",
                        w["guild_flag_domain"],
                        link.domain,
                    )
                )
            elif matches_domain(link.host, self.rules.deny_domains):
                reasons.append(Reason(self.name, "private-chat link", w["deny_domain"], link.host))
            elif matches_domain(link.host, self.rules.shorteners):
                reasons.append(Reason(self.name, "shortened link", w["shortener"], link.host))
            elif unknown_total < w["unknown_domain_max"]:
                weight = min(w["unknown_domain"], w["unknown_domain_max"] - unknown_total)
                unknown_total += weight
                reasons.append(
                    Reason(self.name, "link outside the allow list", weight, link.domain)
                )
        for invite in ctx.invites[:1]:
            reasons.append(Reason(self.name, "Discord server invite", w["invite"], invite))
        return reasons
