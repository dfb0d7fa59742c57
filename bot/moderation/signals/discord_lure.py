"""Discord-native scams: Nitro and Steam gift lures, fake staff, and look-alike domains.

A look-alike is a link whose domain is not Discord's or Steam's own but reads like it:
``dlscord.gift``, ``discorcl.com``, ``steamcommunnity.com``, ``discord-nitro.site``. Wording
("free nitro", "i accidentally reported you", "test my game") is a phrase group.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from bot.moderation.signals.base import Reason, ScanContext, Signal, phrase_reasons

OFFICIAL = frozenset(
    {
        "discord.com",
        "discord.gg",
        "discordapp.com",
        "discordapp.net",
        "discord.gift",
        "discord.media",
        "discord.new",
        "discordstatus.com",
        "steamcommunity.com",
        "steampowered.com",
        "steamstatic.com",
    }
)
BRANDS = ("discord", "discordapp", "steamcommunity", "steampowered", "nitro")


def looks_like_brand(domain: str) -> str | None:
    """The brand ``domain`` imitates, or None (official domains are not look-alikes)."""
    if domain in OFFICIAL:
        return None
    label = domain.split(".", 1)[0].replace("-", "")
    for brand in BRANDS:
        if brand in label and brand != "nitro":
            return brand  # "discordgift", "steamcommunity-trade"
        if len(label) >= 6 and Levenshtein.distance(label, brand, score_cutoff=2) <= 2:
            return brand  # "dlscord", "discorcl", "steamcommunnity"
    return None


class DiscordLureSignal(Signal):
    name = "discord_lure"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        reasons = phrase_reasons(
            ctx, "discord_lure", self.name, "Discord or Steam gift, staff or account lure"
        )
        for link in ctx.flaggable_links:
            brand = looks_like_brand(link.domain)
            if brand is not None:
                reasons.append(
                    Reason(
                        self.name,
                        f"look-alike of {brand}'s site",
                        self.rules.weight("discord_lure", "lookalike_domain"),
                        link.domain,
                        "discord_lure.lookalike",
                        link.domain,
                    )
                )
                break
        return reasons
