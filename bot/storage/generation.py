"""When a cache must be rebuilt: one counter for changes made here, one for changes made by
other processes (the CLI importing articles, a second bot on the same file).

A cache stores the :meth:`Generation.stamp` it was built at, taken *before* it starts
reading. Any change that lands while it reads bumps the generation, so the stamp no longer
matches and the next reader rebuilds: a writer racing a reader can never leave a stale value
behind (``/config set`` racing ``on_message`` did, in a third of the tries).
"""

from __future__ import annotations

from bot.storage.database import Database

Stamp = tuple[int, int]


class Generation:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._local = 0

    def bump(self) -> None:
        """Call after every change of the cached data (in a ``finally``: a write cancelled
        while committing may still have committed)."""
        self._local += 1

    async def stamp(self) -> Stamp:
        """The current generation. Cheap enough for every message: the database is asked
        about other processes at most once a second (see ``Database.external_changes``)."""
        return self._local, await self._db.external_changes()
