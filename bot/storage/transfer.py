"""Moving a community from its SQLite file to PostgreSQL: ``python -m bot migrate-data --to URL``.

Everything is copied in one PostgreSQL transaction, so a failure leaves the target as empty as
it was. The target must be empty (a new database): copying into one that already holds data
would mix two communities' records. Then the row counts of every table are compared, and the
identity sequences set past the copied ids, so new rows get new ids.

The SQLite file is read inside one read transaction: a consistent snapshot even if the bot is
still running (stop it anyway, or what it writes after the snapshot stays behind).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.errors import UserError
from bot.storage.postgresql import PostgreSQLDatabase, clean_value
from bot.storage.sqlite import SQLiteDatabase

#: Rows read from SQLite and sent to PostgreSQL at a time.
BATCH = 2000
#: Not copied: each database records its own migrations (the versions are compared instead).
_OWN_BOOKKEEPING = {"schema_version"}


class Progress(Protocol):
    def update(self, n: int) -> Any: ...

    def set_description(self, desc: str) -> Any: ...


@dataclass
class TransferReport:
    #: table -> (rows in SQLite, rows in PostgreSQL after the copy)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def mismatched(self) -> list[str]:
        return [table for table, (source, target) in self.counts.items() if source != target]

    @property
    def rows(self) -> int:
        return sum(source for source, _ in self.counts.values())


def copy_order(tables: list[str], references: dict[str, set[str]]) -> list[str]:
    """Tables with the ones they reference first (foreign keys are checked row by row)."""
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(table: str) -> None:
        if table in ordered or table in visiting:
            return
        visiting.add(table)
        for parent in sorted(references.get(table, ())):
            if parent in tables:
                visit(parent)
        visiting.discard(table)
        ordered.append(table)

    for table in sorted(tables):
        visit(table)
    return ordered


async def transfer(
    source: SQLiteDatabase,
    target: PostgreSQLDatabase,
    progress: Callable[[int], Progress] | None = None,
) -> TransferReport:
    """Copy every row of ``source`` into the empty ``target`` (both open and migrated)."""
    source_version, target_version = await source.schema_version(), await target.schema_version()
    if source_version != target_version:
        raise UserError(
            f"The SQLite file is at schema version {source_version} and PostgreSQL at "
            f"{target_version}: run this with the bot version that migrated both."
        )
    target_schema = await target.schema()
    generated = {
        (row["table_name"], row["column_name"])
        for row in await target.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_generated <> 'NEVER'"
        )
    }
    source_schema = await source.schema()
    tables = [t for t in target_schema if t in source_schema and t not in _OWN_BOOKKEEPING]
    await _refuse_unless_empty(target, tables)
    references = {
        table: {str(row["table"]) for row in await source.fetchall(_foreign_keys(table))}
        for table in tables
    }
    order = copy_order(tables, references)
    report = TransferReport()
    async with source.snapshot() as read:
        counts = {
            table: int(await read.fetchval(f"SELECT COUNT(*) FROM {table}")) for table in order
        }
        bar = progress(sum(counts.values())) if progress else None
        async with target.write() as conn:
            raw = conn.raw  # type: ignore[attr-defined]
            for table in order:
                # Triggers off while copying: the rating totals and change notices are copied
                # or not needed, and would otherwise be counted twice.
                await raw.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for table in order:
                columns = [c for c in target_schema[table] if (table, c) not in generated]
                if bar is not None:
                    bar.set_description(table)
                async for rows in read.batches(f"SELECT {', '.join(columns)} FROM {table}", BATCH):
                    await raw.copy_records_to_table(
                        table,
                        records=[tuple(clean_value(v) for v in row) for row in rows],
                        columns=columns,
                    )
                    if bar is not None:
                        bar.update(len(rows))
            for table in order:
                await raw.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            await _restart_identities(conn)
    for table in order:
        copied = int(await target.fetchval(f"SELECT COUNT(*) FROM {table}"))
        report.counts[table] = (counts[table], copied)
    return report


def _foreign_keys(table: str) -> str:
    return f"SELECT * FROM pragma_foreign_key_list('{table}')"


async def _refuse_unless_empty(target: PostgreSQLDatabase, tables: list[str]) -> None:
    for table in tables:
        rows = int(await target.fetchval(f"SELECT COUNT(*) FROM {table}"))
        if rows:
            raise UserError(
                f"The PostgreSQL database {target.describe()} is not empty ({table} has {rows:,} "
                "rows): copy into a new, empty database (`createdb -O USER NAME`), so that no "
                "data is mixed or overwritten."
            )


async def _restart_identities(conn: Any) -> None:
    """New ids start after the highest copied one (an identity sequence does not know them)."""
    identities = await conn.fetchall(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for table, column in identities:
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
            f"COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
        )
