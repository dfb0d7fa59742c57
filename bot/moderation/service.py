"""The moderation service: the on_message core path, reports, rules, queue and statistics.

Decisions (authority, claims, ``act``) and retention come from ``ReviewMixin`` in ``review.py``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.errors import UserError
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
RULE_LABELS = {
    "trusted_domain": "trusted domain",
    "trusted_phrase": "trusted phrase",
    "flag_domain": "always-flagged domain",
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
        author_joined_at: object = None,
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
        author_joined_at: object = None,
    ) -> tuple[Flag, bool, bool]:
        """A member's report. Returns (flag, flag is new, reporter is new)."""
        if reporter_id == author_id:
            raise UserError("You can't report your own message. You can delete it instead.")
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
            author_joined_at=author_joined_at,  # type: ignore[arg-type]
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
        if kind not in RULE_LABELS:
            raise UserError("Unknown rule kind.")
        self.require(permissions, "dismiss")
        value = fold(value)[:200]
        if not value:
            raise UserError("That rule is empty.")
        added = await rules_store.add_guild_rule(
            self.app.db, guild_id, kind, value, moderator_id, self.app.clock()
        )
        self._guild_rules.pop(guild_id, None)
        await store.record_decision(
            self.app.db, flag_id, guild_id, moderator_id, f"add_{kind}", value, self.app.clock()
        )
        label = RULE_LABELS[kind]
        if not added:
            return Reply(body=f"`{value}` was already a {label} here.", tone=Tone.INFO)
        return Reply(body=f"`{value}` is now a {label} on this server.", tone=Tone.SUCCESS)

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
            return Reply(title="Moderation queue", body="No open flags. All clear.")
        lines = []
        for flag in flags:
            excerpt = (flag.content or "(text removed)")[:80].replace("\n", " ")
            kind = f"{flag.report_count} report(s)" if flag.report_count else "detector"
            author = f"<@{flag.author_id}>" if flag.author_id else "(author removed)"
            lines.append(
                f"#{flag.id} · score {flag.score:g} · {kind} · {author} in "
                f"<#{flag.channel_id}>: {excerpt}"
            )
        more = f"\n…and {total - len(flags)} more." if total > len(flags) else ""
        return Reply(
            title=f"Moderation queue: {total} open",
            body="\n".join(lines) + more,
            footer="Act on a flag with the buttons on its card in the review channel.",
        )

    async def stats(self, guild_id: int, days: int = 30) -> Reply:
        if not 1 <= days <= MAX_STATS_DAYS:  # the command's range, checked in the core too
            raise UserError(f"Choose from 1 to {MAX_STATS_DAYS} days.")
        since = self.app.clock() - timedelta(days=days)
        counts = await store.status_counts(self.app.db, guild_id, since)
        total = sum(counts.values())
        if not total:
            return Reply(title=f"Moderation: last {days} days", body="No flags in this period.")

        def count(statuses: tuple[str, ...], source: str | None = None) -> int:
            return sum(
                n for (src, st), n in counts.items() if st in statuses and source in (None, src)
            )

        confirmed = ("deleted", "timed_out", "banned")
        dismissed = ("dismissed", "restored")
        reply = Reply(title=f"Moderation: last {days} days")
        reply.add_field(
            "Flags",
            f"{total} in all: {count(('open',))} open, {count(confirmed)} confirmed "
            f"(deleted, timed out or banned), {count(dismissed)} dismissed.",
        )
        det_conf, det_dis = count(confirmed, "detector"), count(dismissed, "detector")
        if det_conf + det_dis:
            precision = det_conf / (det_conf + det_dis)
            reply.add_field(
                "Detector precision (as moderators judged it)",
                f"{precision:.0%} of decided detector flags were confirmed "
                f"({det_conf} confirmed, {det_dis} dismissed).",
            )
        rep_conf, rep_dis = count(confirmed, "report"), count(dismissed, "report")
        if rep_conf + rep_dis:
            reply.add_field(
                "Member reports", f"{rep_conf} confirmed, {rep_dis} dismissed, of those decided."
            )
        learning_line = await self._learning_precision(guild_id)
        if learning_line:
            reply.add_field("Since server learning began", learning_line)
        weeks = await store.weekly_counts(self.app.db, guild_id, since)
        reply.add_field(
            "By week (flags / confirmed / dismissed)",
            "\n".join(
                f"Week {row['week']}: {row['flags']} / {row['confirmed']} / {row['dismissed']}"
                for row in weeks
            ),
        )
        return reply
