"""Daily reminders: one indexed "due" query per claim and an atomic, small claim.

Each member row holds ``next_reminder_at`` (UTC epoch seconds, indexed). A claim selects up to
``limit`` due rows and, in the same short write transaction, advances each one to its next
occurrence. So a reminder is claimed exactly once: a restart before the claim sends it late
(same local day), a restart after it never sends it again (at most once). Reminders whose local
day is already over (the bot was down, or too far behind) are skipped rather than sent a day
late; every other claimed reminder is handed to the sender (``bot.streaks.delivery``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.i18n import SOURCE, using
from bot.streaks import rules, store, texts

if TYPE_CHECKING:
    from bot.app import App

#: Rows per claim: one short write transaction, so check-ins never wait long behind a claim.
CLAIM_BATCH = 50


@dataclass(frozen=True)
class DueReminder:
    user_id: int
    day: date
    text: str
    zone: str
    day_end_hour: int
    due_epoch: int
    dm_channel_id: int | None = None
    #: The member's language (``bot.i18n``), remembered from their last streak command; the
    #: text is already in it, and the sender writes the rest of the DM in it too.
    language: str = SOURCE


@dataclass
class ClaimResult:
    to_send: list[DueReminder]
    claimed: int  # rows advanced, including skipped ones (checked in, paused, stale)
    #: When the oldest claimed reminder fell due (epoch seconds), to tell how far behind we are.
    oldest_due: int | None = None


class ReminderService:
    def __init__(self, app: App) -> None:
        self.app = app

    async def due_count(self, now: datetime | None = None) -> int:
        now = now or self.app.clock()
        return await store.count_due(self.app.db, rules.to_epoch(now))

    def still_today(self, reminder: DueReminder, now: datetime | None = None) -> bool:
        """Is the local day this reminder is about still running for its member?"""
        now = now or self.app.clock()
        return rules.local_day(now, reminder.zone, reminder.day_end_hour) == reminder.day

    async def claim_due(self, limit: int = CLAIM_BATCH, now: datetime | None = None) -> ClaimResult:
        now = now or self.app.clock()
        candidates: list[DueReminder] = []
        async with self.app.db.write() as conn:
            rows = await store.due_reminders(conn, rules.to_epoch(now), limit)
            advances: list[tuple[int | None, int, int]] = []
            for user_id, zone, day_end, reminder, due_epoch, channel_id, language in rows:
                next_at = (
                    rules.to_epoch(rules.next_reminder(now, reminder, zone, user_id, day_end))
                    if reminder
                    else None
                )
                advances.append((next_at, user_id, due_epoch))  # the claim is the advance
                day = rules.reminder_day(rules.from_epoch(due_epoch), zone, day_end)
                if day != rules.local_day(now, zone, day_end):
                    continue  # its day is over: a late "did you move today?" would confuse
                language = language or SOURCE
                with using(language):
                    text = texts.reminder_text(user_id, day)
                candidates.append(
                    DueReminder(user_id, day, text, zone, day_end, due_epoch, channel_id, language)
                )
            await store.advance_reminders(conn, advances)
            done = await store.counted_or_paused(conn, {r.user_id: r.day for r in candidates})
        to_send = [r for r in candidates if r.user_id not in done]
        oldest = rows[0]["next_reminder_at"] if rows else None
        return ClaimResult(to_send, len(rows), oldest)

    async def remember_dm_channels(self, channels: dict[int, int]) -> None:
        """Keep the DM channels the sender learnt, so the next reminder is one request."""
        if channels:
            async with self.app.db.write() as conn:
                await store.remember_dm_channels(conn, channels)

    async def dms_closed(self, user_id: int) -> None:
        """Discord refused the DM: reminders off, and tell the member on their next command."""
        async with self.app.db.write() as conn:
            await store.update_member(
                conn,
                user_id,
                reminder_time=None,
                next_reminder_at=None,
                dm_channel_id=None,
                notice=texts.DMS_CLOSED_NOTICE,
            )
