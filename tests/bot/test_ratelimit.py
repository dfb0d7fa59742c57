"""The shared request budget: pacing, fairness, back-off after a 429, and shares."""

from __future__ import annotations

import asyncio

import pytest

from bot.ratelimit import RateBudget, RateLimiter


class FakeTime:
    """A clock that only moves when someone sleeps on it (only the head waiter ever does)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def most_in_any_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    start, most = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window - 1e-9:
            start += 1
        most = max(most, end - start + 1)
    return most


async def test_acquisitions_never_exceed_burst_plus_rate_per_second() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, burst=3, clock=fake, sleep=fake.sleep)
    times: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        times.append(fake.now)

    await asyncio.gather(*(one() for _ in range(200)))
    assert limiter.acquired == 200
    assert most_in_any_window(times) <= 3 + 10
    # Paced, not merely capped: 200 at 10 a second take about 20 (fake) seconds.
    assert 19 <= max(times) - min(times) <= 21


async def test_waiters_are_served_in_arrival_order() -> None:
    fake = FakeTime()
    limiter = RateLimiter(5, clock=fake, sleep=fake.sleep)
    order: list[int] = []

    async def one(n: int) -> None:
        await limiter.acquire()
        order.append(n)

    tasks = []
    for n in range(30):
        tasks.append(asyncio.create_task(one(n)))
        await asyncio.sleep(0)  # arrive one after another
    await asyncio.gather(*tasks)
    assert order == list(range(30))


async def test_hold_stops_everyone_then_restarts_without_a_burst() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, burst=5, clock=fake, sleep=fake.sleep)
    await limiter.acquire()
    limiter.hold(4.0)  # a 429 asked us to wait 4 seconds
    assert limiter.held
    held_at = fake.now
    times = []
    for _ in range(3):
        await limiter.acquire()
        times.append(fake.now - held_at)
    assert times[0] >= 4.0
    assert times[1] - times[0] >= 0.1 - 1e-9  # no saved-up burst right after the refusal
    assert not limiter.held


def test_a_shorter_hold_never_shortens_a_longer_one() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, clock=fake)
    limiter.hold(10)
    limiter.hold(1)
    fake.now += 5
    assert limiter.held


async def test_a_clock_that_steps_back_takes_no_slots_away() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, burst=1, clock=fake, sleep=fake.sleep)
    await limiter.acquire()
    fake.now -= 50  # e.g. a simulated clock restarted
    started = fake.now
    await limiter.acquire()
    assert fake.now - started <= 0.1 + 1e-9  # one slot's wait, not fifty seconds' worth


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
    with pytest.raises(ValueError):
        RateLimiter(5, burst=0.5)


def test_shares_keep_headroom_free_and_are_handed_out_once() -> None:
    budget = RateBudget(40, 4, headroom=8)
    reminders = budget.share("reminders", 32)
    assert budget.share("reminders", 32) is reminders  # a reloaded cog gets the same share
    with pytest.raises(ValueError, match="less than 8"):
        budget.share("summaries", 1)
    assert reminders.rate == 32 and budget.rate == 40
