"""Settings for a bot on the local Discord in tests: absolute data paths, a private database."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def e2e_settings(folder: Path, database: str = "e2e.sqlite3") -> Settings:
    return Settings(  # type: ignore[call-arg]
        database_path=folder / database,
        articles_dir=ROOT / "data" / "articles",
        moderation_rules_dir=ROOT / "data" / "moderation",
        # Tests run the reminder tick themselves, when the clock says reminders are due.
        reminder_tick_seconds=3600,
        _env_file=None,
    )
