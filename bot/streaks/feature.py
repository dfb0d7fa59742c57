"""Streaks: registration (config keys, privacy section, console commands)."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.app import App, Feature
from bot.console.registry import ConsoleArgs, ConsoleContext
from bot.errors import UserError
from bot.guild_config import ConfigKey, ConfigKind
from bot.replies import Reply
from bot.settings import Settings
from bot.streaks import rules
from bot.streaks.account import AccountService
from bot.streaks.community import PIN_TEXT, CommunityService
from bot.streaks.reminders import ReminderService
from bot.streaks.service import REST_LIMIT_KEY, StreakService

NAME = "streaks"
_YES = {"yes", "confirm", "y"}
_BOOL = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


@dataclass
class Streaks:
    """Everything streaks offers, on ``app.services["streaks"]``."""

    core: StreakService
    account: AccountService
    reminders: ReminderService
    community: CommunityService


def streaks_of(app: App) -> Streaks:
    return app.services[NAME]  # type: ignore[no-any-return]


def parse_int(raw: str, what: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise UserError(f"{what} needs a whole number, not `{raw[:20]}`.") from None


def parse_bool(raw: str, what: str) -> bool:
    try:
        return _BOOL[raw.strip().lower()]
    except KeyError:
        raise UserError(f"{what} is on or off.") from None


def register(app: App) -> None:
    core = StreakService(app)
    account = AccountService(core)
    service = Streaks(core, account, ReminderService(app), CommunityService(app))
    app.services[NAME] = service
    app.config.declare(
        ConfigKey(
            REST_LIMIT_KEY,
            ConfigKind.INT,
            2,
            "Rest days per rolling 7 days that keep a streak alive",
            NAME,
            minimum=0,
            maximum=7,
        )
    )
    app.config.declare(
        ConfigKey(
            "checkin_channel",
            ConfigKind.CHANNEL,
            None,
            "Channel for the check-in button, milestones and the weekly summary",
            NAME,
        )
    )
    app.privacy.register(account.privacy_section())
    _register_console(app, service)


def _register_console(app: App, s: Streaks) -> None:
    command = app.console.command

    @command(
        "streak join",
        "Start tracking your streak (opt-in; asks to confirm)",
        feature=NAME,
        usage="<time zone> [HH:MM reminder] [yes]",
        options=("reminder", "zone"),
    )
    async def join(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        words = list(args.positional)
        confirmed = bool(words) and words[-1].lower() in _YES
        if confirmed:
            words.pop()
        zone = args.option("zone") or (words.pop(0) if words else None)
        if zone is None:
            raise UserError(
                "Usage: /streak join <time zone> [HH:MM], e.g. /streak join Europe/Paris 19:30"
            )
        reminder = args.option("reminder") or (words[0] if words else None)
        if not confirmed:
            _, _, preview = s.core.join_preview(zone, reminder)
            again = " ".join(x for x in ("/streak join", zone, reminder, "yes") if x)
            preview.footer = f"To agree, type: {again}"
            return preview
        return await s.core.join(ctx.user_id, ctx.guild_id, zone, reminder)

    @command(
        "checkin",
        "Check in: you moved today (minutes optional)",
        feature=NAME,
        usage="[minutes:N] [activity:walking] [note:text]",
        options=("minutes", "activity", "note"),
    )
    async def checkin(ctx: ConsoleContext, args: ConsoleArgs) -> list[Reply]:
        words = list(args.positional)
        raw_minutes = args.option("minutes")
        if raw_minutes is None and words and words[0].isdigit():
            raw_minutes = words.pop(0)
        minutes = parse_int(raw_minutes, "Minutes") if raw_minutes is not None else None
        activity = args.option("activity") or (" ".join(words) if words else None)
        outcome = await s.core.checkin(ctx.user_id, minutes, activity, args.option("note"))
        return outcome.replies

    @command("streak moved", "The one-tap 'I moved today' button", feature=NAME)
    async def moved(ctx: ConsoleContext, args: ConsoleArgs) -> list[Reply]:
        return (await s.core.checkin(ctx.user_id, button=True)).replies

    @command(
        "streak rest",
        "Declare a rest day (today, or yesterday if you missed it)",
        feature=NAME,
        usage="[reason] [day:yesterday]",
        options=("reason", "day"),
    )
    async def rest(ctx: ConsoleContext, args: ConsoleArgs) -> list[Reply]:
        words = list(args.positional)
        yesterday = (args.option("day") or "").lower() == "yesterday"
        if words and words[-1].lower() == "yesterday":
            yesterday = True
            words.pop()
        reason = args.option("reason") or (" ".join(words) if words else None)
        return (await s.core.rest(ctx.user_id, reason, yesterday=yesterday)).replies

    @command(
        "streak pause",
        "Pause your streak and reminders for 1 to 8 weeks",
        feature=NAME,
        usage="[weeks]",
    )
    async def pause(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        weeks = parse_int(args.positional[0], "Weeks") if args.positional else 1
        return await s.core.pause(ctx.user_id, weeks)

    @command("streak resume", "End your pause", feature=NAME)
    async def resume(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        return await s.core.resume(ctx.user_id)

    @command("streak status", "Your streak, this week and the last 8 weeks", feature=NAME)
    async def status(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        reply = await s.core.status(ctx.user_id)
        if reply.image_path is not None:
            # One file per console member, replaced each time, so the temp folder never fills.
            target = Path(tempfile.gettempdir()) / f"msbot-streak-{ctx.user_id}.png"
            reply.image_path = Path(shutil.move(reply.image_path, target))
        return reply

    @command(
        "streak board", "Active days in the last 7 days of members who chose public", feature=NAME
    )
    async def board(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        return await s.community.board(ctx.guild_id)

    @command(
        "streak settings",
        "Show or change your streak settings",
        feature=NAME,
        usage="[public on|off] [reminder HH:MM|off] [dayend 0-4] [zone Area/City]",
    )
    async def settings(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        words = args.positional
        if not words:
            return s.account.show(await s.core.require_member(ctx.user_id))
        if len(words) % 2:
            raise UserError("Give a setting and its value, e.g. /streak settings reminder 19:30.")
        values: dict[str, str] = {}
        for name, value in zip(words[::2], words[1::2], strict=True):
            if name.lower() not in ("public", "reminder", "dayend", "zone"):
                raise UserError(f"`{name[:20]}` is not a setting: public, reminder, dayend, zone.")
            values[name.lower()] = value
        return await s.account.update(
            ctx.user_id,
            public=parse_bool(values["public"], "public") if "public" in values else None,
            reminder=values.get("reminder"),
            day_end_hour=parse_int(values["dayend"], "dayend") if "dayend" in values else None,
            zone=values.get("zone"),
        )

    @command("streak snooze", "The 'Pause reminders for a week' button", feature=NAME)
    async def snooze(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        return await s.account.snooze_reminders(ctx.user_id)

    @command(
        "streak leave",
        "Stop tracking; add 'delete' to erase your streak history too",
        feature=NAME,
        usage="[delete]",
    )
    async def leave(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        delete = args.positional[:1] == ["delete"]
        return await s.account.leave(ctx.user_id, delete=delete)

    @command("streak pin", "Show the check-in button message (Manage Server)", feature=NAME)
    async def pin(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        channel_id = await s.community.pin_channel(ctx.guild_id)
        return Reply(
            body=PIN_TEXT,
            footer=f"Would be posted in <#{channel_id}> with a button "
            "'I moved today' (here: /streak moved).",
        )

    @command("streak summary", "Preview last week's summary for this server", feature=NAME)
    async def summary(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        monday = await s.community.last_complete_week(ctx.guild_id)
        return await s.community.weekly_summary(ctx.guild_id, monday)

    @command("streak zones", "Find a time zone name", feature=NAME, usage="<part of a name>")
    async def zones(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        found = rules.search_zones(args.text, limit=20)
        return Reply(body="\n".join(found) or "No time zone matches that. Try a city name.")


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(NAME, help="Streak maintenance")
    sub = parser.add_subparsers(dest="streak_command", required=True)
    due = sub.add_parser("due", help="How many reminders are due now")
    due.set_defaults(handler=_cli_due)


async def _cli_due(args: argparse.Namespace, settings: Settings) -> int:
    async with App(settings) as app:
        count = await streaks_of(app).reminders.due_count()
    print(f"{count} reminders are due now.")
    return 0


FEATURE = Feature(name=NAME, title="Exercise streaks", register=register, add_cli=add_cli)
