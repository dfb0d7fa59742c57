"""Edit posted flag cards once their data is removed (retention purge, or the author's erasure).

The core keeps the list (``ModerationService.cards_to_redact``): a flag stays on it until its
card was edited (or is gone), so a failure or a restart only delays the edit to the next round.

With several bot processes (shards), one process at a time does this (the card-redaction lease),
for every server: cards are edited by channel id through Discord's API, not through this
process's cache, which holds only the servers on its own shards.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands, tasks

from bot.moderation.feature import service_of
from bot.storage.leases import CARD_REDACTION, lease_for
from cogs._language import in_server_language
from cogs._moderation_views import card_embed, card_view

log = logging.getLogger(__name__)

REDACTION_INTERVAL_MINUTES = 10


class CardRedactor:
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    def start(self) -> None:
        if not self.run.is_running():
            self.run.start()

    def stop(self) -> None:
        self.run.cancel()

    @tasks.loop(minutes=REDACTION_INTERVAL_MINUTES)
    async def run(self) -> None:
        try:
            leases = self.bot.app.leases  # type: ignore[attr-defined]
            if await leases.hold(CARD_REDACTION, lease_for(REDACTION_INTERVAL_MINUTES * 60)):
                await self.redact_pending()
        except Exception:
            log.exception("Redacting flag cards failed; will retry")

    @run.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()  # channels are known only once connected

    async def redact_pending(self) -> int:
        """Edit every card still showing removed data. Returns how many are now done."""
        service = service_of(self.bot.app)  # type: ignore[attr-defined]
        done = 0
        failed = 0
        for flag in await service.cards_to_redact():
            channel = self.bot.get_partial_messageable(flag.card_channel_id or 0)
            # The server's language is known when its shard runs here (else: English).
            with in_server_language(self.bot.get_guild(flag.guild_id)):
                embed, view = card_embed(service, flag), card_view(flag)
            try:
                await channel.get_partial_message(flag.card_message_id or 0).edit(
                    embed=embed, view=view
                )
            except discord.NotFound:
                pass  # the card, or its channel, was deleted: nothing shows the data any more
            except discord.HTTPException:
                failed += 1  # kept on the list: tried again next round
                continue
            await service.card_redacted(flag.id)
            done += 1
        if failed:
            log.warning("Could not redact %d flag cards yet; will retry", failed)
        return done
