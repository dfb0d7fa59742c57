"""Streaks benchmark: opted-in members with a year of check-ins.

Reports core latency of /checkin and /streak status (p50/p99; status without the PNG, the PNG
separately), the due-reminder query and a whole claim tick, and peak memory.

    .venv/bin/python -m bench streaks                 # quick: 10,000 members
    .venv/bin/python -m bench.streaks --members 100000   # the full size (a few minutes)
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tqdm import tqdm

from bench._engines import SideBySide, add_engine_argument, chosen, servers, settings_for
from bot.app import App
from bot.streaks import rules
from bot.streaks.chart import render_png
from bot.streaks.feature import streaks_of

try:
    from bot.streaks.store import DUE_SQL
except ImportError:  # before the reminder SQL moved to the store (bench.compare runs old refs)
    from bot.streaks.reminders import DUE_SQL  # type: ignore[attr-defined,no-redef]

QUICK_MEMBERS = 10_000
FULL_MEMBERS = 100_000
ZONES = (
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Pacific/Auckland",
    "Africa/Johannesburg",
)
ACTIVITIES = ("walking", "stretching", "yoga", "chair exercises", None)
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
BUSY_HOUR = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # evening in Europe


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(
    name: str, seconds: list[float], aim_ms: float | None = None, table: SideBySide | None = None
) -> None:
    ms = [s * 1000 for s in seconds]
    p50, p99 = statistics.median(ms), percentile(ms, 0.99)
    aim = f"  (aim p99 < {aim_ms:g} ms: {'met' if p99 < aim_ms else 'NOT met'})" if aim_ms else ""
    print(f"{name:<34} n={len(ms):<5} p50={p50:7.2f} ms  p99={p99:7.2f} ms{aim}")
    if table is not None:
        table.record(f"{name} p50", p50)
        table.record(f"{name} p99", p99)


def member_rows(count: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    for user_id in range(1, count + 1):
        zone = ZONES[user_id % len(ZONES)]
        reminder = None
        next_at = None
        if rng.random() < 0.6:  # most members want a reminder
            at = f"{rng.randrange(7, 22):02d}:{rng.randrange(0, 60, 5):02d}"
            reminder = at
            next_at = rules.to_epoch(
                rules.next_reminder_at(START, rules.parse_reminder_time(at), zone)
            )
        yield (user_id, 1, zone, int(rng.random() < 0.2), reminder, next_at, START.isoformat())


def day_rows(
    count: int, days: int, rng: random.Random
) -> Iterator[tuple[tuple[object, ...], tuple[object, ...] | None]]:
    """(streak_days row, streak_checkins row or None) for a year before today."""
    first = START.date() - timedelta(days=days)
    day_names = [(first + timedelta(days=i)).isoformat() for i in range(days)]
    for user_id in range(1, count + 1):
        habit = 0.4 + 0.55 * rng.random()  # how often this member moves
        for day in day_names:
            roll = rng.random()
            if roll < habit:
                minutes = rng.choice((0, 5, 10, 15, 20, 30, 45))
                yield (
                    (user_id, day, 1, minutes, None),
                    (user_id, day, minutes or None, rng.choice(ACTIVITIES), None, day + "T18:00"),
                )
            elif roll < habit + 0.05:
                yield (user_id, day, 0, 0, "fatigue"), None


async def populate(app: App, members: int, days: int) -> None:
    rng = random.Random(42)
    started = time.perf_counter()
    async with app.db.write() as conn:
        await conn.executemany(
            "INSERT INTO streak_members (user_id, guild_id, zone, public, reminder_time, "
            "next_reminder_at, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            member_rows(members, rng),
        )
        batch_days: list[tuple[object, ...]] = []
        batch_log: list[tuple[object, ...]] = []
        # About 72% of member-days get a row (check-in or rest): the bar total is an estimate.
        bar = tqdm(total=int(members * days * 0.72), desc="day rows", unit_scale=True, leave=False)
        for day_row, log_row in day_rows(members, days, rng):
            batch_days.append(day_row)
            if log_row is not None:
                batch_log.append(log_row)
            if len(batch_days) >= 200_000:
                await _flush(conn, batch_days, batch_log)
                bar.update(len(batch_days))
                batch_days, batch_log = [], []
        await _flush(conn, batch_days, batch_log)
        bar.close()
    total = await app.db.fetchval("SELECT COUNT(*) FROM streak_days")
    logs = await app.db.fetchval("SELECT COUNT(*) FROM streak_checkins")
    print(
        f"populated {members:,} members, {total:,} day rows, {logs:,} check-ins "
        f"in {time.perf_counter() - started:.1f} s"
    )


async def _flush(
    conn: object, days: list[tuple[object, ...]], log: list[tuple[object, ...]]
) -> None:
    await conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO streak_days (user_id, day, checkins, minutes, rest_reason) VALUES (?, ?, ?, ?, ?)",
        days,
    )
    await conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO streak_checkins (user_id, day, minutes, activity, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        log,
    )


def join_day_of(member: object) -> tuple[object, ...]:
    """The picture's join day, where this tree's ``render_png`` takes one (an older tree,
    measured by bench/compare.py, draws without it)."""
    if len(inspect.signature(render_png).parameters) > 3:
        return (member.join_day,)  # type: ignore[attr-defined]
    return ()


async def run(
    members: int,
    days: int,
    samples: int,
    png_samples: int,
    ticks: int,
    engine: str = "sqlite",
    server: str | None = None,
    table: SideBySide | None = None,
) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-streaks-") as tmp:
        settings = await settings_for(engine, server, Path(tmp))
        clock = Clock(START)
        async with App(settings, clock=clock) as app:
            s = streaks_of(app)
            await populate(app, members, days)
            rng = random.Random(7)
            users = rng.sample(range(1, members + 1), min(samples, members))

            status_times = []
            for uid in users:
                t0 = time.perf_counter()
                await s.core.status(uid, image=False)
                status_times.append(time.perf_counter() - t0)
            checkin_times = []
            for uid in users:
                t0 = time.perf_counter()
                await s.core.checkin(uid, rng.choice((None, 10, 20)), "walking")
                checkin_times.append(time.perf_counter() - t0)
            png_times = []
            for uid in users[:png_samples]:
                member, history, today = await s.core.status_data(uid)
                t0 = time.perf_counter()
                path = await asyncio.to_thread(
                    render_png, history, today, history.paused(today), *join_day_of(member)
                )
                png_times.append(time.perf_counter() - t0)
                path.unlink()

            # Real ticks: every reminder_tick_seconds (60 s) through a busy evening hour,
            # starting from a state where nothing is overdue.
            query_times, tick_times, due_counts = [], [], []
            tick = timedelta(seconds=app.settings.reminder_tick_seconds)
            clock.now = BUSY_HOUR
            await s.reminders.claim_due(limit=1_000_000)  # catch up once: nothing overdue
            for _ in range(ticks):
                clock.now += tick
                t0 = time.perf_counter()
                rows = await app.db.fetchall(DUE_SQL, (rules.to_epoch(clock.now), 1000))
                query_times.append(time.perf_counter() - t0)
                due_counts.append(len(rows))
                t0 = time.perf_counter()
                await s.reminders.claim_due(limit=1000)
                tick_times.append(time.perf_counter() - t0)

        print(f"size: {members:,} members x {days} days")
        report("/checkin (core)", checkin_times, 10, table)
        report("/streak status (core, no PNG)", status_times, 10, table)
        report("/streak status PNG render", png_times)
        report("due-reminder query per tick", query_times, 50, table)
        report("claim tick (query + advance)", tick_times, None, table)
        print(
            f"due reminders per 60 s tick from {BUSY_HOUR:%H:%M} UTC: "
            f"median {statistics.median(due_counts):.0f}, max {max(due_counts)}"
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (max RSS): {peak_mb:.0f} MB")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.streaks", description=__doc__)
    parser.add_argument("--members", type=int, default=QUICK_MEMBERS)
    parser.add_argument("--full", action="store_true", help=f"{FULL_MEMBERS:,} members")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--png-samples", type=int, default=30)
    parser.add_argument("--ticks", type=int, default=120, help="60-second ticks")
    add_engine_argument(parser)
    args = parser.parse_args(argv)
    members = FULL_MEMBERS if args.full else args.members
    table = SideBySide()
    with servers(chosen(args.engines)) as found:
        for engine, server in found.items():
            print(f"-- {engine}", flush=True)
            table.engine = engine
            asyncio.run(
                run(
                    members,
                    args.days,
                    args.samples,
                    args.png_samples,
                    args.ticks,
                    engine,
                    server,
                    table,
                )
            )
    table.print(list(found))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
