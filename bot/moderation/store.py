"""Moderation SQL for flags, reports, decisions and member data.

Per-server rules live in ``rules_store``. Writes go through ``db.write()`` (one writer path).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.storage import Connection, Database

OPEN = "open"
#: Signals whose reasons name a domain or invite moderators can trust or always flag.
LINK_SIGNALS = frozenset({"links", "invites", "masked_link", "discord_lure"})
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
    #: Who is acting on it right now (0: the bot refreshing its card); None when nobody.
    claimed_by: int | None = None
    #: The author asked to be erased while the flag was open: kept as evidence until decided.
    erase_requested: bool = False
    #: Why its personal data was removed: None (kept), "retention" or "erased".
    redacted: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def domains(self) -> list[str]:
        """Domains named in the reasons (for "trust" / "always flag" follow-ups)."""
        seen: list[str] = []
        for reason in self.reasons:
            # The rebuilt domain is stored beside the text as written ("ww w. msherbs. c om"
            # -> "msherbs.com"); older flags have only the written text.
            domain = str(reason.get("domain") or reason.get("matched", ""))
            is_domain = "." in domain and " " not in domain
            if reason.get("signal") in LINK_SIGNALS and is_domain and domain not in seen:
                seen.append(domain)
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


def flag_from_row(row: Any) -> Flag:
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
        claimed_by=row["claimed_by"],
        erase_requested=bool(row["erase_requested"]),
        redacted=row["redacted"],
    )


async def get_flag(db: Database, flag_id: int) -> Flag | None:
    row = await db.fetchone("SELECT * FROM moderation_flags WHERE id = ?", (flag_id,))
    if row is None:
        return None
    flag = flag_from_row(row)
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


async def _insert_flag(conn: Connection, item: FlagInput, source: str, now: datetime) -> int:
    """The one INSERT of a flag row, for detector flags and member reports alike."""
    return await conn.insert(
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
    )


async def upsert_detection(db: Database, item: FlagInput, now: datetime) -> tuple[int, bool]:
    """Store a detector flag, or refresh an existing one. Returns (flag id, changed).

    An edit of an open flag updates its text and score; an edit of a dismissed message that
    now scores high reopens it (scammers post something harmless and edit it later), unless
    its text is still the one that was dismissed.
    """
    reasons = json.dumps(item.reasons, ensure_ascii=False)
    async with db.write() as conn:
        existing = await conn.fetchone(
            "SELECT id, status, content FROM moderation_flags WHERE guild_id = ? AND message_id = ?"
            + conn.dialect.for_update,
            (item.guild_id, item.message_id),
        )
        if existing is None:
            return await _insert_flag(conn, item, "detector", now), True
        if existing["status"] not in (OPEN, "dismissed"):
            return int(existing["id"]), False
        if existing["status"] == "dismissed" and existing["content"] == item.content:
            # Moderators already cleared this exact text: a message update that did not change
            # it (a pin, a preview, an uncached edit event) must not bring the flag back.
            return int(existing["id"]), False
        # The author fields are written again: a redacted row (retention, erasure) has lost
        # them, and the edit is new data the moderators need to judge.
        await conn.execute(
            "UPDATE moderation_flags SET content = ?, score = ?, reasons = ?, status = 'open', "
            "hidden = CASE WHEN ? = 1 THEN 1 ELSE hidden END, closed_at = NULL, closed_by = NULL, "
            "close_detail = CASE WHEN status = 'dismissed' THEN 'reopened after an edit' "
            "ELSE close_detail END, author_id = ?, author_name = ?, author_joined_at = ?, "
            "redacted = NULL WHERE id = ?",
            (
                item.content,
                item.score,
                reasons,
                int(item.hidden),
                item.author_id,
                item.author_name,
                stamp(item.author_joined_at) if item.author_joined_at else None,
                existing["id"],
            ),
        )
        return int(existing["id"]), True


async def add_report(
    db: Database, item: FlagInput, reporter_id: int, reason: str, now: datetime
) -> tuple[int, bool, bool]:
    """Returns (flag id, flag is new, this reporter is new). One card per message."""
    async with db.write() as conn:
        row = await conn.fetchone(
            "SELECT id, status, redacted FROM moderation_flags WHERE guild_id = ? "
            "AND message_id = ?" + conn.dialect.for_update,
            (item.guild_id, item.message_id),
        )
        created = row is None
        if created:
            flag_id = await _insert_flag(conn, item, "report", now)
        else:
            flag_id = int(row["id"])
            if row["status"] == OPEN and row["redacted"] is not None:
                # An open flag past retention lost its text; the report brings it back.
                await conn.execute(
                    "UPDATE moderation_flags SET content = ?, reasons = ?, author_id = ?, "
                    "author_name = ?, redacted = NULL WHERE id = ?",
                    (
                        item.content,
                        json.dumps(item.reasons, ensure_ascii=False),
                        item.author_id,
                        item.author_name,
                        flag_id,
                    ),
                )
        async with conn.execute(
            "INSERT INTO moderation_reports (flag_id, reporter_id, reason, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (flag_id, reporter_id, reason, stamp(now)),
        ) as cursor:
            new_reporter = cursor.rowcount > 0
        if new_reporter:
            # A running count: retention removes old report rows but the count stays.
            await conn.execute(
                "UPDATE moderation_flags SET report_count = report_count + 1 WHERE id = ?",
                (flag_id,),
            )
    return flag_id, created, new_reporter


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
    # A card posted after a redaction is rendered from the redacted row: nothing to redo.
    async with db.write() as conn:
        await conn.execute(
            "UPDATE moderation_flags SET card_channel_id = ?, card_message_id = ?, "
            "card_redacted = CASE WHEN redacted IS NULL THEN 0 ELSE 1 END WHERE id = ?",
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
    return [flag_from_row(row) for row in rows], int(total or 0)


async def status_counts(db: Database, guild_id: int, since: datetime) -> dict[tuple[str, str], int]:
    rows = await db.fetchall(
        "SELECT source, status, COUNT(*) AS n FROM moderation_flags "
        "WHERE guild_id = ? AND created_at >= ? GROUP BY source, status",
        (guild_id, stamp(since)),
    )
    return {(row["source"], row["status"]): int(row["n"]) for row in rows}


#: SQL sums of confirmed and dismissed flags (a CASE: PostgreSQL does not add up booleans).
CONFIRMED_SUM = "SUM(CASE WHEN status IN ('deleted', 'timed_out', 'banned') THEN 1 ELSE 0 END)"
DISMISSED_SUM = "SUM(CASE WHEN status IN ('dismissed', 'restored') THEN 1 ELSE 0 END)"


async def weekly_counts(db: Database, guild_id: int, since: datetime) -> list[dict[str, Any]]:
    """Flags, confirmed and dismissed per week ('2026-18': year and week number, weeks starting
    on Monday, as SQLite's ``strftime('%Y-%W')``). Counted per day in SQL, which both engines
    do alike, and the days folded into weeks here."""
    rows = await db.fetchall(
        f"SELECT SUBSTR(created_at, 1, 10) AS day, COUNT(*) AS flags, {CONFIRMED_SUM} AS "
        f"confirmed, {DISMISSED_SUM} AS dismissed FROM moderation_flags "
        "WHERE guild_id = ? AND created_at >= ? GROUP BY day",
        (guild_id, stamp(since)),
    )
    weeks: dict[str, dict[str, Any]] = {}
    for row in rows:
        week = datetime.strptime(row["day"], "%Y-%m-%d").strftime("%Y-%W")
        counts = weeks.setdefault(week, {"week": week, "flags": 0, "confirmed": 0, "dismissed": 0})
        for key in ("flags", "confirmed", "dismissed"):
            counts[key] += int(row[key] or 0)
    return [weeks[week] for week in sorted(weeks)]
