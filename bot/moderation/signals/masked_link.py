"""Masked markdown links whose text shows one site and whose target is another.

``[nationalmssociety.org](https://relief-grant.example)`` reads as the charity and opens
somewhere else: Discord shows only the text. A masked link whose text names no site at all
("[apply here](...)") is ordinary and left to the link signal.
"""

from __future__ import annotations

import re

from bot.moderation.domains import registered_domain
from bot.moderation.signals.base import Reason, ScanContext, Signal

# Bounded repeats: the text in brackets and the URL cannot run on.
_MASKED = re.compile(r"\[([^\[\]\n]{1,200})\]\(\s*<?https?://([a-z0-9.-]{1,253})[^\s)]{0,500}\)")
_SHOWN_HOST = re.compile(r"(?:https?://)?((?:[a-z0-9-]{1,63}\.){1,6}[a-z]{2,24})")


class MaskedLinkSignal(Signal):
    name = "masked_link"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        plain = ctx.norm.plain
        if "](" not in plain:
            return []
        for match in _MASKED.finditer(plain):
            shown = _SHOWN_HOST.search(match[1])
            if shown is None:
                continue
            shown_domain = registered_domain(shown[1])
            target = registered_domain(match[2])
            if shown_domain and target and shown_domain != target:
                return [
                    Reason(
                        self.name,
                        f"link text shows {shown_domain} but opens {target}",
                        self.rules.weight("masked_link", "weight"),
                        match[0][:120],
                        "masked_link",
                        target,
                    )
                ]
        return []
