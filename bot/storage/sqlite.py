"""The SQLite engine (the default): one file, through aiosqlite.

Writes are serialised with an asyncio lock and a ``BEGIN IMMEDIATE`` transaction, so concurrent
commands never lose an update. Reads use a separate connection; WAL mode lets them run while a
write is in progress.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import UserError
from bot.storage.database import Connection, Database, Migration, Row, run_to_the_end
from bot.storage.dialects.sqlite import SQLITE
from bot.storage.failures import (
    DatabaseClosedError,
    DatabaseUnavailableError,
    explain,
    is_busy,
)
from bot.text import clean_text

BUSY_TIMEOUT_MS = 5000

# Member text may carry lone surrogates (valid JSON escapes, invalid Unicode); sqlite3 cannot
# encode them and would refuse the whole write. Every str bound to a statement passes here.
sqlite3.register_adapter(str, clean_text)


class SQLiteConnection(Connection):
    """A write transaction's view of the writer connection (aiosqlite's own cursors)."""

    dialect = SQLITE

    def __init__(self, raw: aiosqlite.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.raw.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.raw.executemany(sql, rows)

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self.raw.execute(sql, params) as cursor:
            return int(cursor.lastrowid or 0)

    async def begin(self) -> None:
        await self.raw.execute("BEGIN IMMEDIATE")

    async def commit(self) -> None:
        await self.raw.execute("COMMIT")

    async def rollback(self) -> None:
        # Statements run in order on the connection's thread, so this comes after the BEGIN
        # or COMMIT that was interrupted. "No transaction is active" means that BEGIN failed
        # or COMMIT completed: nothing left to undo.
        with contextlib.suppress(sqlite3.OperationalError, ValueError):
            await self.raw.execute("ROLLBACK")


class Snapshot:
    """Reads inside :meth:`SQLiteDatabase.snapshot`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        async with self._conn.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return None if row is None else row[0]

    async def batches(self, sql: str, size: int) -> AsyncIterator[list[Row]]:
        """The rows of ``sql``, ``size`` at a time (never the whole table in memory)."""
        async with self._conn.execute(sql) as cursor:
            while rows := list(await cursor.fetchmany(size)):
                yield rows


class SQLiteDatabase(Database):
    dialect = SQLITE
    engine = "sqlite"

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = Path(path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._data_version: int | None = None

    def describe(self) -> str:
        return str(self.path)

    # -- lifecycle -------------------------------------------------------------------------
    async def open(self) -> None:
        """Open both connections, or raise :class:`DatabaseUnavailableError` with nothing left
        open (an aiosqlite connection that failed its first PRAGMA keeps a non-daemon worker
        thread alive, and the process would never exit)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = await self._connect()
            await self._use_wal(self._writer)
            self._reader = await self._connect()
            # Read the schema now: a damaged file often passes the PRAGMAs above.
            await self.schema_version()
        except BaseException as exc:
            await self.close()
            friendly = self.explain(exc)
            if friendly is None:
                raise
            raise friendly from None

    def explain(self, exc: BaseException) -> DatabaseUnavailableError | None:
        return explain(self.path, exc)

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so transactions are explicit.
        conn = aiosqlite.connect(self.path, isolation_level=None)
        try:
            await conn
        except BaseException:
            # aiosqlite stops its worker thread when the connect fails but does not wait for
            # it; a thread still running when the event loop closes dies with a traceback.
            thread = getattr(conn, "_thread", None)
            if thread is not None and thread.is_alive():
                await asyncio.to_thread(thread.join, 5)
            raise
        try:
            conn.row_factory = aiosqlite.Row
            for pragma in (
                f"busy_timeout={BUSY_TIMEOUT_MS}",
                "foreign_keys=ON",
                "synchronous=NORMAL",
            ):
                await self._pragma(conn, pragma)
        except BaseException:
            await conn.close()
            raise
        return conn

    async def _use_wal(self, conn: aiosqlite.Connection) -> None:
        """Switch the file to WAL, waiting for other processes as ``busy_timeout`` would.

        SQLite answers "database is locked" at once, without waiting, when another connection
        holds a write lock while the journal mode changes: two shard processes starting on a
        new file meet this, and one of them used to stop with a "locked" error."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
        delay = 0.005
        while True:
            try:
                await self._pragma(conn, "journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or loop.time() + delay > deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)

    @staticmethod
    async def _pragma(conn: aiosqlite.Connection, pragma: str) -> None:
        # Close the cursor at once: an unfinished PRAGMA statement keeps a lock on the file.
        async with conn.execute(f"PRAGMA {pragma}") as cursor:
            await cursor.fetchall()

    async def _close_connections(self) -> None:
        writer, reader = self._writer, self._reader
        self._writer = self._reader = None
        for conn in (reader, writer):
            if conn is not None:
                with contextlib.suppress(sqlite3.Error, ValueError):
                    await conn.close()

    @property
    def is_open(self) -> bool:
        return self._writer is not None

    @staticmethod
    def _require(conn: aiosqlite.Connection | None) -> aiosqlite.Connection:
        if conn is None:
            raise DatabaseClosedError()
        return conn

    async def _acquire_writer(self) -> SQLiteConnection:
        return SQLiteConnection(self._require(self._writer))

    # -- changes made by other processes -----------------------------------------------------
    async def _changed_elsewhere(self) -> bool:
        """SQLite's ``PRAGMA data_version`` on the writer connection changes only when *another*
        connection commits (this process's reader never writes)."""
        async with self._require(self._writer).execute("PRAGMA data_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        return changed

    # -- reads -----------------------------------------------------------------------------
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        conn = self._require(self._reader)
        async with conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        conn = self._require(self._reader)
        async with conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    # -- schema ----------------------------------------------------------------------------
    async def schema_version(self) -> int:
        conn = self._require(self._writer)
        async with conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'"
        ) as cursor:
            if await cursor.fetchone() is None:
                return 0
        async with conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cursor:
            row = await cursor.fetchone()
            return int(row[0]) if row else 0

    async def _apply_migrations(self, pending: list[Migration]) -> None:
        conn = self._require(self._writer)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
        )
        for migration in pending:
            # The version row first: a second process migrating the same file at the same time
            # fails on its primary key before running the migration, and finds it applied.
            script = (
                "BEGIN IMMEDIATE;\n"
                "INSERT INTO schema_version (version, name) VALUES "
                f"({migration.version}, '{migration.name}');\n"
                f"{migration.sql}\n;\nCOMMIT;"
            )
            try:
                await conn.executescript(script)
            except sqlite3.IntegrityError:
                await SQLiteConnection(conn).rollback()
                if await self.schema_version() < migration.version:
                    raise
            except BaseException:
                await SQLiteConnection(conn).rollback()
                raise

    async def schema(self) -> dict[str, list[str]]:
        tables = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        found: dict[str, list[str]] = {}
        for (table,) in tables:
            columns = await self.fetchall(f"PRAGMA table_info('{table}')")
            found[table] = [column["name"] for column in columns]
        return found

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Snapshot]:
        """Reads that all see the file as it was at one moment (one read transaction; writers
        go on meanwhile, WAL mode). For copying the whole database elsewhere."""
        conn = self._require(self._reader)
        await conn.execute("BEGIN")
        try:
            yield Snapshot(conn)
        finally:
            await run_to_the_end(SQLiteConnection(conn).rollback())

    # -- maintenance -----------------------------------------------------------------------
    async def backup(self, destination: Path | str) -> Path:
        """Consistent online copy through SQLite's backup API (safe while the bot runs)."""
        destination = Path(destination)
        if destination.exists():
            raise FileExistsError(f"{destination} already exists; choose a new file name")
        conn = self._require(self._reader)
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            target = await aiosqlite.connect(destination)
            try:
                await conn.backup(target)
            finally:
                await target.close()
        except (OSError, sqlite3.Error) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise UserError(
                f"could not write the backup to {destination} ({reason}): choose a file in a "
                "folder you can write to."
            ) from None
        return destination
