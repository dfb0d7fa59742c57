"""Reading and writing guild options. Reads are cached: ``on_message`` reads them constantly.

The cache is keyed by generation (see ``bot.storage.generation``): a set racing a read cannot
leave the old value cached, and a change made by another process is seen within a second.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.errors import UserError
from bot.guild_config.keys import ConfigKey
from bot.guild_config.render import show_reply
from bot.i18n import _
from bot.replies import Reply
from bot.storage import Database, Generation, Stamp


def _utc_stamp() -> str:
    """Now, as the column default writes it (2026-05-04T12:00:00.123Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class GuildConfigService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._keys: dict[str, ConfigKey] = {}
        self._generation = Generation(db)
        self._cache: dict[int, tuple[Stamp, dict[str, Any]]] = {}

    # -- declarations ----------------------------------------------------------------------
    def declare(self, key: ConfigKey) -> ConfigKey:
        if key.name in self._keys:
            raise ValueError(f"config key declared twice: {key.name}")
        self._keys[key.name] = key
        return key

    @property
    def keys(self) -> list[ConfigKey]:
        return sorted(self._keys.values(), key=lambda k: (k.feature, k.name))

    def key(self, name: str) -> ConfigKey:
        try:
            return self._keys[name.strip().lower()]
        except KeyError:
            known = ", ".join(sorted(self._keys))
            raise UserError(
                _("There is no option called `{name}`. Options: {known}.").format(
                    name=name[:40], known=known
                )
            ) from None

    # -- values ----------------------------------------------------------------------------
    async def _load(self, guild_id: int) -> dict[str, Any]:
        stamp = await self._generation.stamp()  # before reading: see the module docstring
        cached = self._cache.get(guild_id)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        rows = await self._db.fetchall(
            "SELECT key, value FROM guild_config WHERE guild_id = ?", (guild_id,)
        )
        values = {}
        for row in rows:
            key = self._keys.get(row["key"])
            value = json.loads(row["value"])
            # Checked once here, not on every read: the cache holds only usable values.
            values[row["key"]] = key.stored(value) if key is not None else value
        self._cache[guild_id] = (stamp, values)
        return values

    async def get(self, guild_id: int, name: str) -> Any:
        key = self.key(name)
        values = await self._load(guild_id)
        return values.get(key.name, key.default)

    async def all(self, guild_id: int) -> dict[str, Any]:
        values = await self._load(guild_id)
        return {key.name: values.get(key.name, key.default) for key in self.keys}

    async def set(self, guild_id: int, name: str, raw: str, *, actor_id: int | None = None) -> Any:
        key = self.key(name)
        value = key.parse(raw)
        await self.set_value(guild_id, key.name, value, actor_id=actor_id)
        return value

    async def set_value(
        self, guild_id: int, name: str, value: Any, *, actor_id: int | None = None
    ) -> None:
        key = self.key(name)
        try:
            async with self._db.write() as conn:
                await conn.execute(
                    "INSERT INTO guild_config (guild_id, key, value, updated_by, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, key) DO UPDATE SET "
                    "value = excluded.value, updated_by = excluded.updated_by, "
                    "updated_at = excluded.updated_at",
                    # ensure_ascii=False: text reaches the storage edge as text (a lone
                    # surrogate is replaced there), not as a \ud800 escape that comes back.
                    (
                        guild_id,
                        key.name,
                        json.dumps(value, ensure_ascii=False),
                        actor_id,
                        _utc_stamp(),
                    ),
                )
        finally:
            self._generation.bump()

    async def reset(self, guild_id: int, name: str) -> None:
        key = self.key(name)
        try:
            async with self._db.write() as conn:
                await conn.execute(
                    "DELETE FROM guild_config WHERE guild_id = ? AND key = ?", (guild_id, key.name)
                )
        finally:
            self._generation.bump()

    # -- rendering -------------------------------------------------------------------------
    async def show(self, guild_id: int, feature_titles: dict[str, str]) -> Reply:
        return show_reply(self.keys, await self.all(guild_id), feature_titles)
