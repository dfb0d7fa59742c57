"""Moderation SQL for personal data: a member's export and erasure, and the retention purge.

What a flag keeps after its personal data is removed (retention or erasure): the server,
channel and message ids, score, which signals fired and their weights, source, status, dates,
report count and the decision. Gone: the text, the matched snippets (phone numbers, e-mail
addresses, phrases), the author's id, name and join date, and the reports' reporters and words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.moderation.store import stamp
from bot.storage import Connection, Database

#: Rows anonymised per write transaction by the purge, so other writers wait only briefly.
PURGE_BATCH = 500


def strip_matched(reasons: str) -> str:
    """Keep each reason's signal, wording and weight; drop the text it matched."""
    try:
        items = json.loads(reasons)
    except ValueError:
        return "[]"
    kept = [
        {key: value for key, value in item.items() if key != "matched"}
        for item in items
        if isinstance(item, dict)
    ]
    return json.dumps(kept, ensure_ascii=False)


async def anonymise_flags(conn: Connection, rows: Iterable[Any], why: str) -> int:
    """Remove the personal data of these flags (rows with ``id`` and ``reasons``)."""
    count = 0
    for row in rows:
        await conn.execute(
            "UPDATE moderation_flags SET author_id = 0, author_name = '', author_joined_at = NULL, "
            "content = NULL, reasons = ?, redacted = ?, card_redacted = 0, erase_requested = 0 "
            "WHERE id = ?",
            (strip_matched(row["reasons"]), why, row["id"]),
        )
        # Who reported and what they wrote; the flag keeps its report count.
        await conn.execute("DELETE FROM moderation_reports WHERE flag_id = ?", (row["id"],))
        count += 1
    return count


async def purge_expired(db: Database, cutoff: datetime, stale_claims: datetime) -> int:
    """Anonymise every flag created before ``cutoff``, open or closed. Returns how many."""
    total = 0
    while True:
        async with db.write() as conn:
            rows = await conn.fetchall(
                "SELECT id, reasons FROM moderation_flags WHERE redacted IS NULL "
                f"AND created_at < ? ORDER BY created_at LIMIT ?{conn.dialect.for_update}",
                (stamp(cutoff), PURGE_BATCH),
            )
            total += await anonymise_flags(conn, rows, "retention")
            if len(rows) < PURGE_BATCH:
                # A claim left by a crash mid-action names a moderator: do not keep it.
                await conn.execute(
                    "UPDATE moderation_flags SET claimed_by = NULL, claimed_at = NULL "
                    "WHERE claimed_at < ?",
                    (stamp(stale_claims),),
                )
                return total


# -- a member's own data -----------------------------------------------------------------------
async def export_member(db: Database, user_id: int) -> dict[str, Any]:
    """Everything moderation holds about the member: as an author, a reporter, a moderator.

    Not included, on purpose: who reported their messages and what reporters wrote, and which
    moderator decided (the author is never told; both would expose others to retaliation).
    """
    flags = await db.fetchall(
        "SELECT id, guild_id, channel_id, message_id, author_name, author_joined_at, content, "
        "score, reasons, source, report_count, status, hidden, erase_requested, created_at, "
        "closed_at FROM moderation_flags WHERE author_id = ? ORDER BY created_at",
        (user_id,),
    )
    reports = await db.fetchall(
        "SELECT f.guild_id, f.channel_id, f.message_id, r.reason, r.created_at "
        "FROM moderation_reports r JOIN moderation_flags f ON f.id = r.flag_id "
        "WHERE r.reporter_id = ? ORDER BY r.created_at",
        (user_id,),
    )
    decisions = await db.fetchall(
        "SELECT guild_id, flag_id, action, detail, created_at FROM moderation_decisions "
        "WHERE moderator_id = ? ORDER BY created_at",
        (user_id,),
    )
    closed = await db.fetchall(
        "SELECT guild_id, id AS flag_id, status, close_detail, closed_at FROM moderation_flags "
        "WHERE closed_by = ? ORDER BY closed_at",
        (user_id,),
    )
    acting = await db.fetchall(
        "SELECT guild_id, id AS flag_id, claimed_at FROM moderation_flags WHERE claimed_by = ?",
        (user_id,),
    )
    rules = await db.fetchall(
        "SELECT guild_id, kind, value, added_at FROM moderation_guild_rules WHERE added_by = ? "
        "ORDER BY added_at",
        (user_id,),
    )
    return {
        "flags_about_your_messages": [
            {
                **dict(row),
                "reasons": json.loads(row["reasons"]),
                "hidden": bool(row["hidden"]),
                # True: you asked to be erased; kept as evidence until a moderator decides.
                "erase_requested": bool(row["erase_requested"]),
            }
            for row in flags
        ],
        "reports_you_made": [dict(row) for row in reports],
        "decisions_you_made": [dict(row) for row in decisions],
        "flags_you_closed": [dict(row) for row in closed],
        "flags_you_are_acting_on": [dict(row) for row in acting],
        "rules_you_added": [dict(row) for row in rules],
    }


async def erase_member(db: Database, user_id: int) -> int:
    """Erase the member from moderation. Returns the number of records changed.

    - Reports they made are deleted (the flag's report count goes down).
    - Decided flags about their messages lose their personal data now; OPEN ones are kept as
      the community's evidence and anonymised when a moderator decides, or at retention.
    - As a moderator, their id is replaced by a per-server pseudonym (a negative number, shown
      as "a former moderator") where the record must stay: decisions, closed flags, rules.
    """
    async with db.write() as conn:
        await conn.execute(
            "UPDATE moderation_flags SET report_count = "
            "CASE WHEN report_count > 0 THEN report_count - 1 ELSE 0 END "
            "WHERE id IN (SELECT flag_id FROM moderation_reports WHERE reporter_id = ?)",
            (user_id,),
        )
        async with conn.execute(
            "DELETE FROM moderation_reports WHERE reporter_id = ?", (user_id,)
        ) as cursor:
            changed = cursor.rowcount
        decided = await conn.fetchall(
            "SELECT id, reasons FROM moderation_flags WHERE author_id = ? AND status != 'open'"
            + conn.dialect.for_update,
            (user_id,),
        )
        changed += await anonymise_flags(conn, decided, "erased")
        await conn.execute(
            "UPDATE moderation_flags SET erase_requested = 1 WHERE author_id = ? "
            "AND status = 'open'",
            (user_id,),
        )
        await conn.execute(
            "UPDATE moderation_flags SET claimed_by = NULL, claimed_at = NULL WHERE claimed_by = ?",
            (user_id,),
        )
        changed += await _pseudonymise_moderator(conn, user_id)
    return changed


_MODERATOR_COLUMNS = (
    ("moderation_decisions", "moderator_id"),
    ("moderation_flags", "closed_by"),
    ("moderation_guild_rules", "added_by"),
)


async def _pseudonymise_moderator(conn: Connection, user_id: int) -> int:
    guilds: set[int] = set()
    for table, column in _MODERATOR_COLUMNS:
        async with conn.execute(
            f"SELECT DISTINCT guild_id FROM {table} WHERE {column} = ?", (user_id,)
        ) as cursor:
            guilds.update(int(row[0]) for row in await cursor.fetchall())
    changed = 0
    for guild_id in sorted(guilds):
        pseudonym = await _next_pseudonym(conn, guild_id)
        for table, column in _MODERATOR_COLUMNS:
            async with conn.execute(
                f"UPDATE {table} SET {column} = ? WHERE guild_id = ? AND {column} = ?",
                (pseudonym, guild_id, user_id),
            ) as cursor:
                changed += cursor.rowcount
    return changed


async def _next_pseudonym(conn: Connection, guild_id: int) -> int:
    """-1, -2, ... per server. Nothing maps a pseudonym back to the member."""
    lowest = 0
    for table, column in _MODERATOR_COLUMNS:
        async with conn.execute(
            f"SELECT MIN({column}) FROM {table} WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is not None and row[0] is not None:
            lowest = min(lowest, int(row[0]))
    return lowest - 1
