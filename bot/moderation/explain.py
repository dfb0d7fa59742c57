"""The detector's reasons in the moderator's language.

The detector writes its reasons in English (``Reason.label``), and flags store them so: the
phrase matching and the stored record do not depend on anyone's language. What a moderator
reads is translated here, when a card or a test result is shown: a known label by the catalog,
its suffixes ("(quoted)", "(in the embed title)") and the labels that carry a value
("look-alike of discord's site") by pattern. A label nobody listed stays in English;
``tests/bot/moderation/test_explain.py`` runs the detector and fails on such a label.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.i18n import N_, _, number

#: Every fixed reason label of the detector (``bot/moderation/signals``, ``detector``,
#: ``learning``, ``learning_service``).
LABELS = (
    N_("asks readers to get in touch privately"),
    N_("phone number"),
    N_("premium-rate phone number"),
    N_("e-mail address"),
    N_("e-mail address written to dodge filters"),
    N_("crypto, airdrop or recovery pitch"),
    N_("crypto wallet address"),
    N_("claims to cure or reverse a disease"),
    N_("Discord or Steam gift, staff or account lure"),
    N_("herbal or natural remedy sales"),
    N_("invite to another Discord server"),
    N_("domain this server always flags"),
    N_("link written to dodge filters"),
    N_("private-chat link"),
    N_("shortened link"),
    N_("link outside the allow list"),
    N_("mentions many members"),
    N_("mentions @everyone or @here"),
    N_("account less than a day old, posting links or contacts"),
    N_("new account posting links or contacts"),
    N_("link in one of a new member's first messages"),
    N_("sells medicine without a prescription"),
    N_("promotion or prize spam wording"),
    N_("testimonial about a relative's cure"),
    N_("romance, adult or sugar-daddy spam"),
    N_("testimonial about a healer"),
    N_("testimonial together with contact details"),
    N_("reads as a warning about a scam, or a question about one"),
    N_("wording common in spam"),
    N_("wording common in genuine chat"),
    N_("this server's moderators flagged similar messages"),
    N_("this server's moderators cleared similar messages"),
    N_("member report"),
)

#: Where in a message a reason was found (``cogs/_moderation_parts.py``), as "(in the ...)".
PARTS = {
    "embed title": N_("{reason} (in the embed title)"),
    "embed description": N_("{reason} (in the embed description)"),
    "attachment name": N_("{reason} (in the attachment name)"),
    "forum post title": N_("{reason} (in the forum post title)"),
    "poll": N_("{reason} (in the poll)"),
}
QUOTED = N_("{reason} (quoted)")

#: Labels with a value in them: (pattern of the English label, its translatable sentence).
_WITH_VALUES: tuple[tuple[re.Pattern[str], str, Callable[[re.Match[str]], dict[str, str]]], ...] = (
    (
        re.compile(r"look-alike of (?P<brand>.+)'s site"),
        N_("look-alike of {brand}'s site"),
        lambda m: {"brand": m["brand"]},
    ),
    (
        re.compile(r"link text shows (?P<shown>.+) but opens (?P<target>.+)"),
        N_("link text shows {shown} but opens {target}"),
        lambda m: {"shown": m["shown"], "target": m["target"]},
    ),
    (
        re.compile(
            r"same text posted in (?P<channels>\d+) channels within (?P<minutes>[\d.]+) minutes"
        ),
        N_("same text posted in {channels} channels within {minutes} minutes"),
        lambda m: {"channels": number(int(m["channels"])), "minutes": m["minutes"]},
    ),
    (
        re.compile(r"blocked by Discord AutoMod \((?P<rule>.*)\)"),
        N_("blocked by Discord AutoMod ({rule})"),
        lambda m: {"rule": m["rule"]},
    ),
)
_PART = re.compile(r"^(?P<reason>.+) \(in the (?P<where>[a-z ]+)\)$")
_QUOTED_SUFFIX = " (quoted)"


def reason_label(label: str) -> str:
    """A stored reason label as the current language says it."""
    part = _PART.match(label)
    if part and part["where"] in PARTS:
        template = PARTS[part["where"]]
        return _(template).format(reason=reason_label(part["reason"]))
    if label.endswith(_QUOTED_SUFFIX):
        return _(QUOTED).format(reason=reason_label(label.removesuffix(_QUOTED_SUFFIX)))
    if label in LABELS:
        return _(label)
    for pattern, sentence, values in _WITH_VALUES:
        match = pattern.fullmatch(label)
        if match:
            return _(sentence).format(**values(match))
    return label


def is_known(label: str) -> bool:
    """Does :func:`reason_label` translate ``label`` (and not fall back to English)?"""
    part = _PART.match(label)
    if part and part["where"] in PARTS:
        return is_known(part["reason"])
    if label.endswith(_QUOTED_SUFFIX):
        return is_known(label.removesuffix(_QUOTED_SUFFIX))
    return label in LABELS or any(p.fullmatch(label) for p, _s, _v in _WITH_VALUES)


#: What a decision stored about how it went (``moderation_flags.close_detail``), in English.
DETAILS = (
    N_("the channel is gone"),
    N_("the message was already gone"),
    N_("reposted by the bot"),
    N_("reopened after an edit"),
)
#: Timeout lengths as the moderator picks them (keys of ``service.TIMEOUTS``).
DURATIONS = (N_("10 minutes"), N_("1 hour"), N_("1 day"), N_("1 week"))
FOR_DURATION = N_("for {duration}")
_FOR = re.compile(r"for (?P<duration>.+)")


def duration_label(duration: str) -> str:
    return _(duration) if duration in DURATIONS else duration


def close_detail_text(detail: str) -> str:
    if detail in DETAILS:
        return _(detail)
    match = _FOR.fullmatch(detail)
    if match:
        return _(FOR_DURATION).format(duration=duration_label(match["duration"]))
    return detail


def verdict_line(weight: float, label: str, matched: str) -> str:
    """One reason of a test scan: ``+2 phone number ("+2348...")``."""
    shown = f' ("{matched[:80]}")' if matched else ""
    return f"{weight:+g} {reason_label(label)}{shown}"
