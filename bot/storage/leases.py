"""Work that must happen in one process at a time, when several bot processes share a database.

Each such job (the retention purge, flag card redaction, the feed sync, command sync) holds a
row in ``job_leases``: the process whose :meth:`Leases.hold` succeeds does the job, and renews
the lease each time it runs; the others skip their turn. A process that stops stops renewing,
and once its lease expires another process takes the job over. The same SQL on both engines:
one compare-and-set upsert, atomic on SQLite (one writer) and on PostgreSQL (the row lock).

Per-server Discord work is not leased: a server lives on exactly one shard, so the process
running that shard is the only one that sees it (see ``bot.discord_bot``).
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable

from bot.storage.database import Database

RETENTION_PURGE = "moderation-retention-purge"
CARD_REDACTION = "moderation-card-redaction"
FEED_SYNC = "articles-feed-sync"
COMMAND_SYNC = "command-sync"


def lease_for(interval_seconds: float) -> float:
    """How long a loop's lease lasts: two rounds and a minute, so a late round keeps it, and a
    stopped process hands the job over within about two rounds."""
    return 2 * interval_seconds + 60


class Leases:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        #: This process, in the table: random, so it says nothing about anyone.
        self.holder = secrets.token_hex(8)

    async def hold(self, job: str, seconds: float) -> bool:
        """Take the job's lease, or renew it, for ``seconds`` from now. False when another
        process holds a lease that has not expired: skip the job this time."""
        now = int(self._clock())
        async with (
            self._db.write() as conn,
            conn.execute(
                "INSERT INTO job_leases (job, holder, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, "
                "expires_at = excluded.expires_at "
                "WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= ?",
                (job, self.holder, now + math.ceil(seconds), now),
            ) as cursor,
        ):
            return cursor.rowcount == 1

    async def release(self, job: str) -> None:
        """Give the job back at once (this process is stopping, or the one-off job is done)."""
        await self._db.execute_write(
            "DELETE FROM job_leases WHERE job = ? AND holder = ?", (job, self.holder)
        )
