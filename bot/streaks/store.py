"""SQL for streaks. Functions take a connection so callers choose the transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.i18n import SOURCE, current_language
from bot.storage import Connection, Database
from bot.streaks.rules import local_day, paused_days

MEMBER_COLUMNS = (
    "user_id, guild_id, zone, day_end_hour, public, reminder_time, next_reminder_at, notice, "
    "active, joined_at, dm_channel_id, language"
)


@dataclass(frozen=True)
class Member:
    user_id: int
    guild_id: int
    zone: str
    day_end_hour: int
    public: bool
    reminder_time: str | None
    next_reminder_at: int | None
    notice: str | None
    active: bool
    joined_at: datetime
    dm_channel_id: int | None = None  # learnt from the first reminder DM
    #: The member's language code (``bot.i18n``), None for English: reminders are written in it.
    language: str | None = None

    @property
    def join_day(self) -> date:
        """The local day the member first joined, in their current zone and day end.

        Computed with the same settings as "today", so today is never before it.
        """
        return local_day(self.joined_at, self.zone, self.day_end_hour)

    @classmethod
    def from_row(cls, row: Any) -> Member:
        return cls(
            user_id=row["user_id"],
            guild_id=row["guild_id"],
            zone=row["zone"],
            day_end_hour=row["day_end_hour"],
            public=bool(row["public"]),
            reminder_time=row["reminder_time"],
            next_reminder_at=row["next_reminder_at"],
            notice=row["notice"],
            active=bool(row["active"]),
            joined_at=datetime.fromisoformat(row["joined_at"]),
            dm_channel_id=row["dm_channel_id"],
            language=row["language"],
        )


@dataclass(frozen=True)
class DayRow:
    checkins: int
    minutes: int
    rest_reason: str | None

    @property
    def counted(self) -> bool:
        return self.checkins > 0 or self.rest_reason is not None


@dataclass
class History:
    days: dict[date, DayRow] = field(default_factory=dict)
    pauses: list[tuple[date, date, str]] = field(default_factory=list)

    @property
    def counted(self) -> set[date]:
        return {d for d, row in self.days.items() if row.counted}

    @property
    def rest_days(self) -> set[date]:
        return {
            d for d, row in self.days.items() if row.rest_reason is not None and not row.checkins
        }

    def paused(self, until: date) -> set[date]:
        return paused_days(((s, e) for s, e, _ in self.pauses), until)

    def active_pause(self, today: date) -> tuple[date, date] | None:
        for start, end, reason in self.pauses:
            if reason == "pause" and start <= today <= end:
                return start, end
        return None

    def day(self, day: date) -> DayRow:
        return self.days.get(day, DayRow(0, 0, None))


#: Reads run on a write transaction's connection (consistent with the write that follows) or
#: through :class:`Database` (plain reads, no writer lock); both have the same read methods.
Source = Connection | Database


async def _one(conn: Source, sql: str, params: tuple[Any, ...]) -> Any:
    return await conn.fetchone(sql, params)


async def _all(conn: Source, sql: str, params: tuple[Any, ...]) -> list[Any]:
    return await conn.fetchall(sql, params)


async def load_member(conn: Source, user_id: int) -> Member | None:
    """Inside a write transaction the member's row stays locked until the commit (on
    PostgreSQL: a member's commands can reach two bot processes, a DM and a server)."""
    lock = conn.dialect.for_update if isinstance(conn, Connection) else ""
    row = await _one(
        conn, f"SELECT {MEMBER_COLUMNS} FROM streak_members WHERE user_id = ?{lock}", (user_id,)
    )
    return None if row is None else Member.from_row(row)


async def load_history(conn: Source, user_id: int) -> History:
    history = History()
    for day, checkins, minutes, rest in await _all(
        conn,
        "SELECT day, checkins, minutes, rest_reason FROM streak_days WHERE user_id = ?",
        (user_id,),
    ):
        history.days[date.fromisoformat(day)] = DayRow(checkins, minutes, rest)
    for start, end, reason in await _all(
        conn,
        "SELECT start_day, end_day, reason FROM streak_pauses WHERE user_id = ? ORDER BY start_day",
        (user_id,),
    ):
        history.pauses.append((date.fromisoformat(start), date.fromisoformat(end), reason))
    return history


async def add_checkin(
    conn: Connection,
    user_id: int,
    day: date,
    minutes: int | None,
    activity: str | None,
    note: str | None,
    created_at: str,
) -> None:
    await conn.execute(
        "INSERT INTO streak_checkins (user_id, day, minutes, activity, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, day.isoformat(), minutes, activity, note, created_at),
    )
    # A check-in on a declared rest day gives the rest day back (rest_reason cleared).
    await conn.execute(
        "INSERT INTO streak_days (user_id, day, checkins, minutes) VALUES (?, ?, 1, ?) "
        "ON CONFLICT (user_id, day) DO UPDATE SET checkins = streak_days.checkins + 1, "
        "minutes = streak_days.minutes + excluded.minutes, rest_reason = NULL",
        (user_id, day.isoformat(), minutes or 0),
    )


async def set_rest(conn: Connection, user_id: int, day: date, reason: str) -> None:
    await conn.execute(
        "INSERT INTO streak_days (user_id, day, rest_reason) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id, day) DO UPDATE SET rest_reason = excluded.rest_reason",
        (user_id, day.isoformat(), reason),
    )


async def update_member(conn: Connection, user_id: int, **values: Any) -> None:
    allowed = set(MEMBER_COLUMNS.replace(" ", "").split(",")) - {"user_id", "joined_at"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown member columns: {unknown}")
    assignments = ", ".join(f"{name} = ?" for name in values)
    await conn.execute(
        f"UPDATE streak_members SET {assignments} WHERE user_id = ?",
        (*values.values(), user_id),
    )


async def add_pause(conn: Connection, user_id: int, start: date, end: date, reason: str) -> None:
    await conn.execute(
        "INSERT INTO streak_pauses (user_id, start_day, end_day, reason) VALUES (?, ?, ?, ?)",
        (user_id, start.isoformat(), end.isoformat(), reason),
    )


async def end_pauses(conn: Connection, user_id: int, today: date) -> None:
    """End the member's running pause: it covered up to yesterday; one starting today goes."""
    yesterday = date.fromordinal(today.toordinal() - 1).isoformat()
    await conn.execute(
        "DELETE FROM streak_pauses WHERE user_id = ? AND reason = 'pause' AND start_day >= ?",
        (user_id, today.isoformat()),
    )
    await conn.execute(
        "UPDATE streak_pauses SET end_day = ? WHERE user_id = ? AND reason = 'pause' "
        "AND start_day < ? AND end_day >= ?",
        (yesterday, user_id, today.isoformat(), today.isoformat()),
    )


def language_code(language: str) -> str | None:
    """What is stored for a language: None for English (the default), else its code."""
    return None if language == SOURCE else language


async def remember_language(conn: Connection, member: Member) -> None:
    """Keep the language the member last used (their reminders are written in it)."""
    code = language_code(current_language())
    if member.language != code:
        await update_member(conn, member.user_id, language=code)


async def take_notice(conn: Connection, user_id: int) -> str | None:
    row = await _one(
        conn,
        f"SELECT notice FROM streak_members WHERE user_id = ?{conn.dialect.for_update}",
        (user_id,),
    )
    if row is None or row[0] is None:
        return None
    await conn.execute("UPDATE streak_members SET notice = NULL WHERE user_id = ?", (user_id,))
    return str(row[0])


async def erase_member(conn: Connection, user_id: int) -> int:
    removed = 0
    for table in ("streak_checkins", "streak_days", "streak_pauses", "streak_members"):
        async with conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,)) as cursor:
            removed += max(cursor.rowcount, 0)
    return removed


async def export_member(conn: Source, user_id: int) -> dict[str, Any]:
    member = await _one(
        conn,
        f"SELECT {MEMBER_COLUMNS} FROM streak_members WHERE user_id = ?",
        (user_id,),
    )
    if member is None:
        return {}
    settings = dict(member)
    settings["user_id"] = str(settings["user_id"])
    settings["guild_id"] = str(settings["guild_id"])
    settings["public"] = bool(settings["public"])
    settings["active"] = bool(settings["active"])
    if settings["dm_channel_id"] is not None:
        settings["dm_channel_id"] = str(settings["dm_channel_id"])
    checkins = await _all(
        conn,
        "SELECT day, minutes, activity, note, created_at FROM streak_checkins "
        "WHERE user_id = ? ORDER BY id",
        (user_id,),
    )
    rests = await _all(
        conn,
        "SELECT day, rest_reason FROM streak_days WHERE user_id = ? AND rest_reason IS NOT NULL "
        "ORDER BY day",
        (user_id,),
    )
    pauses = await _all(
        conn,
        "SELECT start_day, end_day, reason FROM streak_pauses WHERE user_id = ? ORDER BY id",
        (user_id,),
    )
    return {
        "settings": settings,
        "checkins": [dict(r) for r in checkins],
        "rest_days": [{"day": r[0], "reason": r[1]} for r in rests],
        "pauses": [dict(r) for r in pauses],
    }


# -- reminders -----------------------------------------------------------------------------
#: The scheduler's "due" query: the oldest due reminders first, through the partial index.
DUE_SQL = (
    "SELECT user_id, zone, day_end_hour, reminder_time, next_reminder_at, dm_channel_id, "
    "language FROM streak_members WHERE next_reminder_at IS NOT NULL AND next_reminder_at <= ? "
    "ORDER BY next_reminder_at LIMIT ?"
)


async def due_reminders(conn: Source, now_epoch: int, limit: int) -> list[Any]:
    """In a write transaction, the rows are claimed: locked until the commit, and rows another
    process is claiming right now are skipped (PostgreSQL ``FOR UPDATE SKIP LOCKED``; SQLite
    has one writer at a time), so two bot processes never take the same reminder."""
    claim = conn.dialect.skip_locked if isinstance(conn, Connection) else ""
    return await _all(conn, DUE_SQL + claim, (now_epoch, limit))


async def count_due(conn: Source, now_epoch: int) -> int:
    row = await _one(
        conn,
        "SELECT COUNT(*) FROM streak_members WHERE next_reminder_at IS NOT NULL "
        "AND next_reminder_at <= ?",
        (now_epoch,),
    )
    return int(row[0])


async def advance_reminders(conn: Connection, advances: list[tuple[int | None, int, int]]) -> None:
    """(next epoch, user id, due epoch) rows: compare-and-set on the due time, so a row that
    changed meanwhile (new reminder time) is left alone."""
    await conn.executemany(
        "UPDATE streak_members SET next_reminder_at = ? WHERE user_id = ? AND next_reminder_at = ?",
        advances,
    )


async def counted_or_paused(conn: Source, wanted: dict[int, date]) -> set[int]:
    """Members (of ``wanted``: user id -> local day) who checked in, rested or are paused that
    day. Two queries for the whole batch instead of one per member."""
    if not wanted:
        return set()
    marks = ", ".join("?" * len(wanted))
    ids = tuple(wanted)
    first, last = min(wanted.values()).isoformat(), max(wanted.values()).isoformat()
    done: set[int] = set()
    for user_id, day in await _all(
        conn,
        f"SELECT user_id, day FROM streak_days WHERE user_id IN ({marks}) AND day BETWEEN ? AND ? "
        "AND (checkins > 0 OR rest_reason IS NOT NULL)",
        (*ids, first, last),
    ):
        if wanted[user_id].isoformat() == day:
            done.add(user_id)
    for user_id, start, end in await _all(
        conn,
        f"SELECT user_id, start_day, end_day FROM streak_pauses WHERE user_id IN ({marks}) "
        "AND end_day >= ? AND start_day <= ?",
        (*ids, first, last),
    ):
        if start <= wanted[user_id].isoformat() <= end:
            done.add(user_id)
    return done


async def remember_dm_channels(conn: Connection, channels: dict[int, int]) -> None:
    """Store learnt DM channel ids, only for members who still want reminders (least data)."""
    await conn.executemany(
        "UPDATE streak_members SET dm_channel_id = ? WHERE user_id = ? "
        "AND reminder_time IS NOT NULL",
        [(channel_id, user_id) for user_id, channel_id in channels.items()],
    )
