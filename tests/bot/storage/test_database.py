import asyncio
import contextlib
import sqlite3
from pathlib import Path

import pytest

from bot.storage import (
    Database,
    SQLiteDatabase,
    DatabaseClosedError,
    DatabaseTooNewError,
    Migration,
    load_migrations,
)


@pytest.fixture
async def db(tmp_path: Path):
    database = SQLiteDatabase(tmp_path / "test.sqlite3")
    await database.open()
    yield database
    await database.close()


async def test_pragmas_wal_foreign_keys_busy_timeout(db: Database) -> None:
    assert (await db.fetchval("PRAGMA journal_mode")).lower() == "wal"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    assert await db.fetchval("PRAGMA busy_timeout") >= 1000


async def test_migrate_from_empty_records_every_version(db: Database) -> None:
    migrations = load_migrations()
    applied = await db.migrate()
    assert applied == [m.version for m in migrations]
    assert await db.schema_version() == migrations[-1].version
    assert await db.migrate() == []  # idempotent


@pytest.mark.parametrize("start", range(1, len(load_migrations())))
async def test_migrate_from_every_earlier_version(tmp_path: Path, start: int) -> None:
    path = tmp_path / f"from-{start}.sqlite3"
    old = SQLiteDatabase(path)
    await old.open()
    await old.migrate(target=start)
    assert await old.schema_version() == start
    await old.execute_write(
        "INSERT INTO guild_config (guild_id, key, value) VALUES (1, 'kept', '\"yes\"')"
    )
    await old.close()

    new = SQLiteDatabase(path)
    await new.open()
    await new.migrate()
    assert await new.schema_version() == load_migrations()[-1].version
    assert await new.fetchval("SELECT value FROM guild_config WHERE key = 'kept'") == '"yes"'
    await new.close()


async def test_newer_database_is_refused(db: Database) -> None:
    await db.migrate()
    latest = load_migrations()[-1].version
    await db.execute_write(
        "INSERT INTO schema_version (version, name) VALUES (?, 'future')", (latest + 1,)
    )
    with pytest.raises(DatabaseTooNewError, match="only knows"):
        await db.migrate()


async def test_failed_migration_rolls_back_whole(db: Database) -> None:
    migrations = [
        Migration(1, "good", "CREATE TABLE a (x INTEGER);"),
        Migration(2, "bad", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"),
    ]
    with pytest.raises(sqlite3.OperationalError):
        await db.migrate(migrations)
    assert await db.schema_version() == 1
    tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")}
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


async def test_write_error_rolls_back(db: Database) -> None:
    await db.migrate([Migration(1, "t", "CREATE TABLE t (x INTEGER UNIQUE);")])
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write() as conn:
            await conn.execute("INSERT INTO t VALUES (1)")
            await conn.execute("INSERT INTO t VALUES (1)")
    assert await db.fetchval("SELECT COUNT(*) FROM t") == 0
    await db.execute_write("INSERT INTO t VALUES (2)")  # the writer is usable afterwards
    assert await db.fetchval("SELECT COUNT(*) FROM t") == 1


async def test_restart_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "restart.sqlite3"
    first = SQLiteDatabase(path)
    await first.open()
    await first.migrate()
    await first.execute_write("INSERT INTO bot_meta (key, value) VALUES ('k', 'v')")
    await first.close()
    second = SQLiteDatabase(path)
    await second.open()
    await second.migrate()
    assert await second.fetchval("SELECT value FROM bot_meta WHERE key='k'") == "v"
    await second.close()


async def test_backup_is_a_consistent_copy(db: Database, tmp_path: Path) -> None:
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


# -- cancellation and shutdown (issue "Hardening", item 3) -----------------------------------
WRITE_STATEMENTS = 4  # BEGIN, two INSERTs, COMMIT


async def _two_inserts(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute("INSERT INTO t VALUES (1)")
        await conn.execute("INSERT INTO t VALUES (2)")


def _pause_at(db: Database, monkeypatch: pytest.MonkeyPatch, points: set[int]) -> asyncio.Event:
    """Count the writer's statements; the event is set while the task awaits one in ``points``."""
    writer = db._writer
    assert writer is not None
    real_execute = writer.execute
    reached = asyncio.Event()
    calls = 0

    def counting_execute(sql: str, params: object = None):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls in points:
            reached.set()
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


async def test_close_lets_the_write_in_progress_finish(tmp_path: Path) -> None:
    path = tmp_path / "drain.sqlite3"
    db = SQLiteDatabase(path)
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
    again = SQLiteDatabase(path)
    await again.open()
    assert await again.fetchval("SELECT COUNT(*) FROM t") == 1
    await again.close()


async def test_lone_surrogates_are_stored_replaced(db: Database) -> None:
    await db.migrate([Migration(1, "t", "CREATE TABLE t (x TEXT)")])
    await db.execute_write("INSERT INTO t VALUES (?)", ("scam \ud800 text",))
    assert await db.fetchval("SELECT x FROM t") == "scam \ufffd text"
