"""Running a benchmark on both storage engines in one run and printing them side by side.

``--engines sqlite,postgresql`` (the default): the benchmark runs once per engine, on a fresh
database each, and a table compares the figures at the end (PostgreSQL / SQLite as a ratio).
PostgreSQL is the server at ``MSBOT_BENCH_POSTGRESQL_URL`` (one where the bench may create
databases), else a throwaway cluster on loopback for the run (``tools/pgcluster.py``, with
``synchronous_commit=off``: like SQLite's WAL with ``synchronous=NORMAL``, a commit does not
wait for the disk). Without PostgreSQL installed, only SQLite runs, and the table says why.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import Settings

ENGINES = ("sqlite", "postgresql")
_names = itertools.count(1)


def add_engine_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help="storage engines to run on, side by side (default: sqlite,postgresql)",
    )


def chosen(text: str) -> list[str]:
    engines = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in engines if name not in ENGINES]
    if unknown or not engines:
        raise SystemExit(f"--engines takes sqlite and/or postgresql, not {', '.join(unknown)}")
    return engines


@contextlib.contextmanager
def servers(engines: list[str]) -> Iterator[dict[str, str | None]]:
    """engine -> server URL (None for SQLite); starts a throwaway cluster when needed."""
    found: dict[str, str | None] = {name: None for name in engines if name == "sqlite"}
    if "postgresql" not in engines:
        yield found
        return
    url = os.environ.get("MSBOT_BENCH_POSTGRESQL_URL")
    if url:
        yield {**found, "postgresql": url}
        return
    from tools.pgcluster import BENCH_SETTINGS, ClusterError, throwaway_cluster

    try:
        with throwaway_cluster(BENCH_SETTINGS) as cluster:
            print(f"(PostgreSQL: a throwaway cluster at {cluster.url})", flush=True)
            yield {**found, "postgresql": cluster.url}
    except ClusterError as exc:
        print(f"(PostgreSQL skipped: {exc})", flush=True)
        yield found


async def settings_for(
    engine: str, server: str | None, folder: Path, **options: object
) -> Settings:
    """Settings on a fresh database of ``engine`` (a new PostgreSQL database on ``server``)."""
    url = None
    if engine == "postgresql":
        import asyncpg

        assert server is not None
        name = f"msbot_bench_{os.getpid()}_{next(_names)}"
        conn = await asyncpg.connect(server)
        try:
            await conn.execute(f"CREATE DATABASE {name}")
        finally:
            await conn.close()
        url = f"{server.rpartition('/')[0]}/{name}"
    if url is not None:  # only then: an older tree (bench/compare.py) has no such setting
        options["database_url"] = url
    return Settings(  # type: ignore[call-arg]
        database_path=folder / "bench.sqlite3", _env_file=None, **options
    )


@dataclass
class SideBySide:
    """Figures per engine; lower is better unless the unit is a rate (``/s``)."""

    rows: dict[str, dict[str, float]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    engine: str = "sqlite"

    def record(self, metric: str, value: float, unit: str = "ms") -> None:
        self.rows.setdefault(metric, {})[self.engine] = value
        self.units[metric] = unit

    def print(self, engines: list[str]) -> None:
        if len(engines) < 2:
            return
        width = max(len(metric) for metric in self.rows) + 2
        header = "".join(f"{name:>14}" for name in engines)
        print(f"\n{'side by side':<{width}}{header}{'pg/sqlite':>12}")
        for metric, values in self.rows.items():
            unit = self.units[metric]
            cells = "".join(
                f"{values[name]:>11.2f} {unit:<2}" if name in values else f"{'-':>14}"
                for name in engines
            )
            ratio = ""
            if values.get("sqlite") and "postgresql" in values:
                ratio = f"{values['postgresql'] / values['sqlite']:>11.2f}x"
            print(f"{metric:<{width}}{cells}{ratio}")
