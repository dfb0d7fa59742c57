"""Streak commands: join, check-in, rest, pause, status, settings, leave.

Each method returns a :class:`Reply` (or an :class:`Outcome` with a channel announcement), so
the console and the cog show the same thing. Writes that depend on what is stored read it inside
the same write transaction, so concurrent check-ins never lose or double-count a day.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.replies import Reply, Tone
from bot.streaks import rules, store, texts
from bot.streaks.chart import render_png
from bot.streaks.status import build_status
from bot.streaks.store import History, Member

if TYPE_CHECKING:
    from bot.app import App

NOT_JOINED = (
    "You haven't joined streaks yet. It is opt-in: start with /streak join and your time zone."
)
REST_LIMIT_KEY = "streak_rest_days_per_week"
#: Pause reason of the one-day cover on the day a member resumes (not an active pause).
WELCOME_BACK = "welcome_back"
CHANNEL_KEY = "checkin_channel"


class NotJoinedError(UserError):
    """Not tracking streaks: never joined, or left (whose history is kept, so say so)."""

    def __init__(self, member: Member | None = None) -> None:
        super().__init__(texts.LEFT_NOT_TRACKING if member is not None else NOT_JOINED)


@dataclass
class Announcement:
    channel_id: int
    reply: Reply


@dataclass
class Outcome:
    reply: Reply
    announcement: Announcement | None = None

    @property
    def replies(self) -> list[Reply]:
        return [self.reply] + ([self.announcement.reply] if self.announcement else [])


class StreakService:
    def __init__(self, app: App) -> None:
        self.app = app

    # -- helpers ---------------------------------------------------------------------------
    def today(self, member: Member) -> date:
        return rules.local_day(self.app.clock(), member.zone, member.day_end_hour)

    async def rest_limit(self, guild_id: int) -> int:
        return int(await self.app.config.get(guild_id, REST_LIMIT_KEY))

    async def member(self, user_id: int) -> Member | None:
        return await store.load_member(self.app.db, user_id)

    async def require_member(self, user_id: int) -> Member:
        member = await self.member(user_id)
        if member is None or not member.active:
            raise NotJoinedError(member)
        return member

    async def with_notice(self, user_id: int, reply: Reply) -> Reply:
        """Attach (once) a notice recorded for the member, e.g. DMs closed."""
        row = await self.app.db.fetchone(
            "SELECT notice FROM streak_members WHERE user_id = ?", (user_id,)
        )
        if row is None or row[0] is None:
            return reply
        async with self.app.db.write() as conn:
            notice = await store.take_notice(conn, user_id)
        if notice:
            reply.add_field("Please note", notice)
        return reply

    @staticmethod
    def ensure_after_join(member: Member, day: date, label: str) -> None:
        """Nothing is recorded for a local day before the member joined (no head start)."""
        if day < member.join_day:
            raise UserError(
                f"You joined streaks on {texts.format_day(member.join_day)}, so {label} is "
                "before your streak began and can't be recorded. Your streak counts from the "
                "day you joined: check in or rest today instead."
            )

    # -- join ------------------------------------------------------------------------------
    def join_preview(self, zone: str, reminder: str | None) -> tuple[str, str | None, Reply]:
        """Validate first (nothing stored), then explain what joining stores. Returns the zone,
        the reminder as stored (or None) and the preview."""
        zone_name = rules.validate_zone(zone)
        at = rules.ReminderTime.parse(reminder) if reminder else None
        when = f"a daily reminder {at.describe()} ({zone_name})" if at else "no reminders"
        reply = Reply(
            title="Join streaks?",
            body=f"{texts.JOIN_EXPLANATION}\nYou chose time zone {zone_name} and {when}.",
        )
        return zone_name, at.stored() if at else None, reply

    async def join(
        self, user_id: int, guild_id: int, zone: str, reminder: str | None, *, public: bool = False
    ) -> Reply:
        zone_name, stored, _ = self.join_preview(zone, reminder)
        now = self.app.clock()
        async with self.app.db.write() as conn:
            existing = await store.load_member(conn, user_id)
            if existing is not None and existing.active:
                raise UserError(
                    "You have already joined. Change your zone or reminder with /streak settings."
                )
            day_end = existing.day_end_hour if existing else 0  # a rejoin keeps its day end
            next_at = (
                rules.to_epoch(rules.next_reminder(now, stored, zone_name, user_id, day_end))
                if stored
                else None
            )
            await conn.execute(
                "INSERT INTO streak_members (user_id, guild_id, zone, public, reminder_time, "
                "next_reminder_at, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET guild_id = excluded.guild_id, "
                "zone = excluded.zone, public = excluded.public, "
                "reminder_time = excluded.reminder_time, "
                "next_reminder_at = excluded.next_reminder_at, active = 1",
                (user_id, guild_id, zone_name, int(public), stored, next_at, now.isoformat()),
            )
        again = " Welcome back: your history is still here." if existing else ""
        reminder_text = (
            f" I'll remind you {rules.ReminderTime.from_stored(stored).describe()} on days you "
            "haven't checked in."
            if stored
            else ""
        )
        return Reply(
            body=f"You're in!{again}{reminder_text} Check in with /checkin whenever you move; "
            "a few minutes counts.",
            tone=Tone.SUCCESS,
        )

    # -- check-in --------------------------------------------------------------------------
    async def checkin(
        self,
        user_id: int,
        minutes: int | None = None,
        activity: str | None = None,
        note: str | None = None,
        *,
        button: bool = False,
    ) -> Outcome:
        """Record a check-in. ``button``: the one-tap button, which never double-counts."""
        rules.validate_minutes(minutes)
        activity = rules.validate_activity(activity)
        note_shortened = note is not None and len(note.strip()) > rules.MAX_NOTE_CHARS
        if note is not None:
            note = note.strip()[: rules.MAX_NOTE_CHARS] or None
        now = self.app.clock()
        async with self.app.db.write() as conn:
            member = await store.load_member(conn, user_id)
            if member is None or not member.active:
                raise NotJoinedError(member)
            today = self.today(member)
            self.ensure_after_join(member, today, "today")
            history = await store.load_history(conn, user_id)
            before = rules.current_streak(today, history.counted, history.paused(today))
            first_today = history.day(today).checkins == 0
            if button and not first_today:
                reply = Reply(
                    body="You already checked in today, and it counts. Nothing more to do.",
                    tone=Tone.SUCCESS,
                )
                return Outcome(await self.with_notice(user_id, reply))
            resumed = history.active_pause(today) is not None
            if resumed:
                await store.end_pauses(conn, user_id, today)
            await store.add_checkin(
                conn, user_id, today, minutes, activity, note, now.isoformat(timespec="seconds")
            )
            if resumed:
                history = await store.load_history(conn, user_id)
            else:  # mirror the upsert in memory instead of reading everything again
                old = history.day(today)
                history.days[today] = store.DayRow(
                    old.checkins + 1, old.minutes + (minutes or 0), None
                )
        paused = history.paused(today)
        summary = rules.summarise(today, history.counted, paused)
        limit = await self.rest_limit(member.guild_id)
        row = history.day(today)
        if first_today:
            if before == 0 and summary.best > 1 and summary.current == 1:
                body = texts.FRESH_START.format(best=summary.best, total=summary.active_days)
            else:
                body = f"Checked in for today. {texts.streak_line(summary.current, summary.best)}"
        else:
            body = f"Added to today's check-in: {row.minutes} minutes today in total."
        if resumed:
            body = "Welcome back: your pause has ended. " + body
        reply = Reply(body=body, tone=Tone.SUCCESS)
        if note_shortened:
            reply.add_field(
                texts.SHORTENED_FIELD, texts.NOTE_SHORTENED.format(limit=rules.MAX_NOTE_CHARS)
            )
        left = rules.rest_days_left(history.rest_days, today, limit)
        reply.footer = f"Rest days left this week: {left} of {limit}."
        announcement = None
        if first_today:
            announcement = await self._milestone(member, before, summary.current, reply)
        return Outcome(await self.with_notice(user_id, reply), announcement)

    async def _milestone(
        self, member: Member, before: int, after: int, reply: Reply
    ) -> Announcement | None:
        reached = rules.milestone_reached(before, after)
        if reached is None:
            return None
        reply.add_field("Milestone", texts.PRIVATE_MILESTONE.format(days=reached))
        if not member.public:
            return None
        channel_id = await self.app.config.get(member.guild_id, CHANNEL_KEY)
        if channel_id is None:
            return None
        text = texts.MILESTONE.format(mention=f"<@{member.user_id}>", days=reached)
        return Announcement(int(channel_id), Reply(body=text, private=False))

    # -- rest days -------------------------------------------------------------------------
    async def rest(
        self, user_id: int, reason: str | None = None, *, yesterday: bool = False
    ) -> Outcome:
        reason_shortened = reason is not None and len(reason.strip()) > rules.MAX_REASON_CHARS
        reason_text = (reason or "rest").strip().lower()[: rules.MAX_REASON_CHARS] or "rest"
        async with self.app.db.write() as conn:
            member = await store.load_member(conn, user_id)
            if member is None or not member.active:
                raise NotJoinedError(member)
            today = self.today(member)
            day = today - timedelta(days=1) if yesterday else today
            label = "yesterday" if yesterday else "today"
            self.ensure_after_join(member, day, label)
            history = await store.load_history(conn, user_id)
            paused = history.paused(today)
            row = history.day(day)
            limit = await self.rest_limit(member.guild_id)
            if row.checkins:
                raise UserError(f"You already checked in {label}, so no rest day is needed.")
            if row.rest_reason is not None:
                reply = Reply(body=f"{label.capitalize()} is already a rest day. Rest well.")
                return Outcome(reply)
            if day in paused:
                raise UserError(f"You are paused {label}, so no rest day is needed.")
            if not rules.rest_allowed(history.rest_days, day, limit):
                raise UserError(
                    f"You have used your {limit} rest days for this 7-day stretch. If you need "
                    "a longer break, /streak pause keeps your streak safe for up to 8 weeks."
                )
            before = rules.current_streak(today, history.counted, paused)
            await store.set_rest(conn, user_id, day, reason_text)
            history = await store.load_history(conn, user_id)
        summary = rules.summarise(today, history.counted, paused)
        left = rules.rest_days_left(history.rest_days, today, limit)
        reply = Reply(
            body=f"Rest day noted for {label} ({reason_text}). Resting is part of it. "
            f"{texts.streak_line(summary.current, summary.best)}",
            tone=Tone.SUCCESS,
            footer=f"Rest days left this week: {left} of {limit}.",
        )
        if reason_shortened:
            reply.add_field(
                texts.SHORTENED_FIELD, texts.REASON_SHORTENED.format(limit=rules.MAX_REASON_CHARS)
            )
        announcement = await self._milestone(member, before, summary.current, reply)
        return Outcome(await self.with_notice(user_id, reply), announcement)

    # -- pause -----------------------------------------------------------------------------
    async def pause(self, user_id: int, weeks: int = 1) -> Reply:
        rules.validate_weeks(weeks)
        async with self.app.db.write() as conn:
            member = await store.load_member(conn, user_id)
            if member is None or not member.active:
                raise NotJoinedError(member)
            today = self.today(member)
            end = today + timedelta(weeks=weeks) - timedelta(days=1)
            # A new pause replaces a running one (which then covered up to yesterday), so
            # pausing twice never stacks.
            await store.end_pauses(conn, user_id, today)
            await store.add_pause(conn, user_id, today, end, "pause")
        return await self.with_notice(
            user_id,
            Reply(
                body=f"Your streak is paused until {texts.format_day(end)}, and reminders stop "
                "until then. Take care of yourself. Use /streak resume when you are ready.",
                tone=Tone.SUCCESS,
            ),
        )

    async def resume(self, user_id: int) -> Reply:
        async with self.app.db.write() as conn:
            member = await store.load_member(conn, user_id)
            if member is None or not member.active:
                raise NotJoinedError(member)
            today = self.today(member)
            history = await store.load_history(conn, user_id)
            if history.active_pause(today) is None:
                raise UserError("You are not paused. Your streak is running as usual.")
            await store.end_pauses(conn, user_id, today)
            # The day of coming back is covered too: a member who resumes in the evening, or
            # does not manage to move that day, must not lose the streak the pause protected.
            await store.add_pause(conn, user_id, today, today, WELCOME_BACK)
        return await self.with_notice(
            user_id,
            Reply(body=texts.RESUMED, tone=Tone.SUCCESS),
        )

    # -- status ----------------------------------------------------------------------------
    async def status_data(self, user_id: int) -> tuple[Member, History, date]:
        member = await self.require_member(user_id)
        history = await store.load_history(self.app.db, user_id)
        return member, history, self.today(member)

    async def status(self, user_id: int, *, image: bool = True) -> Reply:
        member, history, today = await self.status_data(user_id)
        limit = await self.rest_limit(member.guild_id)
        reply = build_status(history, today, limit, member.join_day)
        if image:
            reply.image_path = await asyncio.to_thread(
                render_png,
                history,
                today,
                history.paused(today + timedelta(days=2)),
                member.join_day,
            )
        return await self.with_notice(user_id, reply)
