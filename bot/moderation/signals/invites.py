"""Invite links to other Discord servers, unless moderators trust that invite."""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal


def invite_key(invite: str) -> str:
    """``discord.com/invite/abc`` and ``discord.gg/ abc`` -> ``discord.gg/abc`` (what is trusted)."""
    code = invite.replace(" ", "").rsplit("/", 1)[-1]
    return f"discord.gg/{code}"


class InviteSignal(Signal):
    name = "invites"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        trusted = ctx.guild.trusted_domains
        for invite in ctx.invites:
            key = invite_key(invite)
            if key in trusted:
                continue  # a partner server the moderators chose to trust
            return [
                Reason(
                    self.name,
                    "invite to another Discord server",
                    self.rules.weight("links", "invite"),
                    key,
                    "links.invite",
                    key,
                )
            ]
        return []
