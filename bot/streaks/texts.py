"""Every sentence streaks says. Kind, short, never shaming; varied where it repeats daily."""

from __future__ import annotations

import hashlib
from datetime import date

JOIN_EXPLANATION = (
    "Streaks are opt-in. I store your time zone, your optional reminder time (and our DM "
    "channel, to send it), and your check-ins (date, minutes, activity, note) and rest days, "
    "only to show your streak.\n"
    "You can see everything with /mydata export, and leave or erase it any time."
)

REMINDERS = (
    "A gentle nudge: a few minutes of movement counts, even stretching in your chair.",
    "Hello! If today allows, a little movement is enough. If not, a rest day is fine too.",
    "Just a friendly reminder: five minutes is a real check-in.",
    "How is today going? Any movement counts, and so does resting when you need to.",
    "Your daily reminder: do what today allows. Tap a button below when you are ready.",
    "Thinking of you. A short walk, some stretches, or a rest day: all of them keep you going.",
)

FRESH_START = (
    "A fresh start: day 1. Your best streak ({best} days) and all {total} active days are "
    "still yours; every day you moved still counts."
)

DMS_CLOSED_NOTICE = (
    "I could not send your daily reminder because your direct messages are closed, so I "
    "turned reminders off. To get them again, allow direct messages from this server and "
    "set a time with /streak settings."
)

RESUMED = (
    "Welcome back! Today is covered, so your streak is safe whether or not you move. "
    "It runs as usual from tomorrow."
)
LEFT = (
    "Tracking stopped and reminders are off. Your history is kept in case you come back; "
    "you can delete it now, or any time with /mydata delete."
)
LEFT_AND_DELETED = "Tracking stopped and your streak history is deleted."
LEFT_NOT_TRACKING = (
    "You are not tracking streaks at the moment, and your history is kept. Use /streak join "
    "to start again whenever you like."
)

BOARD_LINE = "{mention}: active on {days} of the last 7 days"
BOARD_QUIET = "No check-ins in the last 7 days. Any movement counts, whenever you are ready."
BOARD_MORE = "...and {count} more."

SHORTENED_FIELD = "Shortened"
NOTE_SHORTENED = "Your note was longer than {limit} characters, so I kept the first {limit}."
REASON_SHORTENED = "Your reason was longer than {limit} characters, so I kept the first {limit}."

MILESTONE = "{mention} has moved on {days} days in a row. Well done!"
PRIVATE_MILESTONE = "That is {days} days in a row. Well done!"


def pick(options: tuple[str, ...], *keys: object) -> str:
    """A stable choice per key (same member and day, same sentence), varied across days."""
    digest = hashlib.sha256("|".join(map(str, keys)).encode()).digest()
    return options[digest[0] % len(options)]


def reminder_text(user_id: int, day: date) -> str:
    return pick(REMINDERS, user_id, day.isoformat())


def days_word(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def rest_days_word(count: int) -> str:
    return "1 rest day" if count == 1 else f"{count} rest days"


def streak_line(current: int, best: int) -> str:
    if current:
        return f"Current streak: {days_word(current)}. Best: {days_word(best)}."
    if best:
        return f"A new streak starts with your next check-in. Your best so far: {days_word(best)}."
    return "Your streak starts with your first check-in. Any movement counts."


def format_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def short_day(day: date) -> str:
    return f"{day.day} {day:%b}"


# -- /streak status ----------------------------------------------------------------------------
STATUS_TITLE = "Your streak"
REST_LEFT_FIELD = "Rest days left"
REST_LEFT = "{left} of {limit} in the last 7 days"
ALL_TIME_FIELD = "All time"
ALL_TIME = "{days} active, {minutes} minutes"
PAUSED_FIELD = "Paused"
PAUSED_UNTIL = "Until {day}. Your streak is safe. Use /streak resume when you are ready."
YESTERDAY_OPEN_FIELD = "Yesterday is still open"
YESTERDAY_OPEN = "If you rested yesterday, /streak rest day:yesterday keeps your streak going."
WEEKS_FIELD = "Last 8 weeks"
SINCE_JOINING_FIELD = "Since you joined"
WEEK_LINE = "Week of {week}: {summary}"
THIS_WEEK_LINE = "This week so far: {summary}"
THIS_WEEK_OPEN = "This week: still open"
QUIET_WEEK = "Week of {week}: a quiet week"
QUIET_WEEKS = "Weeks of {first} to {last}: quiet weeks"
WEEK_MOVED = "moved on {days}"
WEEK_PAUSED = "paused {days}"
WEEK_MINUTES = "{minutes} min"
IMAGE_ALT = (
    "Calendar of your last 8 weeks, one row per week, today framed: you moved on {moved}. "
    "Today is {today}. The same weeks are listed in the text."
)
