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
from bot.i18n import N_, _, current_language, ngettext, number, public
from bot.replies import Reply, Tone
from bot.streaks import rules, store, texts, zones
from bot.streaks.chart import render_png
from bot.streaks.status import build_status
from bot.streaks.store import History, Member, remember_language

if TYPE_CHECKING:
    from bot.app import App

NOT_JOINED = N_(
    "You haven't joined streaks yet. It is opt-in: start with /streak join and your time zone."
)
REST_LIMIT_KEY = "streak_rest_days_per_week"
#: Pause reason of the one-day cover on the day a member resumes (not an active pause).
WELCOME_BACK = "welcome_back"
CHANNEL_KEY = "checkin_channel"


def rest_left_footer(left: int, limit: int) -> str:
    return _("Rest days left this week: {left} of {limit}.").format(
        left=number(left), limit=number(limit)
    )


class NotJoinedError(UserError):
    """Not tracking streaks: never joined, or left (whose history is kept, so say so)."""

    def __init__(self, member: Member | None = None) -> None:
        super().__init__(_(texts.LEFT_NOT_TRACKING if member is not None else NOT_JOINED))


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
            reply.add_field(_("Please note"), _(notice))
        return reply

    @staticmethod
    def ensure_after_join(member: Member, day: date, yesterday: bool = False) -> None:
        """Nothing is recorded for a local day before the member joined (no head start)."""
        if day < member.join_day:
            sentence = (
                N_(
                    "You joined streaks on {joined}, so yesterday is before your streak began "
                    "and can't be recorded. Your streak counts from the day you joined: check "
                    "in or rest today instead."
                )
                if yesterday
                else N_(
                    "You joined streaks on {joined}, so today is before your streak began and "
                    "can't be recorded. Your streak counts from the day you joined: check in or "
                    "rest today instead."
                )
            )
            raise UserError(_(sentence).format(joined=texts.format_day(member.join_day)))

    # -- join ------------------------------------------------------------------------------
    def join_preview(self, zone: str, reminder: str | None) -> tuple[str, str | None, Reply]:
        """Validate first (nothing stored), then explain what joining stores. Returns the zone,
        the reminder as stored (or None) and the preview."""
        zone_name = zones.validate_zone(zone)
        at = rules.ReminderTime.parse(reminder) if reminder else None
        chosen = (
            _("You chose time zone {zone} and a daily reminder {when} ({zone}).").format(
                zone=zone_name, when=at.describe()
            )
            if at
            else _("You chose time zone {zone} and no reminders.").format(zone=zone_name)
        )
        reply = Reply(title=_("Join streaks?"), body=f"{_(texts.JOIN_EXPLANATION)}\n{chosen}")
        return zone_name, at.stored() if at else None, reply

    async def join(
        self, user_id: int, guild_id: int, zone: str, reminder: str | None, *, public: bool = False
    ) -> Reply:
        zone_name, stored, _preview = self.join_preview(zone, reminder)
        now = self.app.clock()
        async with self.app.db.write() as conn:
            existing = await store.load_member(conn, user_id)
            if existing is not None and existing.active:
                raise UserError(
                    _(
                        "You have already joined. Change your zone or reminder with "
                        "/streak settings."
                    )
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
            await store.update_member(
                conn, user_id, language=store.language_code(current_language())
            )
        sentences = [_("You're in!")]
        if existing:
            sentences.append(_("Welcome back: your history is still here."))
        if stored:
            sentences.append(
                _("I'll remind you {when} on days you haven't checked in.").format(
                    when=rules.ReminderTime.from_stored(stored).describe()
                )
            )
        sentences.append(_("Check in with /checkin whenever you move; a few minutes counts."))
        return Reply(body=" ".join(sentences), tone=Tone.SUCCESS)

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
            await remember_language(conn, member)
            today = self.today(member)
            self.ensure_after_join(member, today)
            history = await store.load_history(conn, user_id)
            before = rules.current_streak(today, history.counted, history.paused(today))
            first_today = history.day(today).checkins == 0
            if button and not first_today:
                reply = Reply(
                    body=_("You already checked in today, and it counts. Nothing more to do."),
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
                body = _(texts.FRESH_START).format(
                    best=number(summary.best), total=number(summary.active_days)
                )
            else:
                body = (
                    _("Checked in for today.")
                    + " "
                    + texts.streak_line(summary.current, summary.best)
                )
        else:
            body = ngettext(
                "Added to today's check-in: {minutes} minute today in total.",
                "Added to today's check-in: {minutes} minutes today in total.",
                row.minutes,
            ).format(minutes=number(row.minutes))
        if resumed:
            body = _("Welcome back: your pause has ended.") + " " + body
        reply = Reply(body=body, tone=Tone.SUCCESS)
        if note_shortened:
            reply.add_field(
                _(texts.SHORTENED_FIELD),
                _(texts.NOTE_SHORTENED).format(limit=number(rules.MAX_NOTE_CHARS)),
            )
        left = rules.rest_days_left(history.rest_days, today, limit)
        reply.footer = rest_left_footer(left, limit)
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
        reply.add_field(_("Milestone"), _(texts.PRIVATE_MILESTONE).format(days=number(reached)))
        if not member.public:
            return None
        channel_id = await self.app.config.get(member.guild_id, CHANNEL_KEY)
        if channel_id is None:
            return None
        with public():  # posted in the check-in channel: in the server's language
            text = _(texts.MILESTONE).format(mention=f"<@{member.user_id}>", days=number(reached))
        return Announcement(int(channel_id), Reply(body=text, private=False))

    # -- rest days -------------------------------------------------------------------------
    async def rest(
        self, user_id: int, reason: str | None = None, *, yesterday: bool = False
    ) -> Outcome:
        reason_shortened = reason is not None and len(reason.strip()) > rules.MAX_REASON_CHARS
        reason_text = (reason or "").strip().lower()[: rules.MAX_REASON_CHARS] or rules.NO_REASON
        async with self.app.db.write() as conn:
            member = await store.load_member(conn, user_id)
            if member is None or not member.active:
                raise NotJoinedError(member)
            await remember_language(conn, member)
            today = self.today(member)
            day = today - timedelta(days=1) if yesterday else today
            self.ensure_after_join(member, day, yesterday)
            history = await store.load_history(conn, user_id)
            paused = history.paused(today)
            row = history.day(day)
            limit = await self.rest_limit(member.guild_id)
            if row.checkins:
                raise UserError(
                    _("You already checked in yesterday, so no rest day is needed.")
                    if yesterday
                    else _("You already checked in today, so no rest day is needed.")
                )
            if row.rest_reason is not None:
                body = (
                    _("Yesterday is already a rest day. Rest well.")
                    if yesterday
                    else _("Today is already a rest day. Rest well.")
                )
                return Outcome(Reply(body=body))
            if day in paused:
                raise UserError(
                    _("You are paused yesterday, so no rest day is needed.")
                    if yesterday
                    else _("You are paused today, so no rest day is needed.")
                )
            if not rules.rest_allowed(history.rest_days, day, limit):
                raise UserError(
                    ngettext(
                        "You have used your {limit} rest day for this 7-day stretch. If you need "
                        "a longer break, /streak pause keeps your streak safe for up to 8 weeks.",
                        "You have used your {limit} rest days for this 7-day stretch. If you need "
                        "a longer break, /streak pause keeps your streak safe for up to 8 weeks.",
                        limit,
                    ).format(limit=number(limit))
                )
            before = rules.current_streak(today, history.counted, paused)
            await store.set_rest(conn, user_id, day, reason_text)
            history = await store.load_history(conn, user_id)
        summary = rules.summarise(today, history.counted, paused)
        left = rules.rest_days_left(history.rest_days, today, limit)
        noted = (
            _("Rest day noted for yesterday ({reason}). Resting is part of it.")
            if yesterday
            else _("Rest day noted for today ({reason}). Resting is part of it.")
        )
        reply = Reply(
            body=noted.format(reason=rules.reason_label(reason_text))
            + " "
            + texts.streak_line(summary.current, summary.best),
            tone=Tone.SUCCESS,
            footer=rest_left_footer(left, limit),
        )
        if reason_shortened:
            reply.add_field(
                _(texts.SHORTENED_FIELD),
                _(texts.REASON_SHORTENED).format(limit=number(rules.MAX_REASON_CHARS)),
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
            await remember_language(conn, member)
            today = self.today(member)
            end = today + timedelta(weeks=weeks) - timedelta(days=1)
            # A new pause replaces a running one (which then covered up to yesterday), so
            # pausing twice never stacks.
            await store.end_pauses(conn, user_id, today)
            await store.add_pause(conn, user_id, today, end, "pause")
        return await self.with_notice(
            user_id,
            Reply(
                body=_(
                    "Your streak is paused until {day}, and reminders stop until then. Take care "
                    "of yourself. Use /streak resume when you are ready."
                ).format(day=texts.format_day(end)),
                tone=Tone.SUCCESS,
            ),
        )

    async def resume(self, user_id: int) -> Reply:
        async with self.app.db.write() as conn:
            member = await store.load_member(conn, user_id)
            if member is None or not member.active:
                raise NotJoinedError(member)
            await remember_language(conn, member)
            today = self.today(member)
            history = await store.load_history(conn, user_id)
            if history.active_pause(today) is None:
                raise UserError(_("You are not paused. Your streak is running as usual."))
            await store.end_pauses(conn, user_id, today)
            # The day of coming back is covered too: a member who resumes in the evening, or
            # does not manage to move that day, must not lose the streak the pause protected.
            await store.add_pause(conn, user_id, today, today, WELCOME_BACK)
        return await self.with_notice(
            user_id,
            Reply(body=_(texts.RESUMED), tone=Tone.SUCCESS),
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
