"""SQLite storage: one writer path, versioned migrations, online backup."""

from bot.storage.database import Database, DatabaseTooNewError, Migration, load_migrations
from bot.storage.failures import DatabaseClosedError, DatabaseUnavailableError
from bot.storage.generation import Generation, Stamp

__all__ = [
    "Database",
    "DatabaseClosedError",
    "DatabaseTooNewError",
    "DatabaseUnavailableError",
    "Generation",
    "Migration",
    "Stamp",
    "load_migrations",
]
