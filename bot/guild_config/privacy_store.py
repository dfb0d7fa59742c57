"""Who changed a server setting (``guild_config.updated_by``): a member's export and erasure.

The settings themselves belong to the server; only the "changed by" id is about a member.
"""

from __future__ import annotations

from typing import Any

from bot.storage import Database


async def export_member(db: Database, user_id: int) -> dict[str, Any]:
    rows = await db.fetchall(
        "SELECT guild_id, key, updated_at FROM guild_config WHERE updated_by = ? "
        "ORDER BY updated_at",
        (user_id,),
    )
    return {"settings_you_changed": [dict(row) for row in rows]}


async def erase_member(db: Database, user_id: int) -> int:
    """Forget who changed the settings; the server keeps its settings."""
    async with (
        db.write() as conn,
        conn.execute(
            "UPDATE guild_config SET updated_by = NULL WHERE updated_by = ?", (user_id,)
        ) as cursor,
    ):
        return max(cursor.rowcount, 0)
