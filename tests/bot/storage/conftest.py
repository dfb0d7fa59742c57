"""Fixtures for the storage tests."""

from __future__ import annotations

from tests.engines import both_engines

#: Every test here that uses the database runs on SQLite and on PostgreSQL.
__all__ = ["both_engines"]
