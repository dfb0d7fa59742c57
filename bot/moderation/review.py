"""The review flow's core: who may decide, claiming a flag, deciding, and retention.

A mixin of :class:`bot.moderation.service.ModerationService` (split out for size): the service
keeps the scanning path, reports, rules and statistics. Every decision goes through ``act``:
authority -> claim -> Discord action -> finalise (or release), see its docstring.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.errors import NotFoundError, UserError
from bot.i18n import _
from bot.moderation import privacy_store, review_store, store
from bot.moderation.authority import ACTIONS, ActionFacts, Standing, decide
from bot.moderation.render import moderator_label, status_short
from bot.moderation.store import Flag
from bot.numbers import valid_id
from bot.permissions import require_permission
from bot.storage import DatabaseClosedError
from bot.storage.leases import RETENTION_PURGE, lease_for

if TYPE_CHECKING:
    from bot.app import App
    from bot.moderation.learning import ServerLearning

log = logging.getLogger(__name__)

PURGE_INTERVAL_SECONDS = 3600
#: A claim older than this is abandoned (the process died mid-action): anyone may take it.
CLAIM_STALE_SECONDS = 60
#: Pauses before asking again when the bot itself holds the claim (editing the card).
BOT_CLAIM_RETRIES = (0.1, 0.3, 0.6, 1.0)
#: The Discord side of a decision; returns a detail to store ("the message was already gone").
Perform = Callable[[Flag], Awaitable[str]]


class ReviewMixin:
    app: App
    learning: ServerLearning  # set by ModerationService (bot/moderation/learning.py)
    _purge_task: asyncio.Task[None] | None = None

    # -- decisions -----------------------------------------------------------------------------
    async def flag(self, guild_id: int, flag_id: int) -> Flag:
        # An id past SQLite's range cannot exist (and would raise OverflowError when bound).
        flag = await store.get_flag(self.app.db, flag_id) if valid_id(flag_id) else None
        if flag is None or flag.guild_id != guild_id:
            raise NotFoundError(
                _("There is no flag #{number} on this server.").format(number=flag_id)
            )
        return flag

    @staticmethod
    def require(permissions: frozenset[str], action: str) -> None:
        require_permission(permissions, ACTIONS[action][1])

    async def ensure_open(self, guild_id: int, flag_id: int) -> Flag:
        flag = await self.flag(guild_id, flag_id)
        if not flag.is_open:
            raise UserError(self.closed_message(flag))
        return flag

    @staticmethod
    def closed_message(flag: Flag) -> str:
        who = moderator_label(flag.closed_by)
        status = status_short(flag.status)
        if who:
            return _("Flag #{number} was already handled by {moderator}: {status}.").format(
                number=flag.id, moderator=who, status=status
            )
        return _("Flag #{number} was already handled: {status}.").format(
            number=flag.id, status=status
        )

    async def check_action(
        self,
        guild_id: int,
        flag_id: int,
        action: str,
        *,
        moderator_id: int,
        permissions: frozenset[str],
        standing: Standing | None = None,
    ) -> Flag:
        """May this moderator do it now? Raises UserError with the reason the button shows.

        Called when a button is pressed and again by ``act`` when the action (or its follow-up
        menu) is carried out: permissions and roles are re-read at every click.
        """
        if action not in ACTIONS:
            raise UserError(
                _("Unknown action `{action}`: use {actions}.").format(
                    action=action[:20], actions=", ".join(ACTIONS)
                )
            )
        self.require(permissions, action)  # before anything about the flag is shown
        flag = await self.ensure_open(guild_id, flag_id)
        decision = decide(ActionFacts(action, moderator_id, flag.author_id, permissions, standing))
        if not decision.allowed:
            raise UserError(decision.reason)
        return flag

    async def act(
        self,
        guild_id: int,
        flag_id: int,
        action: str,
        *,
        moderator_id: int,
        permissions: frozenset[str],
        detail: str = "",
        standing: Standing | None = None,
        perform: Perform | None = None,
    ) -> Flag:
        """Decide on a flag: authority -> claim -> Discord action -> finalise (or release).

        ``perform`` is the Discord side effect (delete, ban, ...), run only while this moderator
        holds the claim, so two moderators can never both act; if it fails the claim is
        released and the flag stays open. The decision is stored in the finalise step.
        """
        flag = await self.check_action(
            guild_id,
            flag_id,
            action,
            moderator_id=moderator_id,
            permissions=permissions,
            standing=standing,
        )
        await self._claim(flag, moderator_id)
        try:
            if perform is not None:
                detail = await perform(flag) or detail
        except BaseException:
            await review_store.release(self.app.db, flag.id, moderator_id)
            raise
        # Finalise: close the flag and store the decision (one transaction).
        await review_store.finalise(
            self.app.db,
            flag.id,
            guild_id,
            ACTIONS[action][0],
            moderator_id,
            detail,
            self.app.clock(),
        )
        # Server learning (detector lane): the decision becomes an example for this server.
        await self.learning.record_decision(guild_id, flag.message_id, flag.content, action)
        return await self.flag(guild_id, flag_id)

    async def _claim(self, flag: Flag, claimer_id: int) -> None:
        """Compare-and-set the open flag for ``claimer_id``, or raise why not."""
        for pause in (*BOT_CLAIM_RETRIES, None):
            now = self.app.clock()
            stale = now - timedelta(seconds=CLAIM_STALE_SECONDS)
            result = await review_store.claim(
                self.app.db, flag.id, flag.guild_id, claimer_id, now, stale
            )
            if result.claimed:
                return
            if result.status != store.OPEN:
                raise UserError(self.closed_message(await self.flag(flag.guild_id, flag.id)))
            if result.holder != review_store.BOT_CLAIM or pause is None:
                break  # a moderator holds it: their decision settles the card
            await asyncio.sleep(pause)  # the bot is only updating the card: wait briefly
        if result.holder == review_store.BOT_CLAIM:
            raise UserError(
                _("The card of flag #{number} is being updated; try again in a moment.").format(
                    number=flag.id
                )
            )
        who = moderator_label(result.holder)
        if who:
            busy = _(
                "{moderator} is acting on flag #{number} right now; the card will show what they decided."
            )
        else:
            busy = _(
                "Another moderator is acting on flag #{number} right now; the card will show what they decided."
            )
        raise UserError(busy.format(moderator=who, number=flag.id))

    @contextlib.asynccontextmanager
    async def card_refresh(self, guild_id: int, flag_id: int) -> AsyncIterator[Flag | None]:
        """Hold the flag while its card is posted or edited (a report merged, a rescan).

        Yields the flag as stored now, or None when it is closed or a moderator is acting on
        it: their decision re-renders the card, and an edit from here would race it.
        """
        flag = await self.flag(guild_id, flag_id)
        try:
            await self._claim(flag, review_store.BOT_CLAIM)
        except UserError:
            yield None
            return
        try:
            yield await self.flag(guild_id, flag_id)
        finally:
            await review_store.release(self.app.db, flag_id, review_store.BOT_CLAIM)

    # -- retention -----------------------------------------------------------------------------
    async def purge_expired(self) -> int:
        """Remove the personal data of flags past retention; their cards are redacted next."""
        now = self.app.clock()
        cutoff = now - timedelta(days=self.app.settings.moderation_retention_days)
        stale = now - timedelta(seconds=CLAIM_STALE_SECONDS)
        removed = await privacy_store.purge_expired(self.app.db, cutoff, stale)
        if removed:
            log.info("Removed the personal data of %d flags past retention", removed)
        return removed

    async def cards_to_redact(self, limit: int = 50) -> list[Flag]:
        """Flags whose posted card still shows data removed since (retention, erasure).

        The cog edits each card to the redacted version and calls ``card_redacted``; until
        then the flag stays on this list, across failures and restarts.
        """
        return await review_store.cards_to_redact(self.app.db, limit)

    async def card_redacted(self, flag_id: int) -> None:
        await review_store.mark_card_redacted(self.app.db, flag_id)

    async def _purge_loop(self) -> None:
        """With several bot processes, the one holding the retention lease purges."""
        while True:
            try:
                if await self.app.leases.hold(RETENTION_PURGE, lease_for(PURGE_INTERVAL_SECONDS)):
                    await self.purge_expired()
            except DatabaseClosedError:
                return  # the bot is stopping
            except Exception:
                log.exception("Moderation retention purge failed; will retry")
            await asyncio.sleep(PURGE_INTERVAL_SECONDS)

    def start_retention(self) -> None:
        if self._purge_task is None:
            self._purge_task = asyncio.create_task(self._purge_loop(), name="moderation-retention")

    async def stop_retention(self) -> None:
        if self._purge_task is not None:
            self._purge_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purge_task
            self._purge_task = None
