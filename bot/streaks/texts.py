"""Every sentence streaks says. Kind, short, never shaming; varied where it repeats daily."""

from __future__ import annotations

import hashlib
from datetime import date

from bot.i18n import N_, _, ngettext, number
from bot.i18n import format_day as format_date

JOIN_EXPLANATION = N_(
    "Streaks are opt-in. I store your time zone, your optional reminder time (and our DM "
    "channel, to send it), and your check-ins (date, minutes, activity, note) and rest days, "
    "only to show your streak.\n"
    "You can see everything with /mydata export, and leave or erase it any time."
)

REMINDERS = (
    N_("A gentle nudge: a few minutes of movement counts, even stretching in your chair."),
    N_("Hello! If today allows, a little movement is enough. If not, a rest day is fine too."),
    N_("Just a friendly reminder: five minutes is a real check-in."),
    N_("How is today going? Any movement counts, and so does resting when you need to."),
    N_("Your daily reminder: do what today allows. Tap a button below when you are ready."),
    N_("Thinking of you. A short walk, some stretches, or a rest day: all of them keep you going."),
)

FRESH_START = N_(
    "A fresh start: day 1. Your best streak ({best} days) and all {total} active days are "
    "still yours; every day you moved still counts."
)

DMS_CLOSED_NOTICE = N_(
    "I could not send your daily reminder because your direct messages are closed, so I "
    "turned reminders off. To get them again, allow direct messages from this server and "
    "set a time with /streak settings."
)

RESUMED = N_(
    "Welcome back! Today is covered, so your streak is safe whether or not you move. "
    "It runs as usual from tomorrow."
)
LEFT = N_(
    "Tracking stopped and reminders are off. Your history is kept in case you come back; "
    "you can delete it now, or any time with /mydata delete."
)
LEFT_AND_DELETED = N_("Tracking stopped and your streak history is deleted.")
LEFT_NOT_TRACKING = N_(
    "You are not tracking streaks at the moment, and your history is kept. Use /streak join "
    "to start again whenever you like."
)

BOARD_LINE = N_("{mention}: active on {days} of the last 7 days")
BOARD_QUIET = N_("No check-ins in the last 7 days. Any movement counts, whenever you are ready.")
BOARD_MORE = N_("...and {count} more.")

SHORTENED_FIELD = N_("Shortened")
NOTE_SHORTENED = N_("Your note was longer than {limit} characters, so I kept the first {limit}.")
REASON_SHORTENED = N_(
    "Your reason was longer than {limit} characters, so I kept the first {limit}."
)

MILESTONE = N_("{mention} has moved on {days} days in a row. Well done!")
PRIVATE_MILESTONE = N_("That is {days} days in a row. Well done!")


def pick(options: tuple[str, ...], *keys: object) -> str:
    """A stable choice per key (same member and day, same sentence), varied across days."""
    digest = hashlib.sha256("|".join(map(str, keys)).encode()).digest()
    return options[digest[0] % len(options)]


def reminder_text(user_id: int, day: date) -> str:
    """Today's reminder, in the current language (the same choice in every language)."""
    return _(pick(REMINDERS, user_id, day.isoformat()))


def days_word(count: int) -> str:
    return ngettext("{count} day", "{count} days", count).format(count=number(count))


def rest_days_word(count: int) -> str:
    return ngettext("{count} rest day", "{count} rest days", count).format(count=number(count))


def streak_line(current: int, best: int) -> str:
    if current:
        return _("Current streak: {current}. Best: {best}.").format(
            current=days_word(current), best=days_word(best)
        )
    if best:
        return _("A new streak starts with your next check-in. Your best so far: {best}.").format(
            best=days_word(best)
        )
    return _("Your streak starts with your first check-in. Any movement counts.")


#: CLDR date patterns, translatable so each language orders day and month its own way.
#: TRANSLATORS: a date pattern (https://unicode.org/reports/tr35/tr35-dates.html): EEE is the
#: short weekday, d the day, MMM the short month. "Mon 7 Sep" in English.
DAY_PATTERN = N_("EEE d MMM")
#: TRANSLATORS: a date pattern: d the day, MMM the short month. "7 Sep" in English.
SHORT_DAY_PATTERN = N_("d MMM")


def format_day(day: date) -> str:
    return format_date(day, _(DAY_PATTERN))


def short_day(day: date) -> str:
    return format_date(day, _(SHORT_DAY_PATTERN))


# -- /streak status ----------------------------------------------------------------------------
STATUS_TITLE = N_("Your streak")
REST_LEFT_FIELD = N_("Rest days left")
REST_LEFT = N_("{left} of {limit} in the last 7 days")
ALL_TIME_FIELD = N_("All time")
PAUSED_FIELD = N_("Paused")
PAUSED_UNTIL = N_("Until {day}. Your streak is safe. Use /streak resume when you are ready.")
YESTERDAY_OPEN_FIELD = N_("Yesterday is still open")
YESTERDAY_OPEN = N_("If you rested yesterday, /streak rest day:yesterday keeps your streak going.")
WEEKS_FIELD = N_("Last 8 weeks")
SINCE_JOINING_FIELD = N_("Since you joined")
WEEK_LINE = N_("Week of {week}: {summary}")
THIS_WEEK_LINE = N_("This week so far: {summary}")
THIS_WEEK_OPEN = N_("This week: still open")
QUIET_WEEK = N_("Week of {week}: a quiet week")
QUIET_WEEKS = N_("Weeks of {first} to {last}: quiet weeks")
WEEK_MOVED = N_("moved on {days}")
WEEK_PAUSED = N_("paused {days}")
WEEK_MINUTES = N_("{minutes} min")
IMAGE_ALT = N_(
    "Calendar of your last 8 weeks, one row per week, today framed: you moved on {moved}. "
    "Today is {today}. The same weeks are listed in the text."
)
