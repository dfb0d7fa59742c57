"""Turning a database that cannot be used into one sentence for the admin: the cause, then the fix
(a SQLite file, or a PostgreSQL server).

A corrupt file, random bytes, a truncated copy, a read-only folder or an impossible path all
surface as different ``sqlite3`` or ``OSError`` exceptions; the admin needs to know which of a
few things to do about it, not a traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.errors import ConfigurationError

#: SQLite result codes, grouped by what the admin has to do about them.
_DAMAGED = {"SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_FORMAT"}
_NOT_WRITABLE = {"SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH"}
_FULL = {"SQLITE_FULL"}
_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}


class DatabaseUnavailableError(ConfigurationError):
    """The database file cannot be opened, read or written; ``message`` says why and what to do."""


class DatabaseClosedError(RuntimeError):
    """A read or write arrived after the database was closed (the bot is shutting down)."""

    def __init__(self) -> None:
        super().__init__("the database is closed: the bot is shutting down")


def is_busy(exc: BaseException) -> bool:
    """Another connection holds the SQLite file (often only for a moment)."""
    return isinstance(exc, sqlite3.Error) and _code(exc) in _BUSY


def _code(exc: sqlite3.Error) -> str:
    # The extended name (SQLITE_READONLY_DBMOVED, ...) starts with the primary one.
    name = getattr(exc, "sqlite_errorname", "") or ""
    parts = name.split("_")
    return "_".join(parts[:2]) if len(parts) > 2 else name


def explain(path: Path, exc: BaseException) -> DatabaseUnavailableError | None:
    """The one-sentence explanation of ``exc`` for the database at ``path``, or ``None`` when
    ``exc`` is not about the database file (a bug in a statement, a cancellation) and must
    propagate as is."""
    where = f"the database file {path}"
    writable_fix = (
        f"make sure the folder {path.parent} exists and the user running the bot can write "
        "to it, or set MSBOT_DATABASE_PATH to a file in a writable folder"
    )
    if path.is_dir():
        return DatabaseUnavailableError(
            f"MSBOT_DATABASE_PATH ({path}) is a folder, not a file: set it to a file such as "
            f"{path / 'msbot.sqlite3'}."
        )
    if isinstance(exc, DatabaseUnavailableError):
        return exc
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        return DatabaseUnavailableError(f"{where} cannot be created ({reason}): {writable_fix}.")
    if not isinstance(exc, sqlite3.Error):
        return None
    code, detail = _code(exc), str(exc)
    if code in _DAMAGED:
        return DatabaseUnavailableError(
            f"{where} is unreadable ({detail}): stop the bot and restore a backup with "
            f"`cp YOUR-BACKUP.sqlite3 {path}` (backups come from `python -m bot backup`), "
            "or move the file away to start with an empty database."
        )
    if code in _NOT_WRITABLE:
        return DatabaseUnavailableError(
            f"{where} cannot be opened for writing ({detail}): {writable_fix}."
        )
    if code in _FULL:
        return DatabaseUnavailableError(
            f"the disk holding {where} is full: free some space, then start the bot again."
        )
    if code in _BUSY:
        return DatabaseUnavailableError(
            f"{where} is locked by another program ({detail}): close the other program "
            "(another copy of the bot, a database browser), then start again."
        )
    if code == "SQLITE_IOERR":
        return DatabaseUnavailableError(
            f"{where} could not be read or written ({detail}): check the disk, or restore a "
            f"backup with `cp YOUR-BACKUP.sqlite3 {path}`."
        )
    return None  # SQLITE_ERROR and the like: a bug in a statement, not a problem with the file


# -- PostgreSQL ----------------------------------------------------------------------------------
#: SQLSTATE classes and codes, grouped by what the admin has to do about them.
_PG_CORRUPT = {"XX001", "XX002"}  # data_corrupted, index_corrupted
_PG_STARTING_OR_STOPPING = {"57P01", "57P02", "57P03"}  # admin/crash shutdown, cannot connect now


def explain_postgresql(where: str, exc: BaseException) -> DatabaseUnavailableError | None:
    """The one-sentence explanation of ``exc`` for the PostgreSQL database ``where`` (its URL
    without the password), or ``None`` when ``exc`` is a bug in a statement."""
    if isinstance(exc, DatabaseUnavailableError):
        return exc
    server = f"the PostgreSQL database {where}"
    url_fix = "check MSBOT_DATABASE_URL (postgresql://USER:PASSWORD@HOST:PORT/DATABASE)"
    code = str(getattr(exc, "sqlstate", "") or "")
    if not code and isinstance(exc, OSError | TimeoutError):
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        return DatabaseUnavailableError(
            f"could not reach {server} ({reason}): start the server, or {url_fix}."
        )
    if code.startswith("08"):
        return DatabaseUnavailableError(
            f"the connection to {server} was refused or cut ({code}): check that the server is "
            f"running and reachable, then start again; or {url_fix}."
        )
    if code.startswith("28"):
        return DatabaseUnavailableError(
            f"PostgreSQL refused the login to {server} ({code}): {url_fix}, and that the "
            "server's pg_hba.conf lets this user in."
        )
    if code == "3D000":
        return DatabaseUnavailableError(
            f"{server} does not exist: create it (`createdb -O USER DATABASE`), or {url_fix}."
        )
    if code == "42501":
        return DatabaseUnavailableError(
            f"the user in MSBOT_DATABASE_URL may not create or change tables in {server}: make "
            "it the database's owner (`ALTER DATABASE name OWNER TO user`)."
        )
    if code == "53100":
        return DatabaseUnavailableError(
            f"the disk of the server holding {server} is full: free some space there, then "
            "start the bot again."
        )
    if code == "53300":
        return DatabaseUnavailableError(
            f"{server} has no free connection left (53300): raise max_connections on the "
            "server, or run fewer bot processes."
        )
    if code in _PG_STARTING_OR_STOPPING:
        return DatabaseUnavailableError(
            f"{server} is starting or shutting down ({code}): wait for it, then start again."
        )
    if code in _PG_CORRUPT:
        return DatabaseUnavailableError(
            f"{server} reports damaged data ({code}): stop the bot and restore the latest "
            "`pg_dump` backup with pg_restore into an empty database."
        )
    return None  # a bug in a statement (syntax, constraint): not a problem with the server
