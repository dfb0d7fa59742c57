"""The board, the weekly summary and the pinned check-in message. Names only when public."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.i18n import N_, _, join_list, ngettext, number
from bot.replies import Reply
from bot.streaks import rules, texts

if TYPE_CHECKING:
    from bot.app import App

CHANNEL_KEY = "checkin_channel"
BOARD_SIZE = 50
PIN_TEXT = N_(
    "Moved today? Tap the button below to check in: any movement counts, a few minutes is "
    "plenty. (Join first with /streak join; it is opt-in.)"
)


@dataclass(frozen=True)
class WeekTotals:
    members: int
    member_days: int
    minutes: int
    public_ids: list[int]


def previous_week(today: date) -> date:
    """Monday of the last complete Monday-Sunday week before the week containing ``today``."""
    return today - timedelta(days=today.weekday() + 7)


class CommunityService:
    """Every "day" and "week" here is the member's own local one, like the rest of streaks.

    Stored days are already local dates, so a week is the member's local Monday to Sunday. The
    board counts each member's last 7 local days (their zone and day end). A week's summary is
    posted only once every active member of the server has finished their local Sunday, so the
    westernmost member's Sunday evening is never left out.
    """

    def __init__(self, app: App) -> None:
        self.app = app

    async def board(self, guild_id: int) -> Reply:
        now = self.app.clock()
        members = await self.app.db.fetchall(
            "SELECT user_id, zone, day_end_hour FROM streak_members "
            "WHERE guild_id = ? AND public = 1 AND active = 1 ORDER BY joined_at",
            (guild_id,),
        )
        # Local days are at most a day from the UTC date (UTC-12 with a 4 am day end, UTC+14),
        # so this bound keeps every member's window and the read small.
        since = (now.date() - timedelta(days=8)).isoformat()
        rows = await self.app.db.fetchall(
            "SELECT d.user_id, d.day FROM streak_days d "
            "JOIN streak_members m ON m.user_id = d.user_id "
            "WHERE m.guild_id = ? AND m.public = 1 AND m.active = 1 AND d.day >= ? "
            "AND (d.checkins > 0 OR d.rest_reason IS NOT NULL)",
            (guild_id, since),
        )
        days: dict[int, set[date]] = defaultdict(set)
        for row in rows:
            days[row["user_id"]].add(date.fromisoformat(row["day"]))
        reply = Reply(
            title=_("Active days, last 7 days"),
            footer=_(
                "Not a competition: every day you move or rest counts. Days are counted in each "
                "member's own time zone. Only members who chose public appear "
                "(/streak settings public on)."
            ),
        )
        if not members:
            reply.body = _("No public members yet.")
            return reply
        lines = []
        for member in members:
            today = rules.local_day(now, member["zone"], member["day_end_hour"])
            first = today - timedelta(days=6)
            active = sum(1 for d in days[member["user_id"]] if first <= d <= today)
            # Only the days someone did: a name beside "0 days" would read as a public failing.
            if active:
                lines.append(
                    _(texts.BOARD_LINE).format(
                        mention=f"<@{member['user_id']}>", days=number(active)
                    )
                )
        if not lines:
            reply.body = _(texts.BOARD_QUIET)
            return reply
        reply.body = "\n".join(lines[:BOARD_SIZE])
        if len(lines) > BOARD_SIZE:
            reply.body += "\n" + _(texts.BOARD_MORE).format(count=number(len(lines) - BOARD_SIZE))
        return reply

    async def last_complete_week(self, guild_id: int) -> date:
        """Monday of the last week every active member of the server has finished locally."""
        now = self.app.clock()
        members = await self.app.db.fetchall(
            "SELECT zone, day_end_hour FROM streak_members WHERE guild_id = ? AND active = 1",
            (guild_id,),
        )
        todays = [rules.local_day(now, m["zone"], m["day_end_hour"]) for m in members]
        return previous_week(min(todays, default=now.date()))

    async def week_totals(self, guild_id: int, monday: date) -> WeekTotals:
        """Totals over the local days Monday to Sunday (each member's own local dates)."""
        sunday = monday + timedelta(days=6)
        rows = await self.app.db.fetchall(
            "SELECT d.user_id, m.public, COUNT(*) AS days, SUM(d.minutes) AS minutes "
            "FROM streak_days d JOIN streak_members m ON m.user_id = d.user_id "
            "WHERE m.guild_id = ? AND d.day BETWEEN ? AND ? AND d.checkins > 0 "
            "GROUP BY d.user_id, m.public",
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
        # Posted in the check-in channel (the cog runs this in the server's language).
        title = _("Week of {week}: moving together").format(week=texts.short_day(monday))
        if totals.members == 0:
            return Reply(
                title=title,
                body=_(
                    "A quiet week. Rest is part of living with MS; any movement this week counts, "
                    "and /checkin is here when you are ready."
                ),
                private=False,
            )
        members = ngettext("{count} member moved", "{count} members moved", totals.members)
        days = ngettext("on {count} day in all", "on {count} days in all", totals.member_days)
        minutes = ngettext(
            "for {count} minute together", "for {count} minutes together", totals.minutes
        )
        reply = Reply(
            title=title,
            body=_("{members}, {days}, {minutes}. Thank you, everyone.").format(
                members=members.format(count=number(totals.members)),
                days=days.format(count=number(totals.member_days)),
                minutes=minutes.format(count=number(totals.minutes)),
            ),
            private=False,
        )
        if totals.public_ids:
            reply.add_field(
                _("Moved this week"), join_list(f"<@{i}>" for i in totals.public_ids[:40])
            )
        return reply

    async def claim_weekly_summary(self, guild_id: int) -> Reply | None:
        """The last week's summary if this server has not had it yet (claimed atomically)."""
        monday = await self.last_complete_week(guild_id)
        # One compare-and-set statement: of two processes claiming the same week at once
        # (PostgreSQL, several shards), the second finds the week taken and changes nothing.
        async with (
            self.app.db.write() as conn,
            conn.execute(
                "INSERT INTO streak_guild_state (guild_id, last_summary_week) VALUES (?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET last_summary_week = "
                "excluded.last_summary_week WHERE streak_guild_state.last_summary_week IS NULL "
                "OR streak_guild_state.last_summary_week < excluded.last_summary_week",
                (guild_id, monday.isoformat()),
            ) as cursor,
        ):
            if cursor.rowcount != 1:
                return None
        return await self.weekly_summary(guild_id, monday)

    async def pin_channel(self, guild_id: int) -> int:
        channel_id = await self.app.config.get(guild_id, CHANNEL_KEY)
        if channel_id is None:
            raise UserError(
                _("Choose the check-in channel first: /config channel checkin_channel #channel.")
            )
        return int(channel_id)
