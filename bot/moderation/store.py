"""Moderation SQL for flags, reports, decisions and member data.

Per-server rules live in ``rules_store``. Writes go through ``db.write()`` (one writer path).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.storage import Database

OPEN = "open"
CLOSED_STATUSES = ("deleted", "dismissed", "timed_out", "banned", "restored")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass
class Flag:
    id: int
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    author_name: str
    content: str | None
    score: float
    reasons: list[dict[str, Any]]
    source: str
    report_count: int
    status: str
    hidden: bool
    card_channel_id: int | None
    card_message_id: int | None
    created_at: datetime
    closed_at: datetime | None
    closed_by: int | None
    close_detail: str | None
    author_joined_at: datetime | None = None
    report_reasons: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def domains(self) -> list[str]:
        """Domains named in the reasons (for "trust" / "always flag" follow-ups)."""
        seen: list[str] = []
        for reason in self.reasons:
            matched = str(reason.get("matched", ""))
            is_domain = "." in matched and " " not in matched
            if reason.get("signal") == "links" and is_domain and matched not in seen:
                seen.append(matched)
        return seen

    @property
    def phrases(self) -> list[str]:
        seen: list[str] = []
        for reason in self.reasons:
            if reason.get("signal") in {
                "cure_claim",
                "herbal_formula",
                "testimonial",
                "contact",
                "promotion",
            }:
                matched = str(reason.get("matched", ""))
                if matched and matched not in seen and not any(c.isdigit() for c in matched):
                    seen.append(matched)
        return seen


def _flag(row: Any) -> Flag:
    return Flag(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        content=row["content"],
        score=row["score"],
        reasons=json.loads(row["reasons"]),
        source=row["source"],
        report_count=row["report_count"],
        status=row["status"],
        hidden=bool(row["hidden"]),
        card_channel_id=row["card_channel_id"],
        card_message_id=row["card_message_id"],
        created_at=parse_stamp(row["created_at"]) or datetime.now(UTC),
        closed_at=parse_stamp(row["closed_at"]),
        closed_by=row["closed_by"],
        close_detail=row["close_detail"],
        author_joined_at=parse_stamp(row["author_joined_at"]),
    )


async def get_flag(db: Database, flag_id: int) -> Flag | None:
    row = await db.fetchone("SELECT * FROM moderation_flags WHERE id = ?", (flag_id,))
    if row is None:
        return None
    flag = _flag(row)
    reports = await db.fetchall(
        "SELECT reason FROM moderation_reports WHERE flag_id = ? AND reason != '' "
        "ORDER BY created_at",
        (flag_id,),
    )
    flag.report_reasons = [r["reason"] for r in reports]
    return flag


async def flag_for_message(db: Database, guild_id: int, message_id: int) -> Flag | None:
    flag_id = await db.fetchval(
        "SELECT id FROM moderation_flags WHERE guild_id = ? AND message_id = ?",
        (guild_id, message_id),
    )
    return None if flag_id is None else await get_flag(db, flag_id)


@dataclass
class FlagInput:
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    author_name: str
    content: str
    score: float
    reasons: list[dict[str, Any]]
    hidden: bool = False
    author_joined_at: datetime | None = None


async def _insert_flag(
    conn: aiosqlite.Connection, item: FlagInput, source: str, now: datetime
) -> int:
    """The one INSERT of a flag row, for detector flags and member reports alike."""
    async with conn.execute(
        "INSERT INTO moderation_flags (guild_id, channel_id, message_id, author_id, "
        "author_name, author_joined_at, content, score, reasons, source, hidden, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            item.guild_id,
            item.channel_id,
            item.message_id,
            item.author_id,
            item.author_name,
            stamp(item.author_joined_at) if item.author_joined_at else None,
            item.content,
            item.score,
            json.dumps(item.reasons, ensure_ascii=False),
            source,
            int(item.hidden),
            stamp(now),
        ),
    ) as cursor:
        return int(cursor.lastrowid or 0)


async def upsert_detection(db: Database, item: FlagInput, now: datetime) -> tuple[int, bool]:
    """Store a detector flag, or refresh an existing one. Returns (flag id, changed).

    An edit of an open flag updates its text and score; an edit of a dismissed message that
    now scores high reopens it (scammers post something harmless and edit it later), unless
    its text is still the one that was dismissed.
    """
    reasons = json.dumps(item.reasons, ensure_ascii=False)
    async with db.write() as conn:
        async with conn.execute(
            "SELECT id, status, content FROM moderation_flags WHERE guild_id = ? AND message_id = ?",
            (item.guild_id, item.message_id),
        ) as cursor:
            existing = await cursor.fetchone()
        if existing is None:
            return await _insert_flag(conn, item, "detector", now), True
        if existing["status"] not in (OPEN, "dismissed"):
            return int(existing["id"]), False
        if existing["status"] == "dismissed" and existing["content"] == item.content:
            # Moderators already cleared this exact text: a message update that did not change
            # it (a pin, a preview, an uncached edit event) must not bring the flag back.
            return int(existing["id"]), False
        await conn.execute(
            "UPDATE moderation_flags SET content = ?, score = ?, reasons = ?, status = 'open', "
            "hidden = MAX(hidden, ?), closed_at = NULL, closed_by = NULL, "
            "close_detail = CASE WHEN status = 'dismissed' THEN 'reopened after an edit' "
            "ELSE close_detail END WHERE id = ?",
            (item.content, item.score, reasons, int(item.hidden), existing["id"]),
        )
        return int(existing["id"]), True


async def add_report(
    db: Database, item: FlagInput, reporter_id: int, reason: str, now: datetime
) -> tuple[int, bool, bool]:
    """Returns (flag id, flag is new, this reporter is new). One card per message."""
    async with db.write() as conn:
        async with conn.execute(
            "SELECT id FROM moderation_flags WHERE guild_id = ? AND message_id = ?",
            (item.guild_id, item.message_id),
        ) as cursor:
            row = await cursor.fetchone()
        created = row is None
        if created:
            flag_id = await _insert_flag(conn, item, "report", now)
        else:
            flag_id = int(row["id"])
        async with conn.execute(
            "INSERT OR IGNORE INTO moderation_reports (flag_id, reporter_id, reason, created_at) "
            "VALUES (?, ?, ?, ?)",
            (flag_id, reporter_id, reason, stamp(now)),
        ) as cursor:
            new_reporter = cursor.rowcount > 0
        await conn.execute(
            "UPDATE moderation_flags SET report_count = "
            "(SELECT COUNT(*) FROM moderation_reports WHERE flag_id = ?) WHERE id = ?",
            (flag_id, flag_id),
        )
    return flag_id, created, new_reporter


async def close_flag(
    db: Database,
    flag_id: int,
    guild_id: int,
    status: str,
    moderator_id: int,
    detail: str,
    now: datetime,
) -> bool:
    """Close an open flag and store the decision, atomically. False if it was already closed."""
    async with db.write() as conn:
        async with conn.execute(
            "UPDATE moderation_flags SET status = ?, closed_at = ?, closed_by = ?, "
            "close_detail = ? WHERE id = ? AND guild_id = ? AND status = 'open'",
            (status, stamp(now), moderator_id, detail, flag_id, guild_id),
        ) as cursor:
            if cursor.rowcount == 0:
                return False
        await conn.execute(
            "INSERT INTO moderation_decisions (flag_id, guild_id, moderator_id, action, detail, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (flag_id, guild_id, moderator_id, status, detail, stamp(now)),
        )
    return True


async def record_decision(
    db: Database,
    flag_id: int,
    guild_id: int,
    moderator_id: int,
    action: str,
    detail: str,
    now: datetime,
) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO moderation_decisions (flag_id, guild_id, moderator_id, action, detail, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (flag_id, guild_id, moderator_id, action, detail, stamp(now)),
        )


async def set_card(db: Database, flag_id: int, channel_id: int, message_id: int) -> None:
    async with db.write() as conn:
        await conn.execute(
            "UPDATE moderation_flags SET card_channel_id = ?, card_message_id = ? WHERE id = ?",
            (channel_id, message_id, flag_id),
        )


async def open_flags(db: Database, guild_id: int, limit: int = 10) -> tuple[list[Flag], int]:
    rows = await db.fetchall(
        "SELECT * FROM moderation_flags WHERE guild_id = ? AND status = 'open' "
        "ORDER BY score DESC, created_at LIMIT ?",
        (guild_id, limit),
    )
    total = await db.fetchval(
        "SELECT COUNT(*) FROM moderation_flags WHERE guild_id = ? AND status = 'open'", (guild_id,)
    )
    return [_flag(row) for row in rows], int(total or 0)


async def status_counts(db: Database, guild_id: int, since: datetime) -> dict[tuple[str, str], int]:
    rows = await db.fetchall(
        "SELECT source, status, COUNT(*) AS n FROM moderation_flags "
        "WHERE guild_id = ? AND created_at >= ? GROUP BY source, status",
        (guild_id, stamp(since)),
    )
    return {(row["source"], row["status"]): int(row["n"]) for row in rows}


async def weekly_counts(db: Database, guild_id: int, since: datetime) -> list[Any]:
    return await db.fetchall(
        "SELECT strftime('%Y-%W', created_at) AS week, COUNT(*) AS flags, "
        "SUM(status IN ('deleted', 'timed_out', 'banned')) AS confirmed, "
        "SUM(status IN ('dismissed', 'restored')) AS dismissed "
        "FROM moderation_flags WHERE guild_id = ? AND created_at >= ? "
        "GROUP BY week ORDER BY week",
        (guild_id, stamp(since)),
    )


async def purge_content(db: Database, cutoff: datetime) -> int:
    async with (
        db.write() as conn,
        conn.execute(
            "UPDATE moderation_flags SET content = NULL WHERE content IS NOT NULL AND created_at < ?",
            (stamp(cutoff),),
        ) as cursor,
    ):
        return cursor.rowcount


async def export_member(db: Database, user_id: int) -> dict[str, Any]:
    flags = await db.fetchall(
        "SELECT guild_id, channel_id, message_id, content, score, reasons, source, status, "
        "created_at, closed_at FROM moderation_flags WHERE author_id = ? ORDER BY created_at",
        (user_id,),
    )
    reports = await db.fetchall(
        "SELECT f.guild_id, f.channel_id, f.message_id, r.reason, r.created_at "
        "FROM moderation_reports r JOIN moderation_flags f ON f.id = r.flag_id "
        "WHERE r.reporter_id = ? ORDER BY r.created_at",
        (user_id,),
    )
    return {
        "flags_about_your_messages": [
            {**dict(row), "reasons": json.loads(row["reasons"])} for row in flags
        ],
        "reports_you_made": [dict(row) for row in reports],
    }


async def erase_member(db: Database, user_id: int) -> int:
    """Remove the member's reports and strip their identity and text from flags about them.

    The flag rows stay, anonymised (author 0, no text), so decision statistics stay right.
    """
    async with db.write() as conn:
        async with conn.execute(
            "DELETE FROM moderation_reports WHERE reporter_id = ?", (user_id,)
        ) as cursor:
            removed = cursor.rowcount
        async with conn.execute(
            "UPDATE moderation_flags SET author_id = 0, author_name = '', content = NULL, "
            "reasons = '[]' WHERE author_id = ?",
            (user_id,),
        ) as cursor:
            removed += cursor.rowcount
        await conn.execute(
            "UPDATE moderation_flags SET report_count = "
            "(SELECT COUNT(*) FROM moderation_reports r WHERE r.flag_id = moderation_flags.id)"
        )
    return removed
