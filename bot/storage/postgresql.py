"""The PostgreSQL engine (``MSBOT_DATABASE_URL=postgresql://...``), through asyncpg.

Several bot processes (shards) share one database. Stores write the same SQL as on SQLite: the
``?`` placeholders are numbered here (``$1``, ``$2``...), and every ``str`` is cleaned at the
bind step (lone surrogates and NUL, which PostgreSQL refuses in text, become U+FFFD).

- Reads run on a pool; writes are serialised within the process (as on SQLite) on a pooled
  connection, which is rolled back, if it must be, before it goes back to the pool.
- Between processes, rows a transaction reads to decide a write are locked (``FOR UPDATE``, see
  ``bot.storage.dialects``), and claims skip what another process holds (``SKIP LOCKED``).
- Other processes' changes to cached data (articles, server settings) arrive by LISTEN/NOTIFY:
  triggers notify ``msbot_changes`` with the writer's ``application_name``, which is unique per
  process, so a process ignores its own changes (as SQLite's ``data_version`` does).
"""

from __future__ import annotations

import contextlib
import functools
import re
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.errors import UserError
from bot.storage.database import Connection, Cursor, Database, Migration, Row
from bot.storage.dialects.postgresql import POSTGRESQL
from bot.storage.failures import (
    DatabaseClosedError,
    DatabaseUnavailableError,
    explain_postgresql,
)
from bot.text import REPLACEMENT, clean_text

#: Connections per process: reads run in parallel, writes use one at a time.
POOL_SIZE = 10
CHANGES_CHANNEL = "msbot_changes"
#: Key of the session lock that keeps two processes from migrating at the same time.
MIGRATION_LOCK = 0x4D53_424F_5400  # "MSBOT"
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?")
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES|SHOW|EXPLAIN)\b|\bRETURNING\b", re.IGNORECASE)


@functools.lru_cache(maxsize=2048)
def translate(sql: str) -> tuple[str, bool]:
    """``?`` placeholders numbered for PostgreSQL (quoted text and comments left alone), and
    whether the statement returns rows."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match[0] != "?":
            return match[0]
        count += 1
        return f"${count}"

    return _TOKEN.sub(number, sql), bool(_RETURNS_ROWS.search(sql))


def clean_value(value: Any) -> Any:
    """What PostgreSQL can store of a bound value: text without lone surrogates or NUL."""
    if isinstance(value, str):
        value = clean_text(value)
        if "\x00" in value:
            value = value.replace("\x00", REPLACEMENT)
    return value


def _bind(params: Sequence[Any]) -> list[Any]:
    return [clean_value(value) for value in params]


def _rowcount(status: str) -> int:
    """``UPDATE 3`` / ``INSERT 0 1`` / ``DELETE 0`` -> the number of rows."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else host
    return urlunsplit(parts._replace(netloc=netloc))


class PostgreSQLCursor(Cursor):
    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    async def fetchone(self) -> Row | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[Row]:
        return self._rows


class _Statement:
    """``conn.execute(...)``: awaitable, or an async context manager (as aiosqlite's)."""

    def __init__(self, conn: PostgreSQLConnection, sql: str, params: Sequence[Any]) -> None:
        self._conn, self._sql, self._params = conn, sql, params

    def __await__(self) -> Any:
        return self._conn.run(self._sql, self._params).__await__()

    async def __aenter__(self) -> PostgreSQLCursor:
        return await self._conn.run(self._sql, self._params)

    async def __aexit__(self, *exc: object) -> None:
        return None


class PostgreSQLConnection(Connection):
    dialect = POSTGRESQL

    def __init__(self, raw: asyncpg.Connection) -> None:
        self.raw = raw

    async def run(self, sql: str, params: Sequence[Any] = ()) -> PostgreSQLCursor:
        """Every statement of a write transaction passes here (BEGIN and COMMIT too)."""
        query, returns_rows = translate(sql)
        args = _bind(params)
        if returns_rows:
            rows = await self.raw.fetch(query, *args)
            return PostgreSQLCursor(rows, len(rows))
        return PostgreSQLCursor([], _rowcount(await self.raw.execute(query, *args)))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Statement:
        return _Statement(self, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [_bind(row) for row in rows]
        if batch:
            await self.raw.executemany(translate(sql)[0], batch)

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = await self.run(f"{sql} RETURNING id", params)
        row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def begin(self) -> None:
        await self.run("BEGIN")

    async def commit(self) -> None:
        await self.run("COMMIT")

    async def rollback(self) -> None:
        # Outside a transaction ROLLBACK is only a warning; a broken connection is dropped by
        # the pool when it comes back.
        with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            await self.run("ROLLBACK")


class PostgreSQLDatabase(Database):
    dialect = POSTGRESQL
    engine = "postgresql"

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        super().__init__()
        self.url = url
        self.pool_size = pool_size
        #: Unique per process: the NOTIFY payload that tells this process's changes apart.
        self.application_name = f"msbot {secrets.token_hex(6)}"
        self._pool: asyncpg.Pool | None = None
        self._listener: asyncpg.Connection | None = None
        self._changed = False

    def describe(self) -> str:
        return redact_url(self.url)

    def explain(self, exc: BaseException) -> DatabaseUnavailableError | None:
        return explain_postgresql(self.describe(), exc)

    # -- lifecycle -------------------------------------------------------------------------
    async def open(self) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                self.url,
                min_size=1,
                max_size=self.pool_size,
                server_settings={"application_name": self.application_name},
            )
            await self._listen()
            await self.schema_version()
        except BaseException as exc:
            await self._close_connections()
            friendly = self.explain(exc)
            if friendly is None:
                raise
            raise friendly from None

    async def _listen(self) -> None:
        self._listener = await asyncpg.connect(
            self.url, server_settings={"application_name": f"{self.application_name} listener"}
        )
        await self._listener.add_listener(CHANGES_CHANNEL, self._notified)

    def _notified(self, conn: object, pid: int, channel: str, payload: str) -> None:
        if payload != self.application_name:
            self._changed = True

    async def _close_connections(self) -> None:
        pool, listener = self._pool, self._listener
        self._pool = self._listener = None
        if listener is not None:
            with contextlib.suppress(Exception):
                await listener.close(timeout=5)
        if pool is not None:
            try:
                await pool.close()  # waits for reads in progress (writes are drained already)
            except Exception:
                pool.terminate()

    @property
    def is_open(self) -> bool:
        return self._pool is not None

    def _require_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise DatabaseClosedError()
        return self._pool

    async def _acquire_writer(self) -> PostgreSQLConnection:
        return PostgreSQLConnection(await self._require_pool().acquire())

    async def _release_writer(self, conn: Connection) -> None:
        assert isinstance(conn, PostgreSQLConnection)
        pool = self._pool
        if pool is None:  # closed meanwhile (drain timed out): the connection goes with it
            conn.raw.terminate()
        else:
            await pool.release(conn.raw)

    # -- changes made by other processes -----------------------------------------------------
    async def _changed_elsewhere(self) -> bool:
        if self._listener is None or self._listener.is_closed():
            # Notifications may have been missed while the connection was down: assume a change.
            with contextlib.suppress(Exception):
                await self._listen()
            return True
        changed, self._changed = self._changed, False
        return changed

    # -- reads -----------------------------------------------------------------------------
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self._require_pool().fetch(translate(sql)[0], *_bind(params)))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return await self._require_pool().fetchrow(translate(sql)[0], *_bind(params))

    # -- schema ----------------------------------------------------------------------------
    async def schema_version(self) -> int:
        pool = self._require_pool()
        if await pool.fetchval("SELECT to_regclass('schema_version')") is None:
            return 0
        return int(await pool.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))

    async def _apply_migrations(self, pending: list[Migration]) -> None:
        async with self._require_pool().acquire() as conn:
            # Two processes starting together: the second waits, then finds nothing to do.
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " applied_at TEXT NOT NULL DEFAULT "
                    "(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')))"
                )
                current = await conn.fetchval(
                    "SELECT COALESCE(MAX(version), 0) FROM schema_version"
                )
                for migration in pending:
                    if migration.version <= current:
                        continue
                    async with conn.transaction():
                        await conn.execute(migration.sql)
                        await conn.execute(
                            "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
                            migration.version,
                            migration.name,
                        )
            finally:
                with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError):
                    await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)

    async def schema(self) -> dict[str, list[str]]:
        rows = await self.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
        found: dict[str, list[str]] = {}
        for table, column in rows:
            found.setdefault(table, []).append(column)
        return found

    # -- maintenance -----------------------------------------------------------------------
    async def backup(self, destination: Path | str) -> Path:
        raise UserError(
            "On PostgreSQL the bot does not copy the database itself: back it up with "
            f"`pg_dump --format=custom --file={destination} DATABASE_URL` (see the README, "
            "Backups), which is safe while the bot runs."
        )
