"""SQL for per-server learning: examples (hashed features, no text, no author) and its start.

Writes go through ``db.write()`` (one writer path). Kept apart from ``store`` (flags) and
``rules_store`` (trusted/always-flagged lists).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.moderation.store import CONFIRMED_SUM, DISMISSED_SUM, parse_stamp, stamp
from bot.storage import Database

#: The newest examples a server keeps; older ones are dropped as new ones arrive.
MAX_EXAMPLES = 2000


@dataclass(frozen=True)
class StoredExample:
    spam: bool
    features: tuple[int, ...]


async def save_example(
    db: Database,
    guild_id: int,
    example: str,
    spam: bool,
    features: list[int],
    source: str,
    now: datetime,
) -> bool:
    """Store or re-label one example. Returns True when the server's examples changed."""
    encoded = json.dumps(sorted(set(features)))
    async with db.write() as conn:
        row = await conn.fetchone(
            "SELECT spam FROM moderation_learned_examples WHERE guild_id = ? AND example = ?"
            + conn.dialect.for_update,
            (guild_id, example),
        )
        if row is not None and bool(row["spam"]) == spam:
            return False  # the same verdict twice counts once
        await conn.execute(
            "INSERT INTO moderation_learned_examples (guild_id, example, spam, features, source, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, example) DO UPDATE "
            "SET spam = excluded.spam, features = excluded.features, source = excluded.source, "
            "created_at = excluded.created_at",
            (guild_id, example, int(spam), encoded, source, stamp(now)),
        )
        await conn.execute(
            "INSERT INTO moderation_learning (guild_id, since) VALUES (?, ?) "
            "ON CONFLICT (guild_id) DO NOTHING",
            (guild_id, stamp(now)),
        )
        # Keep the newest MAX_EXAMPLES: drop what is older than the one at that position.
        await conn.execute(
            "DELETE FROM moderation_learned_examples WHERE guild_id = ? AND created_at < ("
            "SELECT created_at FROM moderation_learned_examples WHERE guild_id = ? "
            "ORDER BY created_at DESC LIMIT 1 OFFSET ?)",
            (guild_id, guild_id, MAX_EXAMPLES - 1),
        )
    return True


async def load_examples(db: Database, guild_id: int) -> list[StoredExample]:
    rows = await db.fetchall(
        "SELECT spam, features FROM moderation_learned_examples WHERE guild_id = ?", (guild_id,)
    )
    return [StoredExample(bool(r["spam"]), tuple(json.loads(r["features"]))) for r in rows]


async def learning_since(db: Database, guild_id: int) -> datetime | None:
    value = await db.fetchval(
        "SELECT since FROM moderation_learning WHERE guild_id = ?", (guild_id,)
    )
    return parse_stamp(value)


async def reset(db: Database, guild_id: int) -> int:
    """Forget everything the server taught. Returns how many examples were removed."""
    async with db.write() as conn:
        async with conn.execute(
            "DELETE FROM moderation_learned_examples WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            removed = cursor.rowcount
        await conn.execute("DELETE FROM moderation_learning WHERE guild_id = ?", (guild_id,))
    return removed


async def detector_decisions(
    db: Database, guild_id: int, start: datetime, end: datetime | None
) -> tuple[int, int]:
    """(confirmed, dismissed) detector flags created in [start, end)."""
    row = await db.fetchone(
        f"SELECT {CONFIRMED_SUM} AS confirmed, {DISMISSED_SUM} AS dismissed FROM moderation_flags "
        "WHERE guild_id = ? AND source = 'detector' AND created_at >= ? AND created_at < ?",
        (guild_id, stamp(start), stamp(end) if end else "9999"),
    )
    if row is None:
        return 0, 0
    return int(row["confirmed"] or 0), int(row["dismissed"] or 0)
