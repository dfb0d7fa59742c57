"""/mydata export speaks one JSON vocabulary; /mydata delete speaks plain words."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.app import App
from bot.privacy.inventory import INVENTORY
from bot.privacy.registry import Erasure, erase_summary, export_values
from tests.bot.privacy.test_inventory import MEMBER, seed_everything

#: Columns SQLite stores as 0/1 that mean yes/no.
BOOLEANS = {"public", "active", "hidden", "erase_requested"}


def walk(value: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in walk(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in walk(v, key)]
    return [(key, value)]


async def test_export_is_consistent(app: App) -> None:
    await seed_everything(app)
    data = json.loads(await app.privacy.export_json(MEMBER))
    pairs = walk(data)
    assert len(pairs) > 60  # every feature contributed
    problems = []
    for key, value in pairs:
        is_id = key == "id" or key.endswith(("_id", "_by"))
        if is_id and not (value is None or (isinstance(value, str) and value.isdigit())):
            problems.append(f"{key}={value!r}: ids are strings")
        if key.endswith("_at") and value is not None:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                problems.append(f"{key}={value!r}: times carry their zone")
        if key in BOOLEANS and not isinstance(value, bool):
            problems.append(f"{key}={value!r}: yes/no is true/false")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**9:
            problems.append(f"{key}={value!r}: no raw ids or epoch seconds")
    assert not problems, "\n".join(problems)
    assert data["user_id"] == str(MEMBER)
    streak = data["streaks"]["settings"]
    assert streak["next_reminder_at"].endswith("+00:00")  # was epoch seconds
    assert streak["public"] is True and streak["active"] is True


def test_export_values_converts_by_name() -> None:
    converted = export_values(
        {
            "guild_id": 123456789012345678,
            "closed_by": 9,
            "stars": 4,
            "next_reminder_at": 1767225600,
            "created_at": "2026-01-01T10:00:00",
            "rated_at": "2026-01-01T10:00:00Z",
            "when": datetime(2026, 1, 1, tzinfo=UTC),
            "note": "12:00",
            "items": [{"flag_id": 3}],
        }
    )
    assert converted == {
        "guild_id": "123456789012345678",
        "closed_by": "9",
        "stars": 4,
        "next_reminder_at": "2026-01-01T00:00:00+00:00",
        "created_at": "2026-01-01T10:00:00+00:00",
        "rated_at": "2026-01-01T10:00:00+00:00",
        "when": "2026-01-01T00:00:00+00:00",
        "note": "12:00",
        "items": [{"flag_id": "3"}],
    }


async def test_erase_summary_uses_plain_words(app: App) -> None:
    await seed_everything(app)
    erasure = await app.privacy.erase(MEMBER)
    text = erase_summary(erasure).body
    assert "your streak history (" in text and "article ratings and feedback (" in text
    assert "moderation records (" in text and "server settings you changed (1 record)" in text
    for table in INVENTORY:
        assert table not in text
    assert ": " in text and "_" not in text
    assert "at most 30 days" in text


def test_erase_summary_when_nothing_was_stored() -> None:
    text = erase_summary(Erasure({"streaks": 0}, {"streaks": "your streak history"}, [])).body
    assert text == "There was nothing stored about you to erase."


async def test_delete_warning_says_what_is_kept_and_how_long(app: App) -> None:
    days = app.settings.moderation_retention_days
    warning = app.privacy.delete_warning().body
    assert "cannot be undone" in warning
    assert (
        "reports about you that they have not reviewed yet, those are kept until they are, "
        f"at most {days} days"
    ) in warning


async def test_export_shows_what_the_member_did_as_an_admin_and_an_editor(app: App) -> None:
    """Not only what is about the member: the settings they changed and the feedback they
    resolved carry their id too, so the export shows them."""
    await seed_everything(app)
    data = json.loads(await app.privacy.export_json(MEMBER))
    changed = data["server_settings"]["settings_you_changed"]
    assert [s["key"] for s in changed] == ["moderation_threshold"]
    [resolved] = data["article_ratings"]["feedback_you_resolved"]
    assert resolved["resolved_at"] and "someone else's words" not in json.dumps(data)
