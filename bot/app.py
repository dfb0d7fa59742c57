"""The core application: settings, storage and every feature's services, with no Discord in it.

The Discord bot (``bot.discord_bot``) and the CLI build one
:class:`App`. Features plug in by shipping ``bot/<feature>/feature.py`` with a module-level
``FEATURE = Feature(...)``; they are discovered, so adding one touches no shared file.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bot
from bot.guild_config import GuildConfigService
from bot.i18n import _
from bot.privacy import PrivacyRegistry
from bot.settings import Settings
from bot.storage import connect
from bot.storage.leases import Leases

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
CliHandler = Callable[[argparse.Namespace, Settings], Awaitable[int]]


@dataclass(frozen=True)
class Feature:
    """A feature's hooks into the core. ``name`` is also the ``bot/<name>/`` package."""

    name: str
    title: str
    #: Called once per App, before the database is opened: declare config keys, register
    #: privacy sections, and create services on ``app.services``.
    register: Callable[[App], None]
    #: Called after migrations: import shipped data, warm caches.
    start: Callable[[App], Awaitable[None]] | None = None
    stop: Callable[[App], Awaitable[None]] | None = None
    #: Adds ``python -m bot <name> ...`` sub-commands; handlers return an exit code.
    add_cli: Callable[[argparse._SubParsersAction], None] | None = None
    order: int = 100


def discover_features() -> list[Feature]:
    features = []
    for package in bot.__path__:
        for module in pkgutil.iter_modules([package]):
            # Look for feature.py before importing: a package without one (the local Discord,
            # storage, the console) is not imported by a command that does not use it.
            if module.ispkg and (Path(package) / module.name / "feature.py").is_file():
                feature_module = importlib.import_module(f"bot.{module.name}.feature")
                features.append(feature_module.FEATURE)
    return sorted(features, key=lambda f: (f.order, f.name))


def utc_now() -> datetime:
    return datetime.now(UTC)


class App:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        features: list[Feature] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        url = settings.database_url
        self.db = connect(settings.database_path, url.get_secret_value() if url else None)
        self.config = GuildConfigService(self.db)
        #: Jobs done by one bot process at a time when several share the database.
        self.leases = Leases(self.db)
        self.privacy = PrivacyRegistry()
        #: Feature services by name, e.g. ``app.services["articles"]``.
        self.services: dict[str, Any] = {}
        self.features = discover_features() if features is None else features
        for feature in self.features:
            feature.register(self)
        self._started = False
        self._closing: asyncio.Task[None] | None = None

    @property
    def is_started(self) -> bool:
        return self._started

    @property
    def feature_titles(self) -> dict[str, str]:
        return {f.name: _(f.title) for f in self.features}

    def service(self, name: str) -> Any:
        return self.services[name]

    async def start(self) -> None:
        """Open and migrate the database, then start every feature. On any failure, or a
        cancellation (SIGTERM during start-up), everything opened so far is closed again, and
        a problem with the database file becomes one sentence (cause and fix)."""
        try:
            await self.db.open()
            await self.db.migrate()
            for feature in self.features:
                if feature.start is not None:
                    await feature.start(self)
        except BaseException as exc:
            await self.db.close()
            friendly = self.db.explain(exc)
            if friendly is None:
                raise
            raise friendly from None
        self._started = True

    async def close(self) -> None:
        """Stop the features, then close the database once its writes are done. Safe to call
        twice or concurrently (a signal handler and the main task may both close): every
        caller waits for the one close in progress."""
        if self._closing is None or (self._closing.done() and self.db.is_open):
            self._closing = asyncio.ensure_future(self._close())
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        if self._started:
            for feature in reversed(self.features):
                if feature.stop is not None:
                    try:
                        await feature.stop(self)
                    except Exception:
                        log.exception("Feature %s failed to stop cleanly", feature.name)
        await self.db.close()
        self._started = False

    async def __aenter__(self) -> App:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
