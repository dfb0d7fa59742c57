"""Daily reminders: one indexed "due" query per tick and an atomic claim.

Each member row holds ``next_reminder_at`` (UTC epoch seconds, indexed). A tick selects the due
rows and, in the same write transaction, advances each one to its next occurrence. So a reminder
is claimed exactly once: a restart before the claim sends it late (same local day), a restart
after it never sends it again. Reminders whose local day is already over (the bot was down) are
dropped rather than sent a day late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.streaks import rules, store, texts

if TYPE_CHECKING:
    from bot.app import App

DUE_SQL = (
    "SELECT user_id, zone, day_end_hour, reminder_time, next_reminder_at FROM streak_members "
    "WHERE next_reminder_at IS NOT NULL AND next_reminder_at <= ? "
    "ORDER BY next_reminder_at LIMIT ?"
)


@dataclass(frozen=True)
class DueReminder:
    user_id: int
    day: date
    text: str


@dataclass
class ClaimResult:
    to_send: list[DueReminder]
    claimed: int  # rows advanced, including skipped ones (checked in, paused, stale)


class ReminderService:
    def __init__(self, app: App) -> None:
        self.app = app

    async def due_count(self, now: datetime | None = None) -> int:
        now = now or self.app.clock()
        return int(
            await self.app.db.fetchval(
                "SELECT COUNT(*) FROM streak_members WHERE next_reminder_at IS NOT NULL "
                "AND next_reminder_at <= ?",
                (rules.to_epoch(now),),
            )
        )

    async def claim_due(self, limit: int = 200, now: datetime | None = None) -> ClaimResult:
        now = now or self.app.clock()
        to_send: list[DueReminder] = []
        async with self.app.db.write() as conn:
            async with conn.execute(DUE_SQL, (rules.to_epoch(now), limit)) as cursor:
                rows = list(await cursor.fetchall())
            for user_id, zone, day_end, reminder, due_epoch in rows:
                at = rules.parse_reminder_time(reminder) if reminder else None
                next_at = rules.to_epoch(rules.next_reminder_at(now, at, zone)) if at else None
                # Compare-and-set on the old value: the claim is the advance.
                await conn.execute(
                    "UPDATE streak_members SET next_reminder_at = ? "
                    "WHERE user_id = ? AND next_reminder_at = ?",
                    (next_at, user_id, due_epoch),
                )
                day = rules.reminder_day(rules.from_epoch(due_epoch), zone, day_end)
                if day != rules.local_day(now, zone, day_end):
                    continue  # its day is over: a late "did you move today?" would confuse
                if await self._done_or_paused(conn, user_id, day):
                    continue
                to_send.append(DueReminder(user_id, day, texts.reminder_text(user_id, day)))
        return ClaimResult(to_send, len(rows))

    @staticmethod
    async def _done_or_paused(conn: store.aiosqlite.Connection, user_id: int, day: date) -> bool:
        iso = day.isoformat()
        async with conn.execute(
            "SELECT 1 FROM streak_days WHERE user_id = ? AND day = ? "
            "AND (checkins > 0 OR rest_reason IS NOT NULL) "
            "UNION ALL SELECT 1 FROM streak_pauses WHERE user_id = ? AND start_day <= ? "
            "AND end_day >= ? LIMIT 1",
            (user_id, iso, user_id, iso, iso),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def dms_closed(self, user_id: int) -> None:
        """Discord refused the DM: reminders off, and tell the member on their next command."""
        async with self.app.db.write() as conn:
            await store.update_member(
                conn,
                user_id,
                reminder_time=None,
                next_reminder_at=None,
                notice=texts.DMS_CLOSED_NOTICE,
            )
