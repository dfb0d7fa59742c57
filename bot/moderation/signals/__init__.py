"""Detector signals: each a small class in its own module, returning explained reasons.

Text signals read only what is written, so they also run over embeds, attachment names, forum
post titles, polls and display names; context signals read who posted, where and how often.
"""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal
from bot.moderation.signals.contact import ContactSignal
from bot.moderation.signals.crypto import CryptoSignal
from bot.moderation.signals.cure_claim import CureClaimSignal
from bot.moderation.signals.discord_lure import DiscordLureSignal
from bot.moderation.signals.herbal_formula import HerbalFormulaSignal
from bot.moderation.signals.invites import InviteSignal
from bot.moderation.signals.links import LinkSignal
from bot.moderation.signals.masked_link import MaskedLinkSignal
from bot.moderation.signals.mentions import MentionSignal
from bot.moderation.signals.newcomer import NewcomerSignal
from bot.moderation.signals.pharmacy import PharmacySignal
from bot.moderation.signals.promotion import PromotionSignal
from bot.moderation.signals.relative_cure import RelativeCureSignal
from bot.moderation.signals.repeated import RepeatedSignal
from bot.moderation.signals.romance import RomanceSignal
from bot.moderation.signals.testimonial import TestimonialSignal
from bot.moderation.signals.warning import WarningSignal

TEXT_SIGNALS: tuple[type[Signal], ...] = (
    CureClaimSignal,
    HerbalFormulaSignal,
    TestimonialSignal,
    RelativeCureSignal,
    ContactSignal,
    LinkSignal,
    InviteSignal,
    MaskedLinkSignal,
    DiscordLureSignal,
    PharmacySignal,
    CryptoSignal,
    RomanceSignal,
    PromotionSignal,
    WarningSignal,
)
CONTEXT_SIGNALS: tuple[type[Signal], ...] = (MentionSignal, RepeatedSignal, NewcomerSignal)
ALL_SIGNALS = TEXT_SIGNALS + CONTEXT_SIGNALS

__all__ = ["ALL_SIGNALS", "CONTEXT_SIGNALS", "TEXT_SIGNALS", "Reason", "ScanContext", "Signal"]
