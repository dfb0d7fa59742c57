"""The /help texts: a short overview that fits one phone screen, and one page per feature.

The overview names each feature in one line; a button per feature (``cogs/meta.py``) opens that
feature's commands, so nobody has to scroll past 40 commands to find the one they need.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import N_, _
from bot.replies import Reply

#: A phone shows about this much without scrolling (tested on the overview).
PHONE_LINES = 20
PHONE_LINE_CHARS = 60

HELP_TITLE = N_("What I can do")
HELP_INTRO = N_("Choose a feature below to see its commands.")
HELP_START = N_("New here? Try /article search or /streak join.")
HELP_NOT_ADVICE = N_("Articles are information, never medical advice.")
HELP_FEATURE_FOOTER = N_("Start typing / and a command's name to use it.")
HELP_UNKNOWN_FEATURE = N_("That feature is not available any more. Use /help to see what is.")
CONTEXT_MENU_USAGE = N_("Message menu: {name}")
CONTEXT_MENU_HINT = N_("Long-press a message (or right-click it), then Apps")
GENERAL_TITLE = N_("General")
#: One line per feature in the overview, in this order, keyed by feature name (``bot/<name>/``).
#: A feature without an entry falls back to its command group's description.
FEATURE_SUMMARIES = {
    "articles": N_("read, search and rate articles about MS"),
    "streaks": N_("track the days you move, rest or pause"),
    "privacy": N_("see everything I hold about you, or erase it"),
    "moderation": N_("report a message; tools for moderators"),
    "guild_config": N_("options for server admins"),
    "meta": N_("this help"),
}


@dataclass
class HelpGroup:
    """One feature's commands; every text in it is already in the reader's language."""

    title: str
    entries: list[tuple[str, str]] = field(default_factory=list)  # (usage, description)
    #: The feature's name (``bot/<name>/``): the key of its help button.
    feature: str = ""
    summary: str = ""


def overview_line(group: HelpGroup) -> str:
    if not group.summary:
        return group.title
    return _("{feature}: {summary}").format(feature=group.title, summary=group.summary)


def help_overview(groups: list[HelpGroup]) -> Reply:
    """What /help shows first: one line per feature, at most a phone screen."""
    lines = [_(HELP_INTRO), _(HELP_START), "", *(overview_line(g) for g in groups if g.entries)]
    return Reply(title=_(HELP_TITLE), body="\n".join(lines), footer=_(HELP_NOT_ADVICE))


def help_feature(group: HelpGroup) -> Reply:
    """One feature's commands, one field each (a phone wraps them as name, then description)."""
    summary = group.summary[:1].upper() + group.summary[1:]
    reply = Reply(title=group.title, body=summary, footer=_(HELP_FEATURE_FOOTER))
    for usage, description in sorted(group.entries):
        reply.add_field(usage, description)
    return reply
