"""Links: outside the allow list, on the deny list, shortened, obfuscated, or always flagged."""

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
            domain = link.domain
            if matches_domain(link.host, ctx.guild.flag_domains):
                # Before the dodge check: "ww w. msherbs. c om" is still msherbs.com, which
                # moderators chose to always flag.
                reasons.append(
                    Reason(
                        self.name,
                        "domain this server always flags",
                        w["guild_flag_domain"],
                        link.written if link.obfuscated else domain,
                        "links.guild_flag",
                        domain,
                    )
                )
            elif link.obfuscated:
                reasons.append(
                    Reason(
                        self.name,
                        "link written to dodge filters",
                        w["obfuscated"],
                        link.written,
                        "links.obfuscated",
                        domain,
                    )
                )
            elif matches_domain(link.host, self.rules.deny_domains):
                reasons.append(
                    Reason(
                        self.name, "private-chat link", w["deny_domain"], link.host, "links.deny"
                    )
                )
            elif matches_domain(link.host, self.rules.shorteners):
                reasons.append(
                    Reason(
                        self.name, "shortened link", w["shortener"], link.host, "links.shortener"
                    )
                )
            elif unknown_total < w["unknown_domain_max"]:
                weight = min(w["unknown_domain"], w["unknown_domain_max"] - unknown_total)
                unknown_total += weight
                reasons.append(
                    Reason(
                        self.name,
                        "link outside the allow list",
                        weight,
                        domain,
                        "links.unknown",
                        domain,
                    )
                )
        return reasons
