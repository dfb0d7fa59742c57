"""Optional, off by default: mirror known-bad links into one native Discord AutoMod rule.

With ``/config set moderation_automod on`` the cog keeps one keyword rule per server in step
with this spec: the server's "always flag" domains as keywords (``*msherbs.com*``) and the
obfuscated-link shapes the normaliser undoes as regular expressions, so Discord blocks them
before anyone sees them. Discord's limits: 1,000 keywords of 60 characters, 10 patterns of
260 characters (Rust regex syntax). AutoMod's actions come back as ``on_automod_action`` and
land in the same review queue (``ModerationService.record_automod``).
"""

from __future__ import annotations

from dataclasses import dataclass

RULE_NAME = "MS companion: known scam links"
MAX_KEYWORDS = 1000
MAX_KEYWORD_CHARS = 60
#: Links written to dodge filters, as the normaliser recognises them (Rust regex flavour).
OBFUSCATED_LINK_PATTERNS = (
    # "ww w. site. c om", "w w w . site . com"
    r"w\s*w\s*w\s*\.\s+[a-z0-9-]+\s*\.\s*c\s*o\s*m",
    r"w\s*w\s*w\s+\.\s*[a-z0-9-]+\s*\.\s*c\s*o\s*m",
    # "site(.)com", "site [.] com", "site (dot) com", "site{dot}com"
    r"[a-z0-9-]+\s?[(\[{]\s?(\.|dot)\s?[)\]}]\s?(com|net|org|info|biz|xyz)\b",
    # "site dot com"
    r"\b[a-z0-9-]{2,63}\s+dot\s+(com|net|org|info|biz|xyz)\b",
)


@dataclass(frozen=True)
class AutoModSpec:
    name: str
    keywords: tuple[str, ...]
    patterns: tuple[str, ...]


def automod_spec(flag_domains: frozenset[str]) -> AutoModSpec:
    keywords = tuple(
        f"*{domain}*"
        for domain in sorted(flag_domains)
        if domain and len(domain) + 2 <= MAX_KEYWORD_CHARS
    )[:MAX_KEYWORDS]
    return AutoModSpec(RULE_NAME, keywords, OBFUSCATED_LINK_PATTERNS)
