"""The one database handle every feature uses.

Writes go through :meth:`Database.write`, which serialises writers with an asyncio lock and a
``BEGIN IMMEDIATE`` transaction, so concurrent commands never lose an update. Reads use a
separate connection; WAL mode lets them run while a write is in progress.

Failure rules (issue "Hardening"):

- a file that cannot be used becomes one :class:`DatabaseUnavailableError` sentence, and every
  connection already opened is closed, so no worker thread keeps the process alive;
- a writer cancelled at any await point never leaves its transaction open;
- :meth:`Database.close` lets the write in progress (and those already queued) finish first,
  and anything arriving later gets :class:`DatabaseClosedError`, not aiosqlite's internals.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import UserError
from bot.storage.failures import DatabaseClosedError, DatabaseUnavailableError, explain
from bot.text import clean_text

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 5000
#: How long :meth:`Database.close` waits for writes in progress before closing anyway.
CLOSE_DRAIN_SECONDS = 10.0
#: How often, at most, the running bot asks SQLite whether another process changed the file.
EXTERNAL_CHECK_SECONDS = 1.0
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

# Member text may carry lone surrogates (valid JSON escapes, invalid Unicode); sqlite3 cannot
# encode them and would refuse the whole write. Every str bound to a statement passes here.
sqlite3.register_adapter(str, clean_text)


class DatabaseTooNewError(Exception):
    """The file was migrated by a newer version of the bot than this one."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file name must look like 0001_name.sql: {path.name}")
        migrations.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migration versions must be 1..N without gaps, got {versions}")
    return migrations


class Database:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._external_changes = 0
        self._data_version: int | None = None
        self._external_checked_at = -EXTERNAL_CHECK_SECONDS

    # -- lifecycle -------------------------------------------------------------------------
    async def open(self) -> None:
        """Open both connections, or raise :class:`DatabaseUnavailableError` with nothing left
        open (an aiosqlite connection that failed its first PRAGMA keeps a non-daemon worker
        thread alive, and the process would never exit)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = await self._connect()
            await self._pragma(self._writer, "journal_mode=WAL")
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
        """``exc`` as one sentence (cause and fix) when it is about the database file."""
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

    @staticmethod
    async def _pragma(conn: aiosqlite.Connection, pragma: str) -> None:
        # Close the cursor at once: an unfinished PRAGMA statement keeps a lock on the file.
        async with conn.execute(f"PRAGMA {pragma}") as cursor:
            await cursor.fetchall()

    async def close(self, drain_seconds: float = CLOSE_DRAIN_SECONDS) -> None:
        """Close after the writes in progress or already queued have finished (at most
        ``drain_seconds``); later calls get :class:`DatabaseClosedError`."""
        writer, reader = self._writer, self._reader
        if writer is None and reader is None:
            return
        try:
            await asyncio.wait_for(self._write_lock.acquire(), drain_seconds)
        except TimeoutError:
            log.warning(
                "Writes still running after %.0f s; closing the database anyway", drain_seconds
            )
            locked = False
        else:
            locked = True
        try:
            self._writer = self._reader = None
            for conn in (reader, writer):
                if conn is not None:
                    with contextlib.suppress(sqlite3.Error, ValueError):
                        await conn.close()
        finally:
            if locked:
                self._write_lock.release()

    @property
    def is_open(self) -> bool:
        return self._writer is not None

    def _require(self, conn: aiosqlite.Connection | None) -> aiosqlite.Connection:
        if conn is None:
            raise DatabaseClosedError()
        return conn

    # -- writes ----------------------------------------------------------------------------
    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction; commits on success, rolls back on any error.

        Cancellation-safe: BEGIN sits inside the try, and the rollback runs to its end even
        if the task is cancelled again, so no cancelled writer leaves a transaction open
        (which would make every later BEGIN fail until a restart).
        """
        async with self._write_lock:
            conn = self._require(self._writer)  # checked under the lock: close() may have run
            try:
                await conn.execute("BEGIN IMMEDIATE")
                yield conn
                await conn.execute("COMMIT")
            except BaseException:
                await self._rollback(conn)
                raise

    @staticmethod
    async def _rollback(conn: aiosqlite.Connection) -> None:
        async def rollback() -> None:
            # Statements run in order on the connection's thread, so this comes after the
            # BEGIN or COMMIT that was interrupted. "No transaction is active" means that
            # BEGIN failed or COMMIT completed: nothing left to undo.
            with contextlib.suppress(sqlite3.OperationalError, ValueError):
                await conn.execute("ROLLBACK")

        task = asyncio.ensure_future(rollback())
        cancelled = False
        while not task.done():
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                cancelled = True  # finish the rollback first, then honour the cancellation
        if cancelled:
            raise asyncio.CancelledError()

    async def execute_write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement in its own transaction; returns lastrowid (or rowcount)."""
        async with self.write() as conn, conn.execute(sql, params) as cursor:
            return cursor.lastrowid or cursor.rowcount

    # -- changes made by other processes -----------------------------------------------------
    async def external_changes(self) -> int:
        """A counter that grows when another process (the CLI, a second bot) has committed to
        the file since the last look. Caches compare it with the value they were built at.

        SQLite's ``PRAGMA data_version`` on the writer connection changes only when *another*
        connection commits (this process's reader never writes), and it is asked at most once
        every ``EXTERNAL_CHECK_SECONDS``, so calling this on every message costs nothing.
        """
        now = time.monotonic()
        if self._writer is None or now - self._external_checked_at < EXTERNAL_CHECK_SECONDS:
            return self._external_changes
        self._external_checked_at = now
        async with self._writer.execute("PRAGMA data_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        if self._data_version is not None and version != self._data_version:
            self._external_changes += 1
        self._data_version = version
        return self._external_changes

    # -- reads -----------------------------------------------------------------------------
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        conn = self._require(self._reader)
        async with conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        conn = self._require(self._reader)
        async with conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

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

    async def migrate(
        self, migrations: Iterable[Migration] | None = None, target: int | None = None
    ) -> list[int]:
        """Apply pending migrations, each in one transaction. Returns the versions applied."""
        migrations = list(load_migrations() if migrations is None else migrations)
        latest = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > latest:
            raise DatabaseTooNewError(
                f"The database {self.path} is at schema version {current}, but this version of "
                f"the bot only knows up to {latest}. Upgrade the bot, or restore a backup made "
                "by this version."
            )
        conn = self._require(self._writer)
        applied = []
        async with self._write_lock:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
            )
            for migration in migrations:
                if migration.version <= current or (
                    target is not None and migration.version > target
                ):
                    continue
                script = (
                    "BEGIN IMMEDIATE;\n"
                    f"{migration.sql}\n;\n"
                    "INSERT INTO schema_version (version, name) VALUES "
                    f"({migration.version}, '{migration.name}');\nCOMMIT;"
                )
                try:
                    await conn.executescript(script)
                except BaseException:
                    await self._rollback(conn)
                    raise
                log.info("Applied migration %04d_%s", migration.version, migration.name)
                applied.append(migration.version)
        return applied

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
