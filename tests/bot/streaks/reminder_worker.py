"""One bot core in its own process, sending every due reminder it can claim (the two-process test).

``python -m tests.bot.streaks.reminder_worker DATABASE_PATH DATABASE_URL|- NOW_ISO GO_FILE OUT``:
once started, writes OUT.ready and waits until GO_FILE exists (so that both processes start
claiming together), drains the due reminders
through the real claim and sender with a recording DM transport, and writes the user ids it sent
to OUT as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from bot.app import App
from bot.ratelimit import RateLimiter
from bot.settings import Settings
from bot.streaks.delivery import ReminderSender
from bot.streaks.feature import streaks_of
from bot.streaks.reminders import DueReminder


class RecordingDms:
    def __init__(self) -> None:
        self.sent: list[int] = []

    async def open_dm(self, user_id: int) -> int:
        await asyncio.sleep(0)
        return 10_000_000 + user_id

    async def send(self, channel_id: int, reminder: DueReminder) -> None:
        await asyncio.sleep(0)
        self.sent.append(reminder.user_id)


async def main(path: str, url: str, now: str, go: str, out: str) -> None:
    settings = Settings(  # type: ignore[call-arg]
        database_path=Path(path), database_url=None if url == "-" else url, _env_file=None
    )
    moment = datetime.fromisoformat(now)
    async with App(settings, clock=lambda: moment) as app:
        dms = RecordingDms()
        sender = ReminderSender(streaks_of(app).reminders, dms, RateLimiter(1e6, burst=1000))
        await asyncio.to_thread(wait_for_the_other, out, go)
        await sender.drain()
    await asyncio.to_thread(Path(out).write_text, json.dumps(dms.sent))


def wait_for_the_other(out: str, go: str) -> None:
    Path(f"{out}.ready").touch()
    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.01)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
