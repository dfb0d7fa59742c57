"""SQL for the per-server rules learned from card buttons (trusted / always-flagged).

Split from ``store`` (flags and reports); writes go through ``db.write()`` (one writer path).
"""

from __future__ import annotations

from datetime import datetime

from bot.moderation.rules import GuildRules
from bot.moderation.store import stamp
from bot.storage import Database

RULE_KINDS = ("trusted_domain", "trusted_phrase", "flag_domain")


async def load_guild_rules(db: Database, guild_id: int) -> GuildRules:
    rows = await db.fetchall(
        "SELECT kind, value FROM moderation_guild_rules WHERE guild_id = ?", (guild_id,)
    )
    by_kind: dict[str, set[str]] = {kind: set() for kind in RULE_KINDS}
    for row in rows:
        by_kind[row["kind"]].add(row["value"])
    return GuildRules(
        trusted_domains=frozenset(by_kind["trusted_domain"]),
        trusted_phrases=frozenset(by_kind["trusted_phrase"]),
        flag_domains=frozenset(by_kind["flag_domain"]),
    )


async def add_guild_rule(
    db: Database, guild_id: int, kind: str, value: str, added_by: int, now: datetime
) -> bool:
    async with db.write() as conn:
        if kind in ("trusted_domain", "flag_domain"):
            # A domain is either trusted or always flagged, never both.
            other = "flag_domain" if kind == "trusted_domain" else "trusted_domain"
            await conn.execute(
                "DELETE FROM moderation_guild_rules WHERE guild_id = ? AND kind = ? AND value = ?",
                (guild_id, other, value),
            )
        async with conn.execute(
            "INSERT INTO moderation_guild_rules (guild_id, kind, value, added_by, added_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, kind, value, added_by, stamp(now)),
        ) as cursor:
            return cursor.rowcount > 0
