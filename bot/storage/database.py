"""The one database handle every feature uses.

Writes go through :meth:`Database.write`, which serialises writers with an asyncio lock and a
``BEGIN IMMEDIATE`` transaction, so concurrent commands never lose an update. Reads use a
separate connection; WAL mode lets them run while a write is in progress.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


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

    # -- lifecycle -------------------------------------------------------------------------
    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        await self._pragma(self._writer, "journal_mode=WAL")
        self._reader = await self._connect()

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so transactions are explicit.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        for pragma in (f"busy_timeout={BUSY_TIMEOUT_MS}", "foreign_keys=ON", "synchronous=NORMAL"):
            await self._pragma(conn, pragma)
        return conn

    @staticmethod
    async def _pragma(conn: aiosqlite.Connection, pragma: str) -> None:
        # Close the cursor at once: an unfinished PRAGMA statement keeps a lock on the file.
        async with conn.execute(f"PRAGMA {pragma}") as cursor:
            await cursor.fetchall()

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    @property
    def is_open(self) -> bool:
        return self._writer is not None

    def _require(self, conn: aiosqlite.Connection | None) -> aiosqlite.Connection:
        if conn is None:
            raise RuntimeError("database is not open")
        return conn

    # -- writes ----------------------------------------------------------------------------
    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction; commits on success, rolls back on any error."""
        conn = self._require(self._writer)
        async with self._write_lock:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    async def execute_write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement in its own transaction; returns lastrowid (or rowcount)."""
        async with self.write() as conn, conn.execute(sql, params) as cursor:
            return cursor.lastrowid or cursor.rowcount

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
                except sqlite3.Error:
                    if conn.in_transaction:
                        await conn.execute("ROLLBACK")
                    raise
                log.info("Applied migration %04d_%s", migration.version, migration.name)
                applied.append(migration.version)
        return applied

    # -- maintenance -----------------------------------------------------------------------
    async def backup(self, destination: Path | str) -> Path:
        """Consistent online copy through SQLite's backup API (safe while the bot runs)."""
        destination = Path(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if destination.exists():
            raise FileExistsError(f"{destination} already exists; choose a new file name")
        conn = self._require(self._reader)
        target = await aiosqlite.connect(destination)
        try:
            await conn.backup(target)
        finally:
            await target.close()
        return destination
