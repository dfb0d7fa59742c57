"""A database that cannot be used: one sentence naming the cause and the fix, and the process
exits (issue "Hardening", item 2). Run as a real process with a timeout: before the fix, a
connection that failed its first PRAGMA kept a worker thread alive and the process hung."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.storage import DatabaseUnavailableError, SQLiteDatabase
from bot.storage.failures import explain
from tests.bot.test_cli import run_cli


def _good_database(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE filler (x TEXT)")
    conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,) for _ in range(400)])
    conn.commit()
    conn.close()
    return path.read_bytes()


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(20_000))


def _truncated(path: Path) -> None:
    data = _good_database(path)
    path.write_bytes(data[: len(data) // 3])


def _header_only(path: Path) -> None:
    data = _good_database(path)
    path.write_bytes(data[:100])


def _corrupt_header(path: Path) -> None:
    data = bytearray(_good_database(path))
    data[16:24] = b"\xff" * 8  # page size and format bytes
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage", [_random_bytes, _truncated, _header_only, _corrupt_header], ids=lambda f: f.__name__
)
@pytest.mark.parametrize("command", [["migrate"], ["backup", "copy.sqlite3"], ["console"]])
def test_damaged_file_is_one_sentence_and_the_process_exits(
    tmp_path: Path, damage, command: list[str]
) -> None:
    damage(tmp_path / "cli.sqlite3")
    result = run_cli(*command, tmp_path=tmp_path, stdin="/help\n", timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "is unreadable" in line and "restore a backup" in line


@pytest.mark.parametrize(
    "where",
    ["/proc/nope/x.db", "{tmp}/a-file/x.db", "{tmp}"],
    ids=["impossible folder", "folder is a file", "path is a folder"],
)
def test_unusable_path_is_one_sentence_and_the_process_exits(tmp_path: Path, where: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    path = where.format(tmp=tmp_path)
    result = run_cli("migrate", tmp_path=tmp_path, timeout=60, MSBOT_DATABASE_PATH=path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "MSBOT_DATABASE_PATH" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_is_one_sentence(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    _good_database(folder / "bot.sqlite3")
    folder.chmod(0o555)
    try:
        result = run_cli(
            "migrate",
            tmp_path=tmp_path,
            timeout=60,
            MSBOT_DATABASE_PATH=str(folder / "bot.sqlite3"),
        )
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "can write to it" in result.stderr


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("SQLITE_READONLY", "can write to it"),
        ("SQLITE_CANTOPEN", "can write to it"),
        ("SQLITE_READONLY_DBMOVED", "can write to it"),
        ("SQLITE_NOTADB", "restore a backup"),
        ("SQLITE_CORRUPT", "restore a backup"),
        ("SQLITE_FULL", "free some space"),
        ("SQLITE_BUSY", "locked by another program"),
        ("SQLITE_IOERR_READ", "check the disk"),
    ],
)
def test_every_kind_of_file_problem_names_its_fix(tmp_path: Path, code: str, words: str) -> None:
    error = sqlite3.OperationalError("it failed")
    error.sqlite_errorname = code  # type: ignore[attr-defined]
    friendly = explain(tmp_path / "bot.sqlite3", error)
    assert friendly is not None
    assert words in friendly.message


def test_a_bug_in_a_statement_is_not_blamed_on_the_file(tmp_path: Path) -> None:
    error = sqlite3.OperationalError("no such table: nowhere")
    error.sqlite_errorname = "SQLITE_ERROR"  # type: ignore[attr-defined]
    assert explain(tmp_path / "bot.sqlite3", error) is None


def _sqlite_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "_connection_worker_thread" in t.name]


@pytest.mark.parametrize("damage", [_random_bytes, _header_only], ids=lambda f: f.__name__)
async def test_failed_open_leaves_no_connection_behind(tmp_path: Path, damage) -> None:
    before = set(_sqlite_threads())
    path = tmp_path / "bad.sqlite3"
    damage(path)
    database = SQLiteDatabase(path)
    with pytest.raises(DatabaseUnavailableError, match="is unreadable"):
        await database.open()
    assert not database.is_open
    opened = set(_sqlite_threads()) - before
    for thread in opened:  # a stopped worker ends at once; a leaked one never does
        await asyncio.to_thread(thread.join, 5)
    assert not [t for t in opened if t.is_alive()]


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's connection in the middle of a write, on a file not yet in WAL mode:
    SQLite refuses to change the journal mode at once, without waiting on busy_timeout."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE IF NOT EXISTS filler (x TEXT)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO filler VALUES ('x')")
    return other


async def test_open_waits_for_another_process_switching_the_file(tmp_path: Path) -> None:
    """Two shard processes starting together on a new file: one used to stop with "locked"."""
    path = tmp_path / "bot.sqlite3"
    other = _hold_write_lock(path)
    asyncio.get_running_loop().call_later(0.3, other.commit)
    database = SQLiteDatabase(path)
    try:
        await database.open()
        assert database.is_open
    finally:
        await database.close()
        other.close()


async def test_open_gives_up_on_a_lock_that_is_never_released(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.storage.sqlite.BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "bot.sqlite3"
    other = _hold_write_lock(path)
    database = SQLiteDatabase(path)
    try:
        with pytest.raises(DatabaseUnavailableError, match="locked by another program"):
            await database.open()
        assert not database.is_open
    finally:
        other.close()


# -- PostgreSQL: a server that cannot be used is one sentence too --------------------------------
async def _open_postgresql(url: str) -> DatabaseUnavailableError:
    from bot.storage.postgresql import PostgreSQLDatabase

    database = PostgreSQLDatabase(url)
    with pytest.raises(DatabaseUnavailableError) as info:
        await database.open()
    assert not database.is_open
    return info.value


async def test_postgresql_server_not_running_is_one_sentence() -> None:
    from tools.pgcluster import free_port

    error = await _open_postgresql(f"postgresql://msbot:secret@127.0.0.1:{free_port()}/msbot")
    assert "could not reach the PostgreSQL database" in str(error)
    assert "secret" not in str(error) and "***" in str(error)  # never the password


async def test_postgresql_missing_database_and_unknown_user_are_one_sentence() -> None:
    from tests.engines import database_url, require_server

    server = require_server()
    missing = await _open_postgresql(database_url(server, "no_such_database"))
    assert "does not exist: create it" in str(missing)
    stranger = server.replace("://msbot@", "://nobody_here@")
    if stranger != server:
        refused = await _open_postgresql(stranger)
        assert "refused the login" in str(refused)


@pytest.mark.parametrize(
    ("sqlstate", "words"),
    [
        ("08006", "refused or cut"),
        ("28P01", "refused the login"),
        ("53100", "disk of the server"),
        ("XX001", "damaged data"),
        ("XX002", "damaged data"),
        ("42601", None),  # a syntax error is a bug: it propagates as is
    ],
)
def test_postgresql_sqlstates_map_to_one_sentence(sqlstate: str, words: str | None) -> None:
    from bot.storage.failures import explain_postgresql

    class Refused(Exception):
        pass

    error = Refused("detail")
    error.sqlstate = sqlstate  # type: ignore[attr-defined]
    friendly = explain_postgresql("postgresql://bot@db/msbot", error)
    if words is None:
        assert friendly is None
    else:
        assert friendly is not None and words in str(friendly)
        assert str(friendly).count(". ") <= 1  # one sentence
