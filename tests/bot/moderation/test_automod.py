"""The AutoMod spec the cog syncs: the server's always-flagged domains and the dodge patterns."""

from __future__ import annotations

import re

from bot.moderation.automod import OBFUSCATED_LINK_PATTERNS, automod_spec


def test_spec_lists_always_flagged_domains_and_dodge_patterns() -> None:
    spec = automod_spec(frozenset({"msherbs.com", "x" * 80 + ".com"}))
    assert spec.keywords == ("*msherbs.com*",)  # too long for AutoMod: left to the detector
    assert spec.patterns == OBFUSCATED_LINK_PATTERNS and len(spec.patterns) <= 10
    assert all(len(p) <= 260 for p in spec.patterns)
    samples = ["ww w. msherbs. c om", "msherbs(.)com", "msherbs [dot] com", "msherbs dot com"]
    for sample in samples:  # Python's re reads these patterns the same way here
        assert any(re.search(p, sample) for p in spec.patterns), sample
