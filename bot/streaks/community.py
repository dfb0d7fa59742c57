"""The board, the weekly summary and the pinned check-in message. Names only when public."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.app import App

CHANNEL_KEY = "checkin_channel"
PIN_TEXT = (
    "Moved today? Tap the button below to check in: any movement counts, a few minutes is "
    "plenty. (Join first with /streak join; it is opt-in.)"
)


@dataclass(frozen=True)
class WeekTotals:
    members: int
    member_days: int
    minutes: int
    public_ids: list[int]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def previous_week(now: datetime) -> date:
    """Monday of the last complete week (by UTC date)."""
    today = now.date()
    return today - timedelta(days=today.weekday() + 7)


class CommunityService:
    def __init__(self, app: App) -> None:
        self.app = app

    async def board(self, guild_id: int) -> Reply:
        since = (self.app.clock().date() - timedelta(days=6)).isoformat()
        rows = await self.app.db.fetchall(
            "SELECT m.user_id, COUNT(d.day) AS days FROM streak_members m "
            "LEFT JOIN streak_days d ON d.user_id = m.user_id AND d.day >= ? "
            "AND (d.checkins > 0 OR d.rest_reason IS NOT NULL) "
            "WHERE m.guild_id = ? AND m.public = 1 AND m.active = 1 "
            "GROUP BY m.user_id ORDER BY m.joined_at",
            (since, guild_id),
        )
        reply = Reply(
            title="Active days, last 7 days",
            footer="Not a competition: every day you move or rest counts. "
            "Only members who chose public appear (/streak settings public on).",
        )
        if not rows:
            reply.body = "No public members yet."
            return reply
        reply.body = "\n".join(f"<@{row['user_id']}>: {row['days']} of 7 days" for row in rows[:50])
        if len(rows) > 50:
            reply.body += f"\n...and {len(rows) - 50} more."
        return reply

    async def week_totals(self, guild_id: int, monday: date) -> WeekTotals:
        sunday = monday + timedelta(days=6)
        rows = await self.app.db.fetchall(
            "SELECT d.user_id, m.public, COUNT(*) AS days, SUM(d.minutes) AS minutes "
            "FROM streak_days d JOIN streak_members m ON m.user_id = d.user_id "
            "WHERE m.guild_id = ? AND d.day BETWEEN ? AND ? AND d.checkins > 0 "
            "GROUP BY d.user_id",
            (guild_id, monday.isoformat(), sunday.isoformat()),
        )
        return WeekTotals(
            members=len(rows),
            member_days=sum(r["days"] for r in rows),
            minutes=sum(r["minutes"] or 0 for r in rows),
            public_ids=[r["user_id"] for r in rows if r["public"]],
        )

    async def weekly_summary(self, guild_id: int, monday: date) -> Reply:
        totals = await self.week_totals(guild_id, monday)
        title = f"Week of {monday.day} {monday:%b}: moving together"
        if totals.members == 0:
            return Reply(
                title=title,
                body="A quiet week. Rest is part of living with MS; any movement this week "
                "counts, and /checkin is here when you are ready.",
                private=False,
            )
        reply = Reply(
            title=title,
            body=f"{_plural(totals.members, 'member')} moved, on "
            f"{_plural(totals.member_days, 'day')} in all, for {totals.minutes} minutes "
            "together. Thank you, everyone.",
            private=False,
        )
        if totals.public_ids:
            reply.add_field("Moved this week", ", ".join(f"<@{i}>" for i in totals.public_ids[:40]))
        return reply

    async def claim_weekly_summary(self, guild_id: int) -> Reply | None:
        """The last week's summary if this server has not had it yet (claimed atomically)."""
        monday = previous_week(self.app.clock())
        async with self.app.db.write() as conn:
            async with conn.execute(
                "SELECT last_summary_week FROM streak_guild_state WHERE guild_id = ?", (guild_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None and row[0] is not None and row[0] >= monday.isoformat():
                return None
            await conn.execute(
                "INSERT INTO streak_guild_state (guild_id, last_summary_week) VALUES (?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET last_summary_week = excluded.last_summary_week",
                (guild_id, monday.isoformat()),
            )
        return await self.weekly_summary(guild_id, monday)

    async def pin_channel(self, guild_id: int) -> int:
        channel_id = await self.app.config.get(guild_id, CHANNEL_KEY)
        if channel_id is None:
            raise UserError(
                "Choose the check-in channel first: /config channel checkin_channel #channel."
            )
        return int(channel_id)
