"""Export and erase everything the bot holds about one member, across every feature.

A feature registers a :class:`PrivacySection` with an exporter (returns JSON-ready data) and an
eraser (returns how many records it removed). ``/mydata`` only ever talks to this registry, so a
feature added later is covered the day it registers.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Exporter = Callable[[int], Awaitable[Any]]
Eraser = Callable[[int], Awaitable[int]]


@dataclass(frozen=True)
class PrivacySection:
    name: str
    description: str
    export: Exporter
    erase: Eraser


class PrivacyRegistry:
    def __init__(self) -> None:
        self._sections: dict[str, PrivacySection] = {}

    def register(self, section: PrivacySection) -> None:
        if section.name in self._sections:
            raise ValueError(f"privacy section registered twice: {section.name}")
        self._sections[section.name] = section

    @property
    def sections(self) -> list[PrivacySection]:
        return list(self._sections.values())

    async def export(self, user_id: int) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user_id": str(user_id),
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        for section in self._sections.values():
            data[section.name] = await section.export(user_id)
        return data

    async def export_json(self, user_id: int) -> bytes:
        return json.dumps(
            await self.export(user_id), indent=2, ensure_ascii=False, default=str
        ).encode()

    async def erase(self, user_id: int) -> dict[str, int]:
        return {name: await section.erase(user_id) for name, section in self._sections.items()}
