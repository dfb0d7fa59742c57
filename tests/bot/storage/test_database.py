"""The storage interface, on both engines (SQLite always; PostgreSQL when a server is given:
tests/engines.py). Engine-only behaviour (SQLite's PRAGMAs and backups) is tested on its own."""

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from bot.storage import (
    Database,
    DatabaseClosedError,
    DatabaseTooNewError,
    Migration,
    SQLiteDatabase,
    load_migrations,
)
from bot.storage.postgresql import PostgreSQLConnection, PostgreSQLDatabase
from tests.engines import fresh_database

Opener = Callable[[], Database]


@pytest.fixture
def open_same(engine: str, tmp_path: Path) -> Iterator[Opener]:
    """Makes handles on one empty database of the engine under test (a restart opens another)."""
    if engine == "sqlite":
        path = tmp_path / "test.sqlite3"
        yield lambda: SQLiteDatabase(path)
    else:
        databases = fresh_database(migrated=False)
        url = next(databases)
        yield lambda: PostgreSQLDatabase(url)
        databases.close()  # drops the database


def statement_error(engine: str) -> type[Exception]:
    """What a statement the database refuses raises (a bug, not a broken database)."""
    if engine == "sqlite":
        return sqlite3.Error
    import asyncpg

    return asyncpg.PostgresError


@pytest.fixture
async def db(open_same: Opener) -> AsyncIterator[Database]:
    database = open_same()
    await database.open()
    yield database
    await database.close()


async def test_pragmas_wal_foreign_keys_busy_timeout(tmp_path: Path) -> None:
    db = SQLiteDatabase(tmp_path / "test.sqlite3")
    await db.open()
    assert (await db.fetchval("PRAGMA journal_mode")).lower() == "wal"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    assert await db.fetchval("PRAGMA busy_timeout") >= 1000
    await db.close()


async def test_migrate_from_empty_records_every_version(db: Database) -> None:
    migrations = load_migrations(db.engine)
    applied = await db.migrate()
    assert applied == [m.version for m in migrations]
    assert await db.schema_version() == migrations[-1].version
    assert await db.migrate() == []  # idempotent


def test_both_engines_have_the_same_migrations() -> None:
    """Same numbers and names, so schema_version reads the same on either engine."""
    sqlite = [(m.version, m.name) for m in load_migrations("sqlite")]
    assert sqlite == [(m.version, m.name) for m in load_migrations("postgresql")]
    assert sqlite[:7] == [  # moved into migrations/sqlite/: existing files keep their history
        (1, "core"),
        (2, "articles"),
        (3, "streaks"),
        (4, "moderation"),
        (5, "review"),
        (6, "moderation_learning"),
        (7, "reminder_dm_channel"),
    ]


@pytest.mark.parametrize("start", range(1, len(load_migrations())))
async def test_migrate_from_every_earlier_version(open_same: Opener, start: int) -> None:
    old = open_same()
    await old.open()
    await old.migrate(target=start)
    assert await old.schema_version() == start
    await old.execute_write(
        "INSERT INTO guild_config (guild_id, key, value) VALUES (1, 'kept', '\"yes\"')"
    )
    await old.close()

    new = open_same()
    await new.open()
    await new.migrate()
    assert await new.schema_version() == load_migrations(new.engine)[-1].version
    assert await new.fetchval("SELECT value FROM guild_config WHERE key = 'kept'") == '"yes"'
    await new.close()


async def test_newer_database_is_refused(db: Database) -> None:
    await db.migrate()
    latest = load_migrations(db.engine)[-1].version
    await db.execute_write(
        "INSERT INTO schema_version (version, name) VALUES (?, 'future')", (latest + 1,)
    )
    with pytest.raises(DatabaseTooNewError, match="only knows"):
        await db.migrate()


async def test_failed_migration_rolls_back_whole(db: Database, engine: str) -> None:
    migrations = [
        Migration(1, "good", "CREATE TABLE a (x INTEGER);"),
        Migration(2, "bad", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"),
    ]
    with pytest.raises(statement_error(engine)):
        await db.migrate(migrations)
    assert await db.schema_version() == 1
    tables = set(await db.schema())
    assert "a" in tables
    assert "b" not in tables  # half of migration 2 did not survive


def test_migration_files_are_numbered_without_gaps(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0003_c.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="without gaps"):
        load_migrations(tmp_path)
    (tmp_path / "bad-name.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="0001_name"):
        load_migrations(tmp_path)


async def test_concurrent_writes_lose_nothing(db: Database) -> None:
    await db.migrate(
        [
            Migration(
                1,
                "counter",
                "CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0);",
            )
        ]
    )

    async def increment() -> None:
        # read-modify-write inside one write transaction: the classic lost-update trap
        async with db.write() as conn:
            async with conn.execute("SELECT n FROM counter") as cursor:
                (value,) = await cursor.fetchone()
            await asyncio.sleep(0)
            await conn.execute("UPDATE counter SET n = ?", (value + 1,))

    await asyncio.gather(*(increment() for _ in range(300)))
    assert await db.fetchval("SELECT n FROM counter") == 300


async def test_write_error_rolls_back(db: Database, engine: str) -> None:
    await db.migrate([Migration(1, "t", "CREATE TABLE t (x INTEGER UNIQUE);")])
    with pytest.raises(statement_error(engine)):
        async with db.write() as conn:
            await conn.execute("INSERT INTO t VALUES (1)")
            await conn.execute("INSERT INTO t VALUES (1)")
    assert await db.fetchval("SELECT COUNT(*) FROM t") == 0
    await db.execute_write("INSERT INTO t VALUES (2)")  # the writer is usable afterwards
    assert await db.fetchval("SELECT COUNT(*) FROM t") == 1


async def test_restart_keeps_data(open_same: Opener) -> None:
    first = open_same()
    await first.open()
    await first.migrate()
    await first.execute_write("INSERT INTO bot_meta (key, value) VALUES ('k', 'v')")
    await first.close()
    second = open_same()
    await second.open()
    await second.migrate()
    assert await second.fetchval("SELECT value FROM bot_meta WHERE key='k'") == "v"
    await second.close()


async def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    db = SQLiteDatabase(tmp_path / "test.sqlite3")
    await db.open()
    await db.migrate()
    await db.execute_write("INSERT INTO bot_meta (key, value) VALUES ('before', 'backup')")
    target = await db.backup(tmp_path / "copies" / "backup.sqlite3")
    copy = SQLiteDatabase(target)
    await copy.open()
    assert await copy.fetchval("SELECT value FROM bot_meta WHERE key='before'") == "backup"
    assert await copy.schema_version() == await db.schema_version()
    await copy.close()
    with pytest.raises(FileExistsError):
        await db.backup(target)
    await db.close()


# -- cancellation and shutdown (issue "Hardening", item 3) -----------------------------------
WRITE_STATEMENTS = 4  # BEGIN, two INSERTs, COMMIT


async def _two_inserts(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute("INSERT INTO t VALUES (1)")
        await conn.execute("INSERT INTO t VALUES (2)")


def _pause_at(db: Database, monkeypatch: pytest.MonkeyPatch, points: set[int]) -> asyncio.Event:
    """Count the writer's statements; the event is set while the task awaits one in ``points``."""
    reached = asyncio.Event()
    calls = 0

    def counted() -> None:
        nonlocal calls
        calls += 1
        if calls in points:
            reached.set()

    if isinstance(db, PostgreSQLDatabase):  # every statement of a write passes through run()
        real_run = PostgreSQLConnection.run

        def counting_run(self, sql: str, params: object = ()):  # type: ignore[no-untyped-def]
            counted()
            return real_run(self, sql, params)  # type: ignore[arg-type]

        monkeypatch.setattr(PostgreSQLConnection, "run", counting_run)
        return reached
    assert isinstance(db, SQLiteDatabase)
    writer = db._writer
    assert writer is not None
    real_execute = writer.execute

    def counting_execute(sql: str, params: object = None):  # type: ignore[no-untyped-def]
        counted()
        return real_execute(sql, params)

    monkeypatch.setattr(writer, "execute", counting_execute)
    return reached


@pytest.mark.parametrize("point", range(1, WRITE_STATEMENTS + 1))
async def test_writer_cancelled_at_any_await_leaves_no_transaction_open(
    db: Database, monkeypatch: pytest.MonkeyPatch, point: int
) -> None:
    await db.migrate([Migration(1, "t", "CREATE TABLE t (x INTEGER)")])
    with monkeypatch.context() as patch:
        reached = _pause_at(db, patch, {point})
        task = asyncio.create_task(_two_inserts(db))
        await reached.wait()  # the task now awaits statement number `point`
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    # Every later write works (before the fix, a cancel during BEGIN broke them all).
    await db.execute_write("INSERT INTO t VALUES (9)")
    rows = sorted(r[0] for r in await db.fetchall("SELECT x FROM t"))
    # Cancelled before COMMIT: nothing of it stays. Cancelled while COMMIT ran: all of it.
    assert rows in ([9], [1, 2, 9])


async def test_writer_cancelled_again_during_rollback_still_rolls_back(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await db.migrate([Migration(1, "t", "CREATE TABLE t (x INTEGER)")])
    with monkeypatch.context() as patch:
        reached = _pause_at(db, patch, {2, 3})  # the first INSERT, then the ROLLBACK
        task = asyncio.create_task(_two_inserts(db))
        await reached.wait()
        reached.clear()
        task.cancel()
        await reached.wait()  # now inside the rollback
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    await db.execute_write("INSERT INTO t VALUES (9)")
    assert [r[0] for r in await db.fetchall("SELECT x FROM t")] == [9]


async def test_writers_cancelled_at_random_moments_never_break_later_writes(
    db: Database,
) -> None:
    await db.migrate([Migration(1, "t", "CREATE TABLE t (x INTEGER)")])
    for steps in range(12):
        task = asyncio.create_task(_two_inserts(db))
        for _ in range(steps):
            await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await db.execute_write("INSERT INTO t VALUES (9)")
    assert await db.fetchval("SELECT COUNT(*) FROM t WHERE x = 9") == 12


async def test_close_lets_the_write_in_progress_finish(open_same: Opener) -> None:
    db = open_same()
    await db.open()
    await db.migrate([Migration(1, "t", "CREATE TABLE t (x INTEGER)")])
    started = asyncio.Event()

    async def slow_write() -> None:
        async with db.write() as conn:
            started.set()
            await asyncio.sleep(0.2)
            await conn.execute("INSERT INTO t VALUES (1)")

    task = asyncio.create_task(slow_write())
    await started.wait()
    await db.close()
    await task  # finished, no "no active connection"
    assert not db.is_open
    with pytest.raises(DatabaseClosedError):
        await db.execute_write("INSERT INTO t VALUES (2)")
    with pytest.raises(DatabaseClosedError):
        await db.fetchall("SELECT 1")
    again = open_same()
    await again.open()
    assert await again.fetchval("SELECT COUNT(*) FROM t") == 1
    await again.close()


async def test_lone_surrogates_are_stored_replaced(db: Database) -> None:
    await db.migrate([Migration(1, "t", "CREATE TABLE t (x TEXT)")])
    await db.execute_write("INSERT INTO t VALUES (?)", ("scam \ud800 text",))
    assert await db.fetchval("SELECT x FROM t") == "scam \ufffd text"


async def test_nul_is_stored_on_both_engines(db: Database, engine: str) -> None:
    """PostgreSQL refuses NUL in text: the bind step replaces it (SQLite keeps it as is)."""
    await db.migrate([Migration(1, "t", "CREATE TABLE t (x TEXT)")])
    await db.execute_write("INSERT INTO t VALUES (?)", ("nul\x00here",))
    stored = await db.fetchval("SELECT x FROM t")
    assert stored == ("nul\x00here" if engine == "sqlite" else "nul\ufffdhere")


async def test_question_marks_in_quoted_text_are_not_placeholders(db: Database) -> None:
    await db.migrate([Migration(1, "t", "CREATE TABLE t (x TEXT, y TEXT)")])
    await db.execute_write("INSERT INTO t VALUES ('why?', ?)", ("because",))
    row = await db.fetchone("SELECT x, y FROM t WHERE x = 'why?' AND y = ?", ("because",))
    assert row is not None and dict(row) == {"x": "why?", "y": "because"}


async def test_insert_returns_the_new_id_and_rowcount_counts(db: Database) -> None:
    await db.migrate([Migration(1, "u", _ID_TABLE[db.engine])])
    async with db.write() as conn:
        first = await conn.insert("INSERT INTO u (x) VALUES (?)", ("a",))
        second = await conn.insert("INSERT INTO u (x) VALUES (?)", ("b",))
        cursor = await conn.execute("UPDATE u SET x = 'c' WHERE id >= ?", (first,))
    assert second == first + 1
    assert cursor.rowcount == 2


_ID_TABLE = {
    "sqlite": "CREATE TABLE u (id INTEGER PRIMARY KEY, x TEXT)",
    "postgresql": "CREATE TABLE u (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, x TEXT)",
}


async def test_two_processes_migrating_at_once_apply_each_migration_once(
    open_same: Opener,
) -> None:
    first, second = open_same(), open_same()
    await first.open()
    await second.open()
    await asyncio.gather(first.migrate(), second.migrate())
    versions = [r[0] for r in await first.fetchall("SELECT version FROM schema_version")]
    assert sorted(versions) == [m.version for m in load_migrations(first.engine)]
    await first.close()
    await second.close()
