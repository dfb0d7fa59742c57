"""The one database handle every feature uses, on either engine.

SQLite (``bot.storage.sqlite``) is the default: one file, no server. PostgreSQL
(``bot.storage.postgresql``) is chosen by ``MSBOT_DATABASE_URL``, for several bot processes
sharing one database. Both offer this interface, and stores write their SQL once:

- reads: :meth:`Database.fetchall`, :meth:`fetchone`, :meth:`fetchval` (``?`` placeholders);
- writes: ``async with db.write() as conn`` is one transaction; ``conn`` has the same read
  methods, plus ``execute`` (a cursor with ``rowcount``, ``fetchone``, ``fetchall``),
  ``executemany`` and ``insert`` (the new row's id);
- rows are read the same way on both engines: ``row["name"]``, ``row[0]``, ``dict(row)``;
- where the SQL must differ, the store asks ``db.dialect`` / ``conn.dialect`` (``bot.storage.dialects``).

Writes of one process are serialised (an asyncio lock), as SQLite needs and as the stores'
read-then-write transactions assume; between processes, SQLite's ``BEGIN IMMEDIATE`` locks the
file and PostgreSQL locks the rows a transaction reads with ``dialect.for_update``.

Failure rules (issue "Hardening"), on both engines:

- a database that cannot be used becomes one :class:`DatabaseUnavailableError` sentence, and every
  connection already opened is closed, so nothing keeps the process alive;
- a writer cancelled at any await point never leaves its transaction open (on PostgreSQL: the
  connection is rolled back before it goes back to the pool);
- :meth:`Database.close` lets the write in progress (and those already queued) finish first,
  and anything arriving later gets :class:`DatabaseClosedError`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.storage.dialects import Dialect
from bot.storage.failures import DatabaseClosedError, DatabaseUnavailableError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: How long :meth:`Database.close` waits for writes in progress before closing anyway.
CLOSE_DRAIN_SECONDS = 10.0
#: How often, at most, the running bot asks whether another process changed cached data.
EXTERNAL_CHECK_SECONDS = 1.0
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

#: A row: ``row["column"]``, ``row[0]``, ``dict(row)`` and unpacking work on both engines.
Row = Any


class DatabaseTooNewError(Exception):
    """The database was migrated by a newer version of the bot than this one."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(directory: Path | str = "sqlite") -> list[Migration]:
    """The migrations of an engine (``"sqlite"``, ``"postgresql"``) or of a folder."""
    folder = directory if isinstance(directory, Path) else MIGRATIONS_DIR / directory
    migrations = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file name must look like 0001_name.sql: {path.name}")
        migrations.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migration versions must be 1..N without gaps, got {versions}")
    return migrations


class Cursor(ABC):
    """What ``conn.execute`` gives: rows (if the statement returns any) and ``rowcount``."""

    rowcount: int

    @abstractmethod
    async def fetchone(self) -> Row | None: ...

    @abstractmethod
    async def fetchall(self) -> Iterable[Row]: ...


class Connection(ABC):
    """The connection of one write transaction (see :meth:`Database.write`)."""

    dialect: Dialect

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement: ``await`` it for a :class:`Cursor`, or use it as
        ``async with conn.execute(...) as cursor``."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @abstractmethod
    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one INSERT into a table with an ``id`` key; returns the new row's id
        (SQLite's lastrowid, PostgreSQL's ``RETURNING id``)."""

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    # -- the transaction, driven by Database.write ----------------------------------------
    @abstractmethod
    async def begin(self) -> None: ...

    @abstractmethod
    async def commit(self) -> None: ...

    @abstractmethod
    async def rollback(self) -> None:
        """Undo the transaction; nothing to undo (BEGIN failed, COMMIT done) is not an error."""


async def run_to_the_end(work: Awaitable[None]) -> None:
    """Await ``work`` to its end even if the caller is cancelled meanwhile (a rollback must
    finish, or the connection stays inside a transaction), then honour the cancellation."""
    task = asyncio.ensure_future(work)
    cancelled = False
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError()
    task.result()


class Database(ABC):
    dialect: Dialect
    #: The migrations folder of this engine, under ``bot/storage/migrations``.
    engine: str

    def __init__(self) -> None:
        self._write_lock = asyncio.Lock()
        self._external_changes = 0
        self._external_checked_at = -EXTERNAL_CHECK_SECONDS

    # -- lifecycle -------------------------------------------------------------------------
    @abstractmethod
    async def open(self) -> None:
        """Connect and check the schema can be read, or raise
        :class:`DatabaseUnavailableError` with nothing left open."""

    @property
    @abstractmethod
    def is_open(self) -> bool: ...

    @abstractmethod
    def describe(self) -> str:
        """Where the data is, for messages (never a password)."""

    @abstractmethod
    def explain(self, exc: BaseException) -> DatabaseUnavailableError | None:
        """``exc`` as one sentence (cause and fix) when it is about the database itself, or
        None when it is a bug in a statement (or a cancellation) that must propagate as is."""

    @abstractmethod
    async def _close_connections(self) -> None: ...

    async def close(self, drain_seconds: float = CLOSE_DRAIN_SECONDS) -> None:
        """Close after the writes in progress or already queued have finished (at most
        ``drain_seconds``); later calls get :class:`DatabaseClosedError`."""
        if not self.is_open:
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
            await self._close_connections()
        finally:
            if locked:
                self._write_lock.release()

    # -- writes ----------------------------------------------------------------------------
    @abstractmethod
    async def _acquire_writer(self) -> Connection:
        """The connection for the next write transaction (DatabaseClosedError when closed)."""

    async def _release_writer(self, conn: Connection) -> None:  # noqa: B027 - optional hook
        """Give the connection back (PostgreSQL's pool); SQLite keeps its one writer."""

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Connection]:
        """One write transaction; commits on success, rolls back on any error.

        Cancellation-safe: BEGIN sits inside the try, and the rollback runs to its end even if
        the task is cancelled again, so no cancelled writer leaves a transaction open (which
        would make every later write fail until a restart). The connection goes back to the
        pool only after that.
        """
        async with self._write_lock:
            conn = await self._acquire_writer()  # under the lock: close() may have run
            try:
                try:
                    await conn.begin()
                    yield conn
                    await conn.commit()
                except BaseException:
                    await run_to_the_end(conn.rollback())
                    raise
            finally:
                await run_to_the_end(self._release_writer(conn))

    async def execute_write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement in its own transaction; returns the rows it changed."""
        async with self.write() as conn, conn.execute(sql, params) as cursor:
            return int(cursor.rowcount)

    # -- reads -----------------------------------------------------------------------------
    @abstractmethod
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    @abstractmethod
    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def fetchval(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    # -- changes made by other processes -----------------------------------------------------
    async def external_changes(self) -> int:
        """A counter that grows when another process (the CLI, a second bot) has changed data
        the in-memory caches hold since the last look. Caches compare it with the value they
        were built at. Asked at most every ``EXTERNAL_CHECK_SECONDS``, so calling this on
        every message costs nothing."""
        now = time.monotonic()
        if not self.is_open or now - self._external_checked_at < EXTERNAL_CHECK_SECONDS:
            return self._external_changes
        self._external_checked_at = now
        if await self._changed_elsewhere():
            self._external_changes += 1
        return self._external_changes

    @abstractmethod
    async def _changed_elsewhere(self) -> bool:
        """Has another process committed a change since the last call?"""

    # -- schema ----------------------------------------------------------------------------
    @abstractmethod
    async def schema_version(self) -> int: ...

    @abstractmethod
    async def _apply_migrations(self, pending: list[Migration]) -> None:
        """Create ``schema_version`` if needed and apply ``pending`` in order, each in one
        transaction together with its ``schema_version`` row."""

    async def migrate(
        self, migrations: Iterable[Migration] | None = None, target: int | None = None
    ) -> list[int]:
        """Apply pending migrations, each in one transaction. Returns the versions applied."""
        migrations = list(load_migrations(self.engine) if migrations is None else migrations)
        latest = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > latest:
            raise DatabaseTooNewError(
                f"The database {self.describe()} is at schema version {current}, but this "
                f"version of the bot only knows up to {latest}. Upgrade the bot, or restore a "
                "backup made by this version."
            )
        pending = [
            m for m in migrations if m.version > current and (target is None or m.version <= target)
        ]
        async with self._write_lock:
            self._require_open()
            await self._apply_migrations(pending)
        applied = [m.version for m in pending]
        for migration in pending:
            log.info("Applied migration %04d_%s", migration.version, migration.name)
        return applied

    def _require_open(self) -> None:
        if not self.is_open:
            raise DatabaseClosedError()

    # -- maintenance -----------------------------------------------------------------------
    @abstractmethod
    async def backup(self, destination: Path | str) -> Path:
        """A consistent online copy (SQLite), or a clear pointer to ``pg_dump`` (PostgreSQL)."""

    @abstractmethod
    async def schema(self) -> dict[str, list[str]]:
        """Every table of the database (the search index's too) and its columns, in order."""
