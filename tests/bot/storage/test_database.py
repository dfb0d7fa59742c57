import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.storage import Database, DatabaseTooNewError, Migration, load_migrations


@pytest.fixture
async def db(tmp_path: Path):
    database = Database(tmp_path / "test.sqlite3")
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
    old = Database(path)
    await old.open()
    await old.migrate(target=start)
    assert await old.schema_version() == start
    await old.execute_write(
        "INSERT INTO guild_config (guild_id, key, value) VALUES (1, 'kept', '\"yes\"')"
    )
    await old.close()

    new = Database(path)
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
    first = Database(path)
    await first.open()
    await first.migrate()
    await first.execute_write("INSERT INTO bot_meta (key, value) VALUES ('k', 'v')")
    await first.close()
    second = Database(path)
    await second.open()
    await second.migrate()
    assert await second.fetchval("SELECT value FROM bot_meta WHERE key='k'") == "v"
    await second.close()


async def test_backup_is_a_consistent_copy(db: Database, tmp_path: Path) -> None:
    await db.migrate()
    await db.execute_write("INSERT INTO bot_meta (key, value) VALUES ('before', 'backup')")
    target = await db.backup(tmp_path / "copies" / "backup.sqlite3")
    copy = Database(target)
    await copy.open()
    assert await copy.fetchval("SELECT value FROM bot_meta WHERE key='before'") == "backup"
    assert await copy.schema_version() == await db.schema_version()
    await copy.close()
    with pytest.raises(FileExistsError):
        await db.backup(target)
