"""Export and erase everything the bot holds about one member, across every feature.

A feature registers a :class:`PrivacySection` with an exporter (returns JSON-ready data) and an
eraser (returns how many records it removed). ``/mydata`` only ever talks to this registry, so a
feature added later is covered the day it registers. Which column of which table holds what is
listed in ``bot/privacy/inventory.py`` (a test holds the schema to it).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.i18n import _, join_list, ngettext, number
from bot.replies import Reply, Tone

Exporter = Callable[[int], Awaitable[Any]]
Eraser = Callable[[int], Awaitable[int]]


@dataclass(frozen=True)
class PrivacySection:
    name: str
    description: str
    export: Exporter
    erase: Eraser
    #: Plain words for the erase summary, e.g. "your streak history" (never a table name).
    label: str = ""
    #: What a delete deliberately keeps, and for how long; said before the member confirms.
    #: A translatable sentence (``N_``); ``{days}`` is replaced by ``kept_days``.
    kept: str = ""
    kept_days: int = 0

    @property
    def summary_label(self) -> str:
        if self.label:
            return _(self.label)
        return self.description[:1].lower() + self.description[1:]

    @property
    def kept_text(self) -> str:
        return _(self.kept).format(days=number(self.kept_days)) if self.kept else ""


class Erasure(dict[str, int]):
    """Records erased per section name, with the words to tell the member."""

    def __init__(self, counts: dict[str, int], labels: dict[str, str], kept: list[str]) -> None:
        super().__init__(counts)
        self.labels = labels
        self.kept = kept


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
            "user_id": user_id,
            "exported_at": datetime.now(UTC),
        }
        for section in self._sections.values():
            data[section.name] = await section.export(user_id)
        return export_values(data)

    async def export_json(self, user_id: int) -> bytes:
        data = await self.export(user_id)
        return json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()

    async def erase(self, user_id: int) -> Erasure:
        counts = {name: await section.erase(user_id) for name, section in self._sections.items()}
        return Erasure(
            counts,
            {name: section.summary_label for name, section in self._sections.items()},
            [section.kept_text for section in self._sections.values() if section.kept],
        )

    def delete_warning(self) -> Reply:
        """What /mydata delete says before the member confirms."""
        kept = " ".join(section.kept_text for section in self._sections.values() if section.kept)
        return Reply(
            title=_("Erase everything I hold about you?"),
            body=(
                _(
                    "This erases your check-ins, streaks, ratings, feedback and settings for "
                    "good. It cannot be undone."
                )
                + f" {kept}"
            ).rstrip(),
            tone=Tone.WARNING,
        )


def erase_summary(erasure: Erasure) -> Reply:
    """ "Your data is erased: your streak history (8 records), ..." in plain words."""
    parts = [
        ngettext("{what} ({count} record)", "{what} ({count} records)", count).format(
            what=erasure.labels.get(name, name), count=number(count)
        )
        for name, count in erasure.items()
        if count
    ]
    total = sum(erasure.values())
    if not parts:
        body = _("There was nothing stored about you to erase.")
    else:
        body = ngettext(
            "Your data is erased, {count} record: {what}.",
            "Your data is erased, {count} records: {what}.",
            total,
        ).format(count=number(total), what=join_list(parts))
    if erasure.kept:
        body += " " + " ".join(erasure.kept)
    return Reply(body=body, tone=Tone.SUCCESS)


# -- one JSON vocabulary for every feature's export --------------------------------------------
def _is_id(key: str) -> bool:
    return key == "id" or key.endswith("_id") or key.endswith("_by")


def _timestamp(value: Any) -> Any:
    """Any stored time -> ISO 8601 with its zone (UTC when the stored text had none)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):  # UTC epoch seconds (e.g. the next reminder)
        return datetime.fromtimestamp(value, UTC).isoformat(timespec="seconds")
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value  # not a time after all: leave it as written
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.isoformat(timespec="seconds")
    return value


def export_values(value: Any, key: str = "") -> Any:
    """Every Discord id as a string, every ``*_at`` time as ISO 8601 with a zone.

    Booleans are the exporters' job (SQLite gives 0/1, and only the feature knows which
    columns are flags); the export test checks all of it on a real export.
    """
    if isinstance(value, dict):
        return {k: export_values(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [export_values(v, key) for v in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return _timestamp(value)
    if _is_id(key) and isinstance(value, int):
        return str(value)
    if key.endswith("_at"):
        return _timestamp(value)
    return value
