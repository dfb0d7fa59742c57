"""Storage on two engines: SQLite (the default, one file) or PostgreSQL (``MSBOT_DATABASE_URL``).

One interface (``Database``, ``Connection``), versioned migrations per engine, one writer path.
"""

from __future__ import annotations

from pathlib import Path

from bot.storage.database import (
    Connection,
    Database,
    DatabaseTooNewError,
    Migration,
    Row,
    load_migrations,
)
from bot.storage.failures import DatabaseClosedError, DatabaseUnavailableError
from bot.storage.generation import Generation, Stamp
from bot.storage.sqlite import SQLiteDatabase

__all__ = [
    "Connection",
    "Database",
    "DatabaseClosedError",
    "DatabaseTooNewError",
    "DatabaseUnavailableError",
    "Generation",
    "Migration",
    "Row",
    "SQLiteDatabase",
    "Stamp",
    "connect",
    "load_migrations",
]


def connect(database_path: Path, database_url: str | None = None) -> Database:
    """The database the settings name: PostgreSQL when a URL is given, else the SQLite file.

    asyncpg is imported only here, when PostgreSQL is really used.
    """
    if database_url:
        from bot.storage.postgresql import PostgreSQLDatabase

        return PostgreSQLDatabase(database_url)
    return SQLiteDatabase(database_path)
