"""SQLite storage: one writer path, versioned migrations, online backup."""

from bot.storage.database import Database, DatabaseTooNewError, Migration, load_migrations

__all__ = ["Database", "DatabaseTooNewError", "Migration", "load_migrations"]
