"""Running tests on both storage engines: SQLite always, PostgreSQL when a server is given.

``MSBOT_TEST_POSTGRESQL_URL`` names a server where the tests may create databases (``make
test-pg`` and ``.ci/run`` start a throwaway one: ``tools/pgcluster.py``). Each PostgreSQL test gets
a database of its own, copied from a template migrated once per session, and dropped after.

Without the variable the PostgreSQL runs are skipped, with the reason shown in the summary; with
``CI=true`` a missing server fails them instead: CI never silently tests one engine only.

A test directory runs on both engines by importing :func:`both_engines` into its conftest (the
fixture is named ``engine``); everywhere else ``engine`` is "sqlite".
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Iterator

import pytest

#: Read at import: the autouse fixture in tests/conftest.py removes MSBOT_* variables per test.
SERVER_URL = os.environ.get("MSBOT_TEST_POSTGRESQL_URL") or None
ENGINES = ("sqlite", "postgresql")
_names = itertools.count(1)
_template: str | None = None


def require_server() -> str:
    """The server's URL, or skip (fail on CI) with the reason."""
    if SERVER_URL is not None:
        return SERVER_URL
    reason = (
        "PostgreSQL engine not tested: no server (run `make test-pg`, or set "
        "MSBOT_TEST_POSTGRESQL_URL to a server where tests may create databases)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; on CI a missing server is a failure", pytrace=False)
    pytest.skip(reason)


def database_url(server: str, name: str) -> str:
    base, _, _ = server.rpartition("/")
    return f"{base}/{name}"


async def _admin(server: str, *statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(server)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def _run(server: str, *statements: str) -> None:
    asyncio.run(_admin(server, *statements))


def _migrated_template(server: str) -> str:
    """A database with every migration applied, made once per session (and per process)."""
    global _template
    if _template is None:
        from bot.storage.postgresql import PostgreSQLDatabase

        name = f"msbot_template_{os.getpid()}"
        _run(server, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")

        async def migrate() -> None:
            db = PostgreSQLDatabase(database_url(server, name))
            await db.open()
            try:
                await db.migrate()
            finally:
                await db.close()

        asyncio.run(migrate())
        _template = name
    return _template


def drop_template() -> None:
    """At the end of the session: the template goes too."""
    if _template is not None and SERVER_URL is not None:
        _run(SERVER_URL, f"DROP DATABASE IF EXISTS {_template} WITH (FORCE)")


def fresh_database(*, migrated: bool = True) -> Iterator[str]:
    """The URL of a new database (migrated, or empty), dropped afterwards."""
    server = require_server()
    name = f"msbot_test_{os.getpid()}_{next(_names)}"
    template = f" TEMPLATE {_migrated_template(server)} STRATEGY FILE_COPY" if migrated else ""
    _run(server, f"CREATE DATABASE {name}{template}")
    try:
        yield database_url(server, name)
    finally:
        _run(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=ENGINES, name="engine")
def both_engines(request: pytest.FixtureRequest) -> str:
    """The engine under test: every test using the database runs once on each."""
    return str(request.param)


@pytest.fixture
def database_url_for(engine: str) -> Iterator[str | None]:
    """None on SQLite (the settings' file is used); a fresh migrated database on PostgreSQL."""
    if engine == "sqlite":
        yield None
    else:
        yield from fresh_database()
