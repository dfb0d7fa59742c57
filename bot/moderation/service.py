"""The moderation service: the on_message core path, reports, rules, queue and statistics.

Decisions (authority, claims, ``act``) and retention come from ``ReviewMixin`` in ``review.py``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.i18n import N_, _, decimal_g, ngettext, number, percent
from bot.moderation import rules_store, store
from bot.moderation.detector import Detector, Verdict
from bot.moderation.learning import ServerLearning
from bot.moderation.learning_service import LearningMixin
from bot.moderation.normalise import fold
from bot.moderation.render import flag_card, flag_details, verdict_reply
from bot.moderation.review import ReviewMixin
from bot.moderation.rules import GuildRules, load_rules
from bot.moderation.signals.base import MessageFacts
from bot.moderation.store import Flag, FlagInput
from bot.moderation.tracker import RecentTracker
from bot.replies import Reply, Tone

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

TIMEOUTS: dict[str, timedelta] = {
    "10 minutes": timedelta(minutes=10),
    "1 hour": timedelta(hours=1),
    "1 day": timedelta(days=1),
    "1 week": timedelta(weeks=1),
}
#: /modstats looks back at most this many days (the command's range; the core checks it too).
MAX_STATS_DAYS = 365
#: What adding a rule says: (it was there already, it is new), whole sentences per kind.
RULE_ADDED = {
    "trusted_domain": (
        N_("`{value}` was already a trusted domain here."),
        N_("`{value}` is now a trusted domain on this server."),
    ),
    "trusted_phrase": (
        N_("`{value}` was already a trusted phrase here."),
        N_("`{value}` is now a trusted phrase on this server."),
    ),
    "flag_domain": (
        N_("`{value}` was already an always-flagged domain here."),
        N_("`{value}` is now an always-flagged domain on this server."),
    ),
}
#: /config lists that add to the rules learned from buttons, in GuildRules field order.
CONFIG_RULE_KEYS = (
    "moderation_trusted_domains",
    "moderation_trusted_phrases",
    "moderation_flag_domains",
)


@dataclass(frozen=True)
class GuildModSettings:
    threshold: float
    review_channel_id: int | None
    auto_hide: bool
    hide_multiple: float


@dataclass
class ScanOutcome:
    flag: Flag
    verdict: Verdict
    #: True when no card was posted yet for this flag (post one); else edit the existing card.
    new_card: bool
    #: Auto-hide: delete the message now (the text stays on the card).
    hide: bool


class ModerationService(ReviewMixin, LearningMixin):
    def __init__(self, app: App) -> None:
        self.app = app
        self.rules = load_rules(app.settings.moderation_rules_dir)
        self.tracker = RecentTracker()
        self.detector = Detector(self.rules, self.tracker)
        self._guild_rules: dict[int, tuple[tuple[tuple[str, ...], ...], GuildRules]] = {}
        self.learning = ServerLearning(
            app.db,
            Detector(self.rules),
            app.clock,
            lambda guild_id: self._guild_rules.pop(guild_id, None),
        )

    # -- per-guild state (cached: on_message reads it constantly) ------------------------------
    async def guild_settings(self, guild_id: int) -> GuildModSettings:
        values = await self.app.config.all(guild_id)
        return GuildModSettings(
            threshold=float(values["moderation_threshold"]),
            review_channel_id=values["moderation_review_channel"],
            auto_hide=bool(values["moderation_auto_hide"]),
            hide_multiple=float(values["moderation_auto_hide_multiple"]),
        )

    async def guild_rules(self, guild_id: int) -> GuildRules:
        """Rules learned from buttons (table) merged with the ``/config`` lists. Cached."""
        values = await self.app.config.all(guild_id)
        extra = tuple(tuple(values[key]) for key in CONFIG_RULE_KEYS)
        cached = self._guild_rules.get(guild_id)
        if cached is not None and cached[0] == extra:
            return cached[1]
        learned = await rules_store.load_guild_rules(self.app.db, guild_id)
        domains, phrases, flagged = ({fold(v) for v in items} for items in extra)
        rules = GuildRules(
            trusted_domains=learned.trusted_domains | domains,
            trusted_phrases=learned.trusted_phrases | phrases,
            flag_domains=(learned.flag_domains | flagged) - domains,
            learned=await self.learning.adjustment(guild_id),
        )
        self._guild_rules[guild_id] = (extra, rules)
        return rules

    # -- the hot path ------------------------------------------------------------------------
    async def check_message(
        self,
        facts: MessageFacts,
        *,
        author_name: str,
    ) -> ScanOutcome | None:
        """Scan one guild message. Touches the database only when it is flagged."""
        if facts.now is None:
            facts = replace(facts, now=self.app.clock())
        settings = await self.guild_settings(facts.guild_id)
        verdict = self.detector.check(
            facts, await self.guild_rules(facts.guild_id), settings.threshold
        )
        if not verdict.flagged:
            return None
        hide = settings.auto_hide and verdict.score >= settings.threshold * settings.hide_multiple
        item = FlagInput(
            guild_id=facts.guild_id,
            channel_id=facts.channel_id,
            message_id=facts.message_id,
            author_id=facts.author_id,
            author_name=author_name[:100],
            content=facts.stored_text(),
            score=verdict.score,
            reasons=verdict.as_dict()["reasons"],  # type: ignore[arg-type]
            hidden=hide,
            author_joined_at=facts.joined_at,
        )
        flag_id, changed = await store.upsert_detection(self.app.db, item, self.app.clock())
        if not changed:
            return None
        flag = await store.get_flag(self.app.db, flag_id)
        assert flag is not None
        return ScanOutcome(flag, verdict, new_card=flag.card_message_id is None, hide=hide)

    def explain(self, text: str, threshold: float | None = None) -> Reply:
        """Whether and why a text would be flagged (no tracker, nothing stored)."""
        detector = Detector(self.rules)  # stateless: a check must not count as a posted message
        verdict = detector.check(MessageFacts(text=text), threshold=threshold or 3.0)
        return verdict_reply(verdict)

    async def explain_for_guild(self, guild_id: int, text: str) -> Reply:
        settings = await self.guild_settings(guild_id)
        verdict = Detector(self.rules).check(
            MessageFacts(text=text, guild_id=guild_id),
            await self.guild_rules(guild_id),
            settings.threshold,
            explain=True,
        )
        reply = verdict_reply(verdict)
        reply.footer = (await self.learning.adjustment(guild_id)).state.describe()
        return reply

    # -- reports -------------------------------------------------------------------------------
    async def report(
        self,
        *,
        guild_id: int,
        channel_id: int,
        message_id: int,
        author_id: int,
        author_name: str,
        content: str,
        reporter_id: int,
        reason: str = "",
        author_joined_at: datetime | None = None,
    ) -> tuple[Flag, bool, bool]:
        """A member's report. Returns (flag, flag is new, reporter is new)."""
        if reporter_id == author_id:
            raise UserError(_("You can't report your own message. You can delete it instead."))
        settings = await self.guild_settings(guild_id)
        verdict = Detector(self.rules).check(
            MessageFacts(text=content, guild_id=guild_id),
            await self.guild_rules(guild_id),
            settings.threshold,
        )
        item = FlagInput(
            guild_id=guild_id,
            channel_id=channel_id,
            message_id=message_id,
            author_id=author_id,
            author_name=author_name[:100],
            content=content,
            score=verdict.score,
            reasons=verdict.as_dict()["reasons"],  # type: ignore[arg-type]
            author_joined_at=author_joined_at,
        )
        flag_id, created, new_reporter = await store.add_report(
            self.app.db, item, reporter_id, reason.strip()[:500], self.app.clock()
        )
        flag = await store.get_flag(self.app.db, flag_id)
        assert flag is not None
        return flag, created, new_reporter

    async def set_card(self, flag_id: int, channel_id: int, message_id: int) -> None:
        await store.set_card(self.app.db, flag_id, channel_id, message_id)

    async def add_rule(
        self,
        guild_id: int,
        kind: str,
        value: str,
        *,
        moderator_id: int,
        permissions: frozenset[str],
        flag_id: int,
    ) -> Reply:
        if kind not in RULE_ADDED:
            raise UserError(_("Unknown rule kind."))
        self.require(permissions, "dismiss")
        value = fold(value)[:200]
        if not value:
            raise UserError(_("That rule is empty."))
        added = await rules_store.add_guild_rule(
            self.app.db, guild_id, kind, value, moderator_id, self.app.clock()
        )
        self._guild_rules.pop(guild_id, None)
        await store.record_decision(
            self.app.db, flag_id, guild_id, moderator_id, f"add_{kind}", value, self.app.clock()
        )
        already, now = RULE_ADDED[kind]
        if not added:
            return Reply(body=_(already).format(value=value), tone=Tone.INFO)
        return Reply(body=_(now).format(value=value), tone=Tone.SUCCESS)

    # -- queue and statistics ---------------------------------------------------------------
    def card(self, flag: Flag) -> Reply:
        """The short card in the review channel."""
        return flag_card(flag, self.app.clock(), self.app.settings.moderation_retention_days)

    def details(self, flag: Flag) -> Reply:
        """Everything about the flag, shown privately behind the card's Details button."""
        return flag_details(flag, self.app.clock(), self.app.settings.moderation_retention_days)

    async def queue(self, guild_id: int) -> Reply:
        flags, total = await store.open_flags(self.app.db, guild_id, limit=10)
        if not flags:
            return Reply(title=_("Moderation queue"), body=_("No open flags. All clear."))
        lines = []
        for flag in flags:
            excerpt = (flag.content or _("(text removed)"))[:80].replace("\n", " ")
            kind = (
                ngettext("{count} report", "{count} reports", flag.report_count).format(
                    count=number(flag.report_count)
                )
                if flag.report_count
                else _("detector")
            )
            author = f"<@{flag.author_id}>" if flag.author_id else _("(author removed)")
            lines.append(
                _("#{number} · score {score} · {kind} · {author} in {channel}: {excerpt}").format(
                    number=flag.id,
                    score=decimal_g(flag.score),
                    kind=kind,
                    author=author,
                    channel=f"<#{flag.channel_id}>",
                    excerpt=excerpt,
                )
            )
        more = (
            "\n" + _("…and {count} more.").format(count=number(total - len(flags)))
            if total > len(flags)
            else ""
        )
        settings = await self.guild_settings(guild_id)
        footer = (
            _("Act on a flag with the buttons on its card in the review channel.")
            if settings.review_channel_id
            # Without a review channel there are no cards, so no buttons: say how to get them.
            else _(
                "No review channel is set, so these flags have no cards to act on. An admin can "
                "set one: /config channel moderation_review_channel #channel."
            )
        )
        return Reply(
            title=_("Moderation queue: {count} open").format(count=number(total)),
            body="\n".join(lines) + more,
            footer=footer,
        )

    async def stats(self, guild_id: int, days: int = 30) -> Reply:
        if not 1 <= days <= MAX_STATS_DAYS:  # the command's range, checked in the core too
            raise UserError(_("Choose from 1 to {days} days.").format(days=MAX_STATS_DAYS))
        since = self.app.clock() - timedelta(days=days)
        counts = await store.status_counts(self.app.db, guild_id, since)
        total = sum(counts.values())
        title = ngettext("Moderation: last {days} day", "Moderation: last {days} days", days)
        title = title.format(days=number(days))
        if not total:
            return Reply(title=title, body=_("No flags in this period."))

        def count(statuses: tuple[str, ...], source: str | None = None) -> int:
            return sum(
                n for (src, st), n in counts.items() if st in statuses and source in (None, src)
            )

        confirmed = ("deleted", "timed_out", "banned")
        dismissed = ("dismissed", "restored")
        reply = Reply(title=title)
        reply.add_field(
            _("Flags"),
            _(
                "{total} in all: {open} open, {confirmed} confirmed (deleted, timed out or "
                "banned), {dismissed} dismissed."
            ).format(
                total=number(total),
                open=number(count(("open",))),
                confirmed=number(count(confirmed)),
                dismissed=number(count(dismissed)),
            ),
        )
        det_conf, det_dis = count(confirmed, "detector"), count(dismissed, "detector")
        if det_conf + det_dis:
            precision = det_conf / (det_conf + det_dis)
            reply.add_field(
                _("Detector precision (as moderators judged it)"),
                _(
                    "{share} of decided detector flags were confirmed ({confirmed} confirmed, "
                    "{dismissed} dismissed)."
                ).format(
                    share=percent(precision), confirmed=number(det_conf), dismissed=number(det_dis)
                ),
            )
        rep_conf, rep_dis = count(confirmed, "report"), count(dismissed, "report")
        if rep_conf + rep_dis:
            reply.add_field(
                _("Member reports"),
                _("{confirmed} confirmed, {dismissed} dismissed, of those decided.").format(
                    confirmed=number(rep_conf), dismissed=number(rep_dis)
                ),
            )
        learning_line = await self._learning_precision(guild_id)
        if learning_line:
            reply.add_field(_("Since server learning began"), learning_line)
        weeks = await store.weekly_counts(self.app.db, guild_id, since)
        reply.add_field(
            _("By week (flags / confirmed / dismissed)"),
            "\n".join(
                _("Week {week}: {flags} / {confirmed} / {dismissed}").format(
                    week=row["week"],
                    flags=number(row["flags"]),
                    confirmed=number(row["confirmed"]),
                    dismissed=number(row["dismissed"]),
                )
                for row in weeks
            ),
        )
        return reply
