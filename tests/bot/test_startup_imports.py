"""A quick start: commands import only what they need (matplotlib and numpy cost about 0.7 s
and 60 MB, and only the /streak status picture uses them; discord.py only when connecting; the
local Discord only for the console)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

HEAVY = ("matplotlib", "numpy", "discord", "bot.local_discord")


def loaded_after(script: str, tmp_path: Path) -> set[str]:
    """Which of HEAVY a fresh interpreter has imported after running ``script``."""
    check = textwrap.dedent(script) + textwrap.dedent(
        f"""
        import sys
        print("LOADED:" + ",".join(name for name in {HEAVY!r} if name in sys.modules))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"MSBOT_DATABASE_PATH": str(tmp_path / "bot.sqlite3"), "PATH": ""},
    )
    [loaded] = [line for line in result.stdout.splitlines() if line.startswith("LOADED:")]
    return set(filter(None, loaded.removeprefix("LOADED:").split(",")))


def test_the_console_starts_without_the_heavy_libraries(tmp_path: Path) -> None:
    script = """
        import asyncio
        from bot.__main__ import build_parser
        from bot.app import App
        from bot.settings import load_settings

        build_parser()

        async def start_and_stop():
            async with App(load_settings()):
                pass

        asyncio.run(start_and_stop())
    """
    assert loaded_after(script, tmp_path) == set()


def test_the_scan_command_needs_neither_discord_nor_the_picture(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "good morning everyone", "label": "ham"}\n', encoding="utf-8")
    script = f"""
        from bot.__main__ import main
        assert main(["moderation", "scan", {str(rows)!r}]) == 0
    """
    assert loaded_after(script, tmp_path) == set()


def test_the_status_picture_still_draws(tmp_path: Path) -> None:
    script = """
        from datetime import date
        from bot.streaks.chart import render_png
        from bot.streaks.store import History

        render_png(History(), date(2026, 3, 2), set(), date(2026, 1, 5)).unlink()
    """
    assert loaded_after(script, tmp_path) == {"matplotlib", "numpy"}
