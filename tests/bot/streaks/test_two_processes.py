"""Two bot processes on one database claim the same wave of reminders: each is sent once.

Real processes (not tasks): on PostgreSQL the claim's ``FOR UPDATE SKIP LOCKED`` keeps their
claims apart; on SQLite ``BEGIN IMMEDIATE`` makes them take turns on the file.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import App
from bot.settings import Settings
from bot.streaks import rules

REMINDERS = 10_000
NOW = datetime(2026, 3, 2, 18, 0, 30, tzinfo=UTC)  # 19:00:30 in Paris
PROJECT = Path(__file__).resolve().parents[3]


async def _seed(settings: Settings) -> None:
    due = rules.to_epoch(NOW - timedelta(seconds=30))
    joined = (NOW - timedelta(days=3)).isoformat()
    async with App(settings, clock=lambda: NOW) as app, app.db.write() as conn:
        await conn.executemany(
            "INSERT INTO streak_members (user_id, guild_id, zone, reminder_time, "
            "next_reminder_at, joined_at) VALUES (?, 1, 'Europe/Paris', '19:00', ?, ?)",
            [(user, due, joined) for user in range(1, REMINDERS + 1)],
        )


def _run_two_workers(settings: Settings, tmp_path: Path) -> list[list[int]]:
    """Start both processes, let them claim together, and return what each sent."""
    url = settings.database_url.get_secret_value() if settings.database_url else "-"
    go = tmp_path / "go"
    outputs = [tmp_path / f"sent-{n}.json" for n in (1, 2)]
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.bot.streaks.reminder_worker",
                str(settings.database_path),
                url,
                NOW.isoformat(),
                str(go),
                str(out),
            ],
            cwd=PROJECT,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        for out in outputs
    ]
    ready = [Path(f"{out}.ready") for out in outputs]
    for _ in range(6000):  # both started (imports, migrations checked): claim together
        if all(path.exists() for path in ready) or any(w.poll() is not None for w in workers):
            break
        time.sleep(0.01)
    go.touch()
    assert [worker.wait(timeout=600) for worker in workers] == [0, 0]
    return [json.loads(out.read_text()) for out in outputs]


async def test_two_processes_send_each_of_10000_reminders_exactly_once(
    settings: Settings, tmp_path: Path, engine: str
) -> None:
    await _seed(settings)
    sent = await asyncio.to_thread(_run_two_workers, settings, tmp_path)
    together = sent[0] + sent[1]
    assert len(together) == REMINDERS, "a reminder was sent twice, or not at all"
    assert sorted(together) == list(range(1, REMINDERS + 1))
    print(f"reminders sent by each process ({engine}): {len(sent[0])} and {len(sent[1])}")
    if engine == "postgresql":  # SKIP LOCKED: they claim side by side (SQLite: in turns)
        assert sent[0] and sent[1], "both processes took part"
    async with App(settings, clock=lambda: NOW) as app:
        left = await app.db.fetchval(
            "SELECT COUNT(*) FROM streak_members WHERE next_reminder_at <= ?",
            (rules.to_epoch(NOW),),
        )
    assert left == 0
