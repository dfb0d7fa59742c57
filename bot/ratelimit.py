"""One request budget for the whole process: token buckets that async tasks wait on.

Nothing here knows about Discord. ``bot.discord_bot`` makes every REST request the bot sends
wait for :class:`RateBudget`, and background senders (the streak reminders) take a
:meth:`RateBudget.share` of it: a second, smaller limit on their own requests, so that a wave of
100,000 reminders can never use the part of the budget kept free for members' commands.

A limiter is fair (first come, first served) and never lets more than ``burst`` requests through
at once: in any window of ``t`` seconds at most ``burst + rate * t`` are let through. After a
refusal from the server (HTTP 429), :meth:`RateLimiter.hold` stops everyone for the
``retry_after`` it asked for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
#: Rounding slack: a slot 1e-13 short of whole must not wait for a clock too coarse to move.
_SLACK = 1e-9


class RateLimiter:
    """At most ``rate`` acquisitions per second on average and ``burst`` at once, in turn."""

    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"a limiter needs rate > 0 and burst >= 1, got {rate} and {burst}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = burst
        self._updated = clock()
        self._held_until = float("-inf")
        # Waiters queue on the lock (FIFO in asyncio), so a steady stream of newcomers can never
        # starve an earlier one, and only the head of the queue ever sleeps on the clock.
        self._turn = asyncio.Lock()
        #: Acquisitions so far (for logs and benchmarks).
        self.acquired = 0

    def _refill(self, now: float) -> None:
        # max(): a clock that stepped back must not take slots away.
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.burst, self._tokens + elapsed * self.rate)
        self._updated = now

    async def acquire(self) -> None:
        """Wait for this caller's turn and a free slot; then one request may go."""
        async with self._turn:
            while True:
                now = self._clock()
                if now < self._held_until:
                    await self._sleep(self._held_until - now)
                    continue
                self._refill(now)
                if self._tokens >= 1 - _SLACK:
                    self._tokens = max(0.0, self._tokens - 1)
                    self.acquired += 1
                    return
                await self._sleep((1 - self._tokens) / self.rate)

    def hold(self, seconds: float) -> None:
        """Let nothing through for ``seconds`` (a 429's retry-after), then restart from empty."""
        until = self._clock() + max(0.0, seconds)
        if until > self._held_until:
            self._held_until = until
            # Slots "earned" while refused are not banked: no burst right after a 429.
            self._tokens = 0.0
            self._updated = until

    @property
    def held(self) -> bool:
        return self._clock() < self._held_until


class RateBudget:
    """The process-wide budget every request draws from, and capped shares of it.

    A share limits one background consumer. Its requests still draw from the budget when they
    are sent (the budget sees every request); the share only keeps the consumer from taking
    more than its part, so ``headroom`` requests per second always stay free for the rest.
    """

    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        *,
        headroom: float = 0.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limiter = RateLimiter(rate, burst, clock=clock, sleep=sleep)
        self.headroom = headroom
        self._clock = clock
        self._sleep = sleep
        self._shares: dict[str, RateLimiter] = {}

    @property
    def rate(self) -> float:
        return self.limiter.rate

    async def acquire(self) -> None:
        await self.limiter.acquire()

    def hold(self, seconds: float) -> None:
        self.limiter.hold(seconds)

    def share(self, name: str, rate: float, burst: float = 1.0) -> RateLimiter:
        """The limiter for one consumer's requests (the same one each time it asks, so a
        reloaded consumer does not take a second share); refuses to promise more than the
        budget has."""
        if name in self._shares:
            return self._shares[name]
        shared = sum(limiter.rate for limiter in self._shares.values())
        if shared + rate > self.rate - self.headroom:
            raise ValueError(
                f"a share of {rate}/s would leave less than {self.headroom}/s of the "
                f"{self.rate}/s budget for everything else ({shared}/s already shared)"
            )
        limiter = RateLimiter(rate, burst, clock=self._clock, sleep=self._sleep)
        self._shares[name] = limiter
        return limiter
