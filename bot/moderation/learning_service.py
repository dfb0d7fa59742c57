"""The detector lane's service methods: server learning and the optional Discord AutoMod rule.

A mixin of :class:`bot.moderation.service.ModerationService` (split out for size, like
``review.ReviewMixin``): the learning itself lives in ``learning.py``, the AutoMod rule's shape
in ``automod.py``; these are the entry points the cog calls.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.i18n import _, ngettext, number, percent
from bot.moderation import learning_store, store
from bot.moderation.automod import AutoModSpec, automod_spec
from bot.moderation.render import long_date
from bot.moderation.snowflake import DISCORD_EPOCH_MS
from bot.moderation.store import Flag, FlagInput
from bot.replies import Reply, Tone

if TYPE_CHECKING:
    from bot.app import App
    from bot.moderation.learning import ServerLearning
    from bot.moderation.rules import GuildRules

_SYNTHETIC_IDS = itertools.count()


def _synthetic_message_id(now: datetime) -> int:
    """AutoMod blocks a message before it exists: give its flag a unique, time-ordered id."""
    return int(now.timestamp() * 1000 - DISCORD_EPOCH_MS) << 22 | next(_SYNTHETIC_IDS) % (1 << 22)


class LearningMixin:
    app: App
    learning: ServerLearning

    if TYPE_CHECKING:  # provided by ReviewMixin and ModerationService

        @staticmethod
        def require(permissions: frozenset[str], action: str) -> None: ...

        async def guild_rules(self, guild_id: int) -> GuildRules: ...

    # -- server learning (bot/moderation/learning.py) ------------------------------------------
    async def teach(
        self, guild_id: int, message_id: int, text: str, *, spam: bool, permissions: frozenset[str]
    ) -> Reply:
        """The "Teach: spam" / "Teach: not spam" message menus (Manage Messages)."""
        self.require(permissions, "dismiss")
        if not await self.learning.learn(guild_id, message_id, text, spam, "teach"):
            raise UserError(_("That message has no text to learn from."))
        state = (await self.learning.adjustment(guild_id)).state
        learned = (
            _("Learned: this message is spam on this server.")
            if spam
            else _("Learned: this message is not spam on this server.")
        )
        return Reply(body=f"{learned}\n{state.describe()}", tone=Tone.SUCCESS)

    async def learning_status(self, guild_id: int) -> Reply:
        state = (await self.learning.adjustment(guild_id)).state
        reply = Reply(title=_("Server learning"), body=state.describe())
        if state.since is not None:
            reply.footer = _("Learning since {day}").format(day=long_date(state.since))
        return reply

    async def forget_learning(self, guild_id: int, permissions: frozenset[str]) -> Reply:
        """Undo server learning: the shipped model alone decides again."""
        self.require(permissions, "dismiss")
        removed = await self.learning.reset(guild_id)
        return Reply(
            body=ngettext(
                "Removed {count} example. The detector is back to the shipped model here; new "
                "decisions start teaching it again.",
                "Removed {count} examples. The detector is back to the shipped model here; new "
                "decisions start teaching it again.",
                removed,
            ).format(count=number(removed)),
            tone=Tone.SUCCESS,
        )

    # -- Discord AutoMod (optional, off by default; bot/moderation/automod.py) -------------------
    async def automod_spec(self, guild_id: int) -> AutoModSpec | None:
        """The AutoMod rule this server should have, or None when the switch is off."""
        values = await self.app.config.all(guild_id)
        if not values.get("moderation_automod"):
            return None
        return automod_spec((await self.guild_rules(guild_id)).flag_domains)

    async def record_automod(
        self,
        *,
        guild_id: int,
        channel_id: int,
        message_id: int | None,
        author_id: int,
        author_name: str,
        content: str,
        matched: str,
        rule_name: str,
    ) -> Flag | None:
        """An AutoMod action, stored as a flag so it reaches the same review queue."""
        item = FlagInput(
            guild_id=guild_id,
            channel_id=channel_id,
            message_id=message_id or _synthetic_message_id(self.app.clock()),
            author_id=author_id,
            author_name=author_name[:100],
            content=content,
            score=0.0,
            reasons=[
                {
                    "signal": "automod",
                    "reason": f"blocked by Discord AutoMod ({rule_name[:60]})",
                    "weight": 0.0,
                    "matched": matched[:200],
                }
            ],
            hidden=message_id is None,
        )
        flag_id, changed = await store.upsert_detection(self.app.db, item, self.app.clock())
        return await store.get_flag(self.app.db, flag_id) if changed else None

    async def _learning_precision(self, guild_id: int) -> str:
        """Detector precision before and since this server's learning began (for /modstats)."""
        began = await learning_store.learning_since(self.app.db, guild_id)
        if began is None:
            return ""

        def share(confirmed: int, dismissed: int) -> str:
            decided = confirmed + dismissed
            if not decided:
                return _("no decided flags")
            return _("{share} confirmed ({confirmed} of {decided} decided)").format(
                share=percent(confirmed / decided),
                confirmed=number(confirmed),
                decided=number(decided),
            )

        before = await learning_store.detector_decisions(
            self.app.db, guild_id, began - timedelta(days=90), began
        )
        after = await learning_store.detector_decisions(self.app.db, guild_id, began, None)
        return _(
            "Learning began {day}. Detector precision since then: {after}; in the 90 days "
            "before: {before}."
        ).format(day=long_date(began), after=share(*after), before=share(*before))
