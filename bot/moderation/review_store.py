"""SQL for deciding on a flag safely when several moderators (and the bot) act at once.

A decision is three steps: **claim** (compare-and-set on the open flag, before anything happens
on Discord), the Discord action (the caller's), then **finalise** (close the flag and store the
decision) or **release** (the action failed: the flag is open again for anyone). Refreshing a
card is claimed the same way, by the bot (``BOT_CLAIM``), so a report merged while a moderator
acts cannot put the buttons back on a card that was just closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.moderation.privacy_store import anonymise_flags
from bot.moderation.store import Flag, flag_from_row, stamp
from bot.storage import Connection, Database

#: ``claimed_by`` of a claim the bot holds while it edits a card.
BOT_CLAIM = 0


@dataclass(frozen=True)
class ClaimResult:
    claimed: bool
    #: When refused: the flag's status and who holds the claim (None: nobody, or closed).
    status: str = "open"
    holder: int | None = None


async def claim(
    db: Database, flag_id: int, guild_id: int, claimer_id: int, now: datetime, stale: datetime
) -> ClaimResult:
    """Take the open flag for ``claimer_id``; a claim taken before ``stale`` is abandoned."""
    async with db.write() as conn:
        async with conn.execute(
            "UPDATE moderation_flags SET claimed_by = ?, claimed_at = ? "
            "WHERE id = ? AND guild_id = ? AND status = 'open' "
            "AND (claimed_by IS NULL OR claimed_at < ?)",
            (claimer_id, stamp(now), flag_id, guild_id, stamp(stale)),
        ) as cursor:
            if cursor.rowcount == 1:
                return ClaimResult(True)
        async with conn.execute(
            "SELECT status, claimed_by FROM moderation_flags WHERE id = ? AND guild_id = ?",
            (flag_id, guild_id),
        ) as cursor:
            row = await cursor.fetchone()
    if row is None:
        return ClaimResult(False, status="missing")
    return ClaimResult(False, status=row["status"], holder=row["claimed_by"])


async def release(db: Database, flag_id: int, claimer_id: int) -> None:
    """Give the flag back (the Discord action failed, or the card edit is done)."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE moderation_flags SET claimed_by = NULL, claimed_at = NULL "
            "WHERE id = ? AND claimed_by = ?",
            (flag_id, claimer_id),
        )


async def finalise(
    db: Database,
    flag_id: int,
    guild_id: int,
    status: str,
    moderator_id: int,
    detail: str,
    now: datetime,
) -> bool:
    """Close the flag this moderator claimed and store the decision, in one transaction.

    The decision row is written even if the claim went stale and someone else closed the flag
    meanwhile: the Discord action did happen, and a decision is never lost. An author who asked
    to be erased while the flag was open is anonymised now that the evidence was judged.
    Returns False when the flag was no longer this moderator's to close.
    """
    async with db.write() as conn:
        async with conn.execute(
            "UPDATE moderation_flags SET status = ?, closed_at = ?, closed_by = ?, "
            "close_detail = ?, claimed_by = NULL, claimed_at = NULL "
            "WHERE id = ? AND guild_id = ? AND status = 'open' AND claimed_by = ?",
            (status, stamp(now), moderator_id, detail, flag_id, guild_id, moderator_id),
        ) as cursor:
            closed = cursor.rowcount == 1
        await conn.execute(
            "INSERT INTO moderation_decisions (flag_id, guild_id, moderator_id, action, detail, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (flag_id, guild_id, moderator_id, status, detail, stamp(now)),
        )
        if closed:
            await _erase_if_requested(conn, flag_id)
    return closed


async def _erase_if_requested(conn: Connection, flag_id: int) -> None:
    rows = await conn.fetchall(
        "SELECT id, reasons FROM moderation_flags WHERE id = ? AND erase_requested = 1",
        (flag_id,),
    )
    await anonymise_flags(conn, rows, "erased")


# -- cards that still show removed data --------------------------------------------------------
async def cards_to_redact(db: Database, limit: int = 50) -> list[Flag]:
    rows = await db.fetchall(
        "SELECT * FROM moderation_flags WHERE redacted IS NOT NULL "
        "AND card_message_id IS NOT NULL AND card_redacted = 0 ORDER BY id LIMIT ?",
        (limit,),
    )
    return [flag_from_row(row) for row in rows]


async def mark_card_redacted(db: Database, flag_id: int) -> None:
    async with db.write() as conn:
        await conn.execute(
            "UPDATE moderation_flags SET card_redacted = 1 WHERE id = ? AND redacted IS NOT NULL",
            (flag_id,),
        )
