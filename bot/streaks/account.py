"""A member's streak settings, leaving, and the privacy section (export / erase)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.errors import UserError
from bot.i18n import N_, _, join_list
from bot.privacy import PrivacySection
from bot.replies import Reply, Tone
from bot.streaks import rules, store, texts, zones
from bot.streaks.store import remember_language

if TYPE_CHECKING:
    from bot.streaks.service import StreakService

SETTING_NAMES = ("public", "reminder", "dayend", "zone")
_OFF = {"off", "none", "no", "stop"}


class AccountService:
    def __init__(self, streaks: StreakService) -> None:
        self.streaks = streaks
        self.db = streaks.app.db

    def show(self, member: store.Member) -> Reply:
        reminder = (
            rules.ReminderTime.from_stored(member.reminder_time).describe()
            if member.reminder_time
            else _("off")
        )
        reply = Reply(title=_("Your streak settings"))
        reply.add_field(_("Time zone"), member.zone)
        reply.add_field(_("Daily reminder"), reminder)
        reply.add_field(_("Day ends at"), f"{member.day_end_hour}:00")
        reply.add_field(_("Public (board and milestones)"), _("on") if member.public else _("off"))
        reply.footer = _("Change one with /streak settings, e.g. reminder 19:30 or public on.")
        return reply

    async def update(
        self,
        user_id: int,
        *,
        public: bool | None = None,
        reminder: str | None = None,
        day_end_hour: int | None = None,
        zone: str | None = None,
    ) -> Reply:
        """Validate everything first, then change it all in one transaction (all or nothing)."""
        changes: dict[str, Any] = {}
        said: list[str] = []
        zone_name = zones.validate_zone(zone) if zone is not None else None
        if day_end_hour is not None:
            rules.validate_day_end_hour(day_end_hour)
        chosen: rules.ReminderTime | None = None
        if reminder is not None and reminder.strip().lower() not in _OFF:
            chosen = rules.ReminderTime.parse(reminder)
        now = self.streaks.app.clock()
        async with self.db.write() as conn:
            member = await store.load_member(conn, user_id)
            if member is None or not member.active:
                from bot.streaks.service import NotJoinedError

                raise NotJoinedError(member)
            await remember_language(conn, member)
            if public is not None:
                changes["public"] = int(public)
                said.append(_("public: on") if public else _("public: off"))
            if day_end_hour is not None:
                changes["day_end_hour"] = day_end_hour
                said.append(_("your day ends at {hour}:00").format(hour=day_end_hour))
            if zone_name is not None and zone_name != member.zone:
                old_today = rules.local_day(now, member.zone, day_end_hour or member.day_end_hour)
                new_today = rules.local_day(now, zone_name, day_end_hour or member.day_end_hour)
                # Travelling east can skip a whole local day; it is paused, never "missed".
                if new_today - old_today > timedelta(days=1):
                    await store.add_pause(
                        conn,
                        user_id,
                        old_today + timedelta(days=1),
                        new_today - timedelta(days=1),
                        "travel",
                    )
                changes["zone"] = zone_name
                said.append(_("time zone {zone}").format(zone=zone_name))
            if reminder is not None:
                changes["reminder_time"] = chosen.stored() if chosen else None
                said.append(
                    _("reminder {when}").format(when=chosen.describe())
                    if chosen
                    else _("reminders off")
                )
                if chosen is None:
                    changes["dm_channel_id"] = None  # no reminders, no need to keep it
            new_reminder = changes.get("reminder_time", member.reminder_time)
            new_zone = changes.get("zone", member.zone)
            new_day_end = changes.get("day_end_hour", member.day_end_hour)
            if changes.keys() & {"reminder_time", "zone", "day_end_hour"}:
                changes["next_reminder_at"] = (
                    rules.to_epoch(
                        rules.next_reminder(now, new_reminder, new_zone, user_id, new_day_end)
                    )
                    if new_reminder
                    else None
                )
            if not changes:
                return self.show(member)
            await store.update_member(conn, user_id, **changes)
        return await self.streaks.with_notice(
            user_id,
            Reply(body=_("Saved: {changes}.").format(changes=join_list(said)), tone=Tone.SUCCESS),
        )

    async def snooze_reminders(self, user_id: int, days: int = 7) -> Reply:
        """'Pause reminders for a week': the next reminder moves to a week from today."""
        now = self.streaks.app.clock()
        async with self.db.write() as conn:
            member = await store.load_member(conn, user_id)
            if member is None or not member.active:
                from bot.streaks.service import NotJoinedError

                raise NotJoinedError(member)
            await remember_language(conn, member)
            if member.reminder_time is None:
                raise UserError(_("Your reminders are already off."))
            local_today = now.astimezone(zones.zone(member.zone)).date()
            resume_on = local_today + timedelta(days=days)
            next_at = rules.next_reminder(
                now,
                member.reminder_time,
                member.zone,
                user_id,
                member.day_end_hour,
                not_before=resume_on,
            )
            await store.update_member(conn, user_id, next_reminder_at=rules.to_epoch(next_at))
        return Reply(
            body=_("No reminders until {day}. Your streak is not affected.").format(
                day=texts.format_day(resume_on)
            ),
            tone=Tone.SUCCESS,
        )

    async def leave(self, user_id: int, *, delete: bool = False) -> Reply:
        async with self.db.write() as conn:
            member = await store.load_member(conn, user_id)
            if member is None or (not member.active and not delete):
                raise UserError(_("You are not tracking streaks, so there is nothing to stop."))
            if delete:
                await store.erase_member(conn, user_id)
            else:
                await store.update_member(
                    conn,
                    user_id,
                    active=0,
                    reminder_time=None,
                    next_reminder_at=None,
                    dm_channel_id=None,
                    public=0,
                )
        if delete:
            return Reply(body=_(texts.LEFT_AND_DELETED), tone=Tone.SUCCESS)
        return Reply(body=_(texts.LEFT), tone=Tone.SUCCESS)

    # -- privacy ---------------------------------------------------------------------------
    async def export(self, user_id: int) -> dict[str, Any]:
        return await store.export_member(self.db, user_id)

    async def erase(self, user_id: int) -> int:
        async with self.db.write() as conn:
            return await store.erase_member(conn, user_id)

    def privacy_section(self) -> PrivacySection:
        return PrivacySection(
            name="streaks",
            description="Streak settings, check-ins, rest days, pauses, reminder time and the "
            "reminder DM channel",
            export=self.export,
            erase=self.erase,
            label=N_("your streak history"),
        )
