"""Third-person cure testimonials: "his herbs reversed my husband's MS", "cured my mum".

The scam's favourite voice is a relative's recovery. Matched on the normalised words with one
bounded pattern: a cure verb, up to three short words, then a relative.
"""

from __future__ import annotations

import re

from bot.moderation.signals.base import Reason, ScanContext, Signal

_RELATIVES = (
    r"husband|wife|son|daughter|mum|mom|mother|dad|father|brother|sister|aunt|uncle|cousin|"
    r"grandma|grandmother|grandpa|grandfather|niece|nephew|friend|fiance|fiancee|partner|"
    r"boyfriend|girlfriend|baby|child|kids?"
)
_CURE = r"cured|healed|reversed|cure|heal|reverse|saved|restored|freed"
_RELATIVE_CURE = re.compile(
    rf"\b(?:{_CURE})\b(?: [a-z']{{1,12}}){{0,3}}? (?:{_RELATIVES})(?:'s)?\b"
    rf"|\b(?:{_RELATIVES})(?:'s)? (?:is|was|got|has been|have been) "
    rf"(?:completely |totally |fully |now )?(?:cured|healed)\b"
)
_STEMS = re.compile(r"cur|heal|revers|saved|restored|freed")
# Honest talk: "no drug can cure my husband", "praying something will heal my wife".
_HOPE = re.compile(
    r"\b(?:no|not|never|nothing|can'?t|cannot|hope|pray|praying|wish|if)\b[^.!?]{0,25}$"
)


class RelativeCureSignal(Signal):
    name = "relative_cure"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        words = ctx.norm.words
        if not _STEMS.search(words):
            return []  # most messages: one cheap search instead of the pattern
        for match in _RELATIVE_CURE.finditer(words):
            if _HOPE.search(words[max(0, match.start() - 40) : match.start()]):
                continue
            weight = self.rules.weight("relative_cure", "weight")
            label = "testimonial about a relative's cure"
            if ctx.is_quoted(match.start(), match.end()):
                weight, label = weight / 2, label + " (quoted)"
            return [Reason(self.name, label, weight, match[0], "relative_cure")]
        return []
