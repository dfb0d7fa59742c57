"""Scale benchmark: a wave of reminders due in one minute, and search as the library grows.

Reminders drive the real path: ``StreakCog.send_due_reminders`` -> the concurrent sender ->
``claim_due`` on SQLite -> discord.py's own HTTP client behind the bot's rate budget. Only
Discord is fake, at the HTTP session level (``FakeDiscord``): every request takes the given
latency, Discord's global limit of 50 requests a second is enforced (each refusal counts as a
429 provoked), and answers carry realistic rate-limit headers, so discord.py's own bucket and
429 handling run as in production. Time runs ``--speed`` times faster: every sleep, the
latency and the rate budget use the simulated clock, while CPU and database work take real
time, which therefore counts ``--speed`` times over in simulated time (pessimistic figures).
Members check in throughout the drain; their latency is measured in real time.

Search times content, misspelt and broad queries at each library size (bench/articles.py's
generator), and searches right after articles change (no search may wait for a rebuild).

    python -m bench scale             # quick: 5,000 reminders; 1,000 and 5,000 articles
    python -m bench scale --full      # 100,000 reminders at 0, 0.1 and 0.3 s; 1k/10k/50k
    python -m bench.scale --part reminders --members 100000 --latency 0.3 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import random
import re
import resource
import statistics
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.articles import import_library, make_library, make_queries, time_searches
from bot.app import App
from bot.settings import Settings

QUICK_MEMBERS = 5_000
FULL_MEMBERS = 100_000
QUICK_SIZES = (1_000, 5_000)
FULL_SIZES = (1_000, 10_000, 50_000)
DISCORD_GLOBAL_LIMIT = 50
#: 08:00 in Paris on a Monday: the minute every member of the wave chose.
DUE = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
CHECKIN_MEMBERS = 2_000  # members with a year of history who check in during the drain
FIRST_REMINDED_ID = 1_000_000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    if not values:
        return "n=0"
    return (
        f"n={len(values)} p50={statistics.median(values) * 1000:.2f} ms "
        f"p99={percentile(values, 0.99) * 1000:.2f} ms max={max(values) * 1000:.2f} ms"
    )


class SimTime:
    """A clock running ``speed`` times faster than the wall clock, and sleeps to match."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start = start
        self.speed = speed
        self.restart()

    def restart(self) -> None:
        self._t0 = time.perf_counter()

    def monotonic(self) -> float:
        return (time.perf_counter() - self._t0) * self.speed

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.monotonic())

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)


@contextlib.contextmanager
def buckets_on(sim: SimTime) -> Iterator[None]:
    """discord.py keeps one rate-limit bucket per route and channel (so one per DM channel)
    and, each time it adds one, scans them all to forget those idle for 300 s (about 1 ms per
    DM at 32 DMs a second in production). Forget them after 300 *simulated* seconds, so the
    benchmark keeps as many buckets as production would, and pays that scan like production
    (in real time, which like all CPU work counts ``speed`` times over)."""
    from discord import http

    original = http.Ratelimit.is_inactive
    idle_after = 300 / sim.speed

    def is_inactive(self: Any) -> bool:
        delta = self._loop.time() - self._last_request
        return delta >= idle_after and self.outgoing == 0 and len(self._pending_requests) == 0

    http.Ratelimit.is_inactive = is_inactive  # type: ignore[method-assign]
    try:
        yield
    finally:
        http.Ratelimit.is_inactive = original  # type: ignore[method-assign]


class FakeResponse:
    def __init__(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        from multidict import CIMultiDict

        self.status = status
        self.reason = "OK" if status < 400 else "Too Many Requests"
        self._text = json.dumps(payload)
        self.headers = CIMultiDict({"content-type": "application/json", "Via": "1.1 google"})
        self.headers.update(headers)

    async def text(self, encoding: str = "utf-8") -> str:
        return self._text


class FakeDiscord:
    """Discord's REST API as far as reminders go (open a DM, send a message), with latency,
    the global limit enforced, and per-route rate-limit headers like the real ones."""

    def __init__(self, sim: SimTime, latency: float) -> None:
        self.sim = sim
        self.latency = latency
        self.arrivals: list[float] = []  # simulated seconds since the drain started
        self._last_second: deque[float] = deque()
        self.refused = 0  # 429s provoked
        self.opened = 0
        self.delivered: set[int] = set()  # channel ids that received their reminder
        self.last_delivery = 0.0
        self._ids = iter(range(10**17, 10**18))

    @contextlib.asynccontextmanager
    async def request(self, method: str, url: str, **kwargs: Any) -> Any:
        now = self.sim.monotonic()
        self.arrivals.append(now)
        while self._last_second and self._last_second[0] <= now - 1.0:
            self._last_second.popleft()
        if len(self._last_second) >= DISCORD_GLOBAL_LIMIT:
            self.refused += 1
            wait = self._last_second[0] + 1.0 - now
            # discord.py sleeps retry_after in wall-clock seconds: scale it to simulated time.
            yield FakeResponse(
                429,
                {
                    "message": "You are being rate limited.",
                    "retry_after": wait / self.sim.speed,
                    "global": True,
                },
                {
                    "Retry-After": f"{wait / self.sim.speed:.3f}",
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                },
            )
            return
        self._last_second.append(now)
        await self.sim.sleep(self.latency)
        if url.endswith("/users/@me/channels"):
            self.opened += 1
            yield FakeResponse(200, dm_channel(json.loads(kwargs["data"])["recipient_id"]), {})
            return
        match = re.search(r"/channels/(\d+)/messages$", url)
        if method == "POST" and match:
            channel_id = int(match[1])
            self.delivered.add(channel_id)
            self.last_delivery = max(self.last_delivery, now)
            yield FakeResponse(
                200,
                message(next(self._ids), channel_id),
                {
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "4",
                    "X-RateLimit-Reset-After": "5",
                    "X-RateLimit-Bucket": "dm-messages",
                },
            )
            return
        raise AssertionError(f"the fake Discord does not know {method} {url}")

    def peak_per_second(self) -> int:
        times = sorted(self.arrivals)
        start = peak = 0
        for end, t in enumerate(times):
            while t - times[start] >= 1.0:
                start += 1
            peak = max(peak, end - start + 1)
        return peak


BOT_USER = {
    "id": "42",
    "username": "ms-companion",
    "discriminator": "0",
    "avatar": None,
    "global_name": None,
    "bot": True,
}


def channel_of(user_id: int) -> int:
    return 5 * 10**17 + user_id


def dm_channel(user_id: int | str) -> dict[str, Any]:
    user = {
        "id": str(user_id),
        "username": "member",
        "discriminator": "0",
        "avatar": None,
        "global_name": None,
    }
    return {
        "id": str(channel_of(int(user_id))),
        "type": 1,
        "last_message_id": None,
        "recipients": [user],
    }


def message(message_id: int, channel_id: int) -> dict[str, Any]:
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 0,
        "content": "",
        "author": BOT_USER,
        "embeds": [],
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "pinned": False,
        "mention_everyone": False,
        "tts": False,
        "components": [],
        "flags": 0,
        "timestamp": DUE.isoformat(),
        "edited_timestamp": None,
    }


# -- reminders -----------------------------------------------------------------------------
@dataclass
class DrainFigures:
    members: int
    latency: float
    warm: bool
    last_left_minutes: float = 0.0
    dropped: int = 0
    peak_per_second: int = 0
    refused: int = 0
    requests: int = 0
    checkins_idle: list[float] = field(default_factory=list)
    checkins_during: list[float] = field(default_factory=list)
    claims: list[float] = field(default_factory=list)
    behind_logs: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0


def wave_rows(members: int, warm: bool) -> Iterator[tuple[object, ...]]:
    due = int(DUE.timestamp())
    joined = (DUE - timedelta(days=30)).isoformat()
    for user_id in range(FIRST_REMINDED_ID, FIRST_REMINDED_ID + members):
        channel = channel_of(user_id) if warm else None
        yield (user_id, 1, "Europe/Paris", "08:00", due, channel, joined)


async def populate_wave(app: App, members: int, warm: bool) -> None:
    from bench.streaks import day_rows

    rng = random.Random(42)
    async with app.db.write() as conn:
        await conn.executemany(
            "INSERT INTO streak_members (user_id, guild_id, zone, reminder_time, "
            "next_reminder_at, dm_channel_id, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            wave_rows(members, warm),
        )
        joined = (DUE - timedelta(days=400)).isoformat()
        await conn.executemany(
            "INSERT INTO streak_members (user_id, guild_id, zone, joined_at) VALUES (?, 1, ?, ?)",
            [(u, "Europe/Paris", joined) for u in range(1, CHECKIN_MEMBERS + 1)],
        )
        days: list[tuple[object, ...]] = []
        log: list[tuple[object, ...]] = []
        for day_row, log_row in day_rows(CHECKIN_MEMBERS, 365, rng):
            days.append(day_row)
            if log_row is not None:
                log.append(log_row)
            if len(days) >= 50_000:
                await _insert_history(conn, days, log)
                days, log = [], []
        await _insert_history(conn, days, log)


async def _insert_history(
    conn: Any, days: list[tuple[object, ...]], log: list[tuple[object, ...]]
) -> None:
    await conn.executemany(
        "INSERT INTO streak_days (user_id, day, checkins, minutes, rest_reason) "
        "VALUES (?, ?, ?, ?, ?)",
        days,
    )
    await conn.executemany(
        "INSERT INTO streak_checkins (user_id, day, minutes, activity, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        log,
    )


class BehindLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def checkins(app: App, stop: asyncio.Event, times: list[float], pause: float) -> None:
    from bot.streaks.feature import streaks_of

    s = streaks_of(app)
    rng = random.Random(9)
    while not stop.is_set():
        user_id = rng.randrange(1, CHECKIN_MEMBERS + 1)
        started = time.perf_counter()
        await s.core.checkin(user_id, rng.choice((None, 10, 20)), "walking")
        times.append(time.perf_counter() - started)
        await asyncio.sleep(pause)


async def drain_once(members: int, latency: float, speed: float, warm: bool) -> DrainFigures:
    from bot.discord_bot import (
        COMMANDS_HEADROOM,
        REQUEST_BURST,
        REQUESTS_PER_SECOND,
        MSBot,
    )
    from bot.ratelimit import RateBudget
    from bot.streaks.feature import streaks_of
    from cogs.streaks import StreakCog

    figures = DrainFigures(members, latency, warm)
    sim = SimTime(DUE, speed)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        settings = Settings(database_path=Path(tmp) / "bench.sqlite3", _env_file=None)  # type: ignore[call-arg]
        async with App(settings, clock=sim.now) as app:
            await populate_wave(app, members, warm)
            budget = RateBudget(
                REQUESTS_PER_SECOND,
                REQUEST_BURST,
                headroom=COMMANDS_HEADROOM,
                clock=sim.monotonic,
                sleep=sim.sleep,
            )
            bot = MSBot(app, rate_budget=budget)
            await bot._async_setup_hook()
            import discord

            bot._connection.user = discord.ClientUser(state=bot._connection, data=BOT_USER)  # type: ignore[arg-type]
            fake = FakeDiscord(sim, latency)
            # What discord.py's login does, with the network replaced by the fake.
            bot.http._HTTPClient__session = fake  # type: ignore[attr-defined]
            bot.http._global_over = asyncio.Event()
            bot.http._global_over.set()
            cog = StreakCog(bot)
            reminders = streaks_of(app).reminders
            claim_due = reminders.claim_due

            async def timed_claim(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await claim_due(*args, **kwargs)
                finally:
                    figures.claims.append(time.perf_counter() - started)

            reminders.claim_due = timed_claim  # type: ignore[method-assign]

            stop = asyncio.Event()
            # Check-ins alone first (the reference), then during the drain.
            idle = asyncio.create_task(checkins(app, stop, figures.checkins_idle, 0.02))
            await asyncio.sleep(4)
            stop.set()
            await idle
            stop.clear()
            behind = BehindLog()
            logging.getLogger("bot.streaks.delivery").addHandler(behind)
            sim.restart()
            wall = time.perf_counter()
            during = asyncio.create_task(checkins(app, stop, figures.checkins_during, 0.02))
            try:
                with buckets_on(sim):
                    await cog.send_due_reminders()
            finally:
                stop.set()
                await during
                logging.getLogger("bot.streaks.delivery").removeHandler(behind)
            figures.wall_seconds = time.perf_counter() - wall
            figures.behind_logs = behind.messages
            figures.last_left_minutes = fake.last_delivery / 60
            figures.dropped = members - len(fake.delivered)
            figures.peak_per_second = fake.peak_per_second()
            figures.refused = fake.refused
            figures.requests = len(fake.arrivals)
    return figures


def report_drains(runs: list[DrainFigures]) -> None:
    first = runs[0]
    kind = "DM channels known" if first.warm else "first reminders (DM channels unknown)"
    med = statistics.median
    print(
        f"{first.members:,} reminders due at 08:00, {first.latency:g} s per request, {kind}, "
        f"{len(runs)} run(s):"
    )
    print(
        f"  last reminder left after {med(r.last_left_minutes for r in runs):.1f} min (median; "
        f"runs: {', '.join(f'{r.last_left_minutes:.1f}' for r in runs)}); "
        f"dropped {max(r.dropped for r in runs)}; 429s provoked {max(r.refused for r in runs)}; "
        f"peak {max(r.peak_per_second for r in runs)} requests/s "
        f"(Discord allows {DISCORD_GLOBAL_LIMIT}); {med(r.requests for r in runs):,.0f} requests"
    )
    during = [percentile(r.checkins_during, 0.99) * 1000 for r in runs]
    idle = [percentile(r.checkins_idle, 0.99) * 1000 for r in runs]
    print(
        f"  /checkin p99 during the drain {med(during):.2f} ms (aim < 20 ms: "
        f"{'met' if med(during) < 20 else 'NOT met'}; runs: "
        f"{', '.join(f'{d:.1f}' for d in during)}); without a drain {med(idle):.2f} ms"
    )
    print(f"  /checkin during the drain, last run: {ms(runs[-1].checkins_during)}")
    print(f"  claim transactions, last run: {ms(runs[-1].claims)}")
    print(
        f"  'behind' log lines: {len(runs[-1].behind_logs)}, e.g. "
        f"{runs[-1].behind_logs[len(runs[-1].behind_logs) // 2] if runs[-1].behind_logs else '-'}"
    )
    print(f"  wall time per run {med(r.wall_seconds for r in runs):.0f} s")


async def run_reminders(
    members: int, latencies: list[float], speed: float, runs: int, channels: str
) -> None:
    print(
        f"simulated time runs {speed:g}x faster; rate budget and latency in simulated seconds",
        flush=True,
    )
    cases = [(latency, True) for latency in latencies] if channels != "unknown" else []
    if channels != "known":  # the first reminders after an upgrade: two requests each
        cases.append((max(latencies), False))
    for latency, warm in cases:
        results = [await drain_once(members, latency, speed, warm) for _ in range(runs)]
        report_drains(results)


# -- search --------------------------------------------------------------------------------
async def search_size(n_articles: int, seed: int) -> dict[str, list[float]]:
    rng = random.Random(seed)
    library = make_library(rng, n_articles)
    timings: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-search-") as tmp:
        empty = Path(tmp) / "articles"
        empty.mkdir()
        settings = Settings(  # type: ignore[call-arg]
            database_path=Path(tmp) / "bench.sqlite3", articles_dir=empty, _env_file=None
        )
        async with App(settings) as app:
            service = app.services["articles"]
            started = time.perf_counter()
            await import_library(service, library, rng, n_articles)
            imported = time.perf_counter() - started
            started = time.perf_counter()
            await service.catalog()
            timings["catalogue ready after import"] = [time.perf_counter() - started]
            print(f"  {n_articles:,} articles imported in {imported:.0f} s", flush=True)
            content, typos, broad = make_queries(library, rng)
            timings["content"] = await time_searches(service, content)
            timings["misspelt"] = await time_searches(service, typos)
            timings["broad"] = await time_searches(service, broad)
            # An editor updates articles while members search: each search right after a
            # change must not wait for anything to be rebuilt.
            changed, after = [], []
            for i in range(40):
                article = make_library_article(library, rng, rng.randrange(n_articles), i)
                t = time.perf_counter()
                await service.upsert(article, "bench:")
                changed.append(time.perf_counter() - t)
                after += await time_searches(service, [typos[i % len(typos)]])
            timings["article update"] = changed
            timings["search right after an update"] = after
    return timings


def make_library_article(library: Any, rng: random.Random, index: int, version: int) -> Any:
    from bench.articles import make_article

    article = make_article(library, rng, index)
    return type(article)(
        slug=article.slug,
        title=article.title,
        summary=article.summary,
        body=f"{article.body} revised{version}",
        tags=article.tags,
    )


async def run_search(sizes: list[int], runs: int) -> None:
    results: dict[int, list[dict[str, list[float]]]] = {}
    for n in sizes:
        results[n] = []
        for run in range(runs):
            results[n].append(await search_size(n, 20261123 + run))
    print(f"search, median of {runs} run(s): p99 (p50) in ms")
    kinds = list(results[sizes[0]][0])
    print(
        f"  {'':<30}" + "".join(f"{n:>18,}" for n in sizes) + f"   p99 {sizes[-1]:,}/{sizes[0]:,}"
    )
    for kind in kinds:
        p99 = [statistics.median(percentile(r[kind], 0.99) for r in results[n]) for n in sizes]
        p50 = [statistics.median(statistics.median(r[kind]) for r in results[n]) for n in sizes]
        cells = "".join(
            f"{f'{a * 1000:.2f} ({b * 1000:.2f})':>18}" for a, b in zip(p99, p50, strict=True)
        )
        print(f"  {kind:<30}{cells}   {p99[-1] / p99[0]:.2f}x")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--full", action="store_true", help="the issue's sizes")
    parser.add_argument("--part", choices=("all", "reminders", "search"), default="all")
    parser.add_argument("--members", type=int, help="reminders due in the same minute")
    parser.add_argument("--latency", type=float, action="append", help="seconds per request")
    parser.add_argument("--speed", type=float, help="simulated seconds per wall second")
    parser.add_argument(
        "--channels",
        choices=("known", "unknown", "both"),
        help="DM channels known (steady state) or not yet (first reminders); --full: both",
    )
    parser.add_argument("--sizes", type=int, nargs="+", help="library sizes for search")
    parser.add_argument("--runs", type=int, default=1, help="repeat and report medians")
    args = parser.parse_args(argv)
    members = args.members or (FULL_MEMBERS if args.full else QUICK_MEMBERS)
    latencies = args.latency or ([0.0, 0.1, 0.3] if args.full else [0.3])
    speed = args.speed or (5.0 if args.full else 10.0)
    sizes = args.sizes or list(FULL_SIZES if args.full else QUICK_SIZES)
    if args.part in ("all", "reminders"):
        channels = args.channels or ("both" if args.full else "known")
        asyncio.run(run_reminders(members, latencies, speed, args.runs, channels))
    if args.part in ("all", "search"):
        asyncio.run(run_search(sizes, args.runs))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
