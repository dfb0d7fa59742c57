"""Detector signals: each a small class in its own module, returning explained reasons."""

from __future__ import annotations

from bot.moderation.signals.base import Reason, ScanContext, Signal
from bot.moderation.signals.contact import ContactSignal
from bot.moderation.signals.cure_claim import CureClaimSignal
from bot.moderation.signals.herbal_formula import HerbalFormulaSignal
from bot.moderation.signals.links import LinkSignal
from bot.moderation.signals.mentions import MentionSignal
from bot.moderation.signals.newcomer import NewcomerSignal
from bot.moderation.signals.promotion import PromotionSignal
from bot.moderation.signals.repeated import RepeatedSignal
from bot.moderation.signals.testimonial import TestimonialSignal

ALL_SIGNALS: tuple[type[Signal], ...] = (
    CureClaimSignal,
    HerbalFormulaSignal,
    TestimonialSignal,
    ContactSignal,
    LinkSignal,
    PromotionSignal,
    MentionSignal,
    RepeatedSignal,
    NewcomerSignal,
)

__all__ = ["ALL_SIGNALS", "Reason", "ScanContext", "Signal"]
