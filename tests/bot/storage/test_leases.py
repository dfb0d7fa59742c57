"""Leases: work that must happen in one bot process at a time (on both engines)."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.storage.leases import Leases, lease_for


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_one_process_holds_a_job_until_its_lease_expires(app: App) -> None:
    clock = Clock()
    first, second = Leases(app.db, clock), Leases(app.db, clock)
    assert await first.hold("purge", 60)
    assert not await second.hold("purge", 60)  # held: the second process skips its turn
    assert await first.hold("purge", 60)  # the holder renews
    assert await second.hold("other-job", 60)  # jobs are independent
    clock.now += 59
    assert not await second.hold("purge", 60)  # renewed at +0: still held
    clock.now += 2
    assert await second.hold("purge", 60)  # the first stopped renewing: taken over
    assert not await first.hold("purge", 60)


async def test_release_hands_the_job_over_at_once(app: App) -> None:
    first, second = Leases(app.db), Leases(app.db)
    assert await first.hold("sync", 120)
    await second.release("sync")  # only the holder can release
    assert not await second.hold("sync", 120)
    await first.release("sync")
    assert await second.hold("sync", 120)


async def test_many_processes_racing_for_a_free_job_give_it_to_one(app: App) -> None:
    contenders = [Leases(app.db) for _ in range(20)]
    won = await asyncio.gather(*(leases.hold("feed", 300) for leases in contenders))
    assert won.count(True) == 1


def test_a_loops_lease_outlives_a_late_round() -> None:
    assert lease_for(600) > 2 * 600
