"""Sending claimed reminders: many at once, inside the reminders' share of the rate budget.

A few workers send DMs concurrently (a slow request does not hold up the others), each request
first waiting for the reminders' share of the process-wide rate budget (``bot.ratelimit``). The
claimer keeps only a small queue topped up, claiming as fast as reminders leave: a crash loses at
most one claim batch and the queue (at most once, as before), never a whole wave.

One request per reminder: the member's DM channel id is stored after the first DM, and the
channel is opened again only when it is unknown or Discord says it is gone.

The transport (``DmTransport``) is the only part that knows Discord: the cog implements it with
discord.py; tests and the scale benchmark use fakes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.ratelimit import RateLimiter
from bot.streaks import rules
from bot.streaks.reminders import CLAIM_BATCH, ClaimResult, DueReminder, ReminderService

log = logging.getLogger(__name__)

#: Concurrent sends. At 0.3 s per request, 24 workers could send 80 a second: the rate share,
#: not the latency, sets the pace.
WORKERS = 24
#: Say so in the log when the oldest claimed reminder is this late (seconds) ...
BEHIND_AFTER = 120
#: ... at most this often (seconds), with the backlog size.
BEHIND_LOG_EVERY = 60
#: Waits before retrying a reminder that failed for a passing reason (seconds); the last repeats.
RETRY_DELAYS = (2.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0)


class DmClosedError(Exception):
    """The member does not accept direct messages from the bot."""


class UnknownChannelError(Exception):
    """The DM channel no longer exists."""


class RetryLaterError(Exception):
    """A passing failure (rate limited, server error, network); ``retry_after`` if given."""

    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__(f"retry after {retry_after}" if retry_after else "retry later")
        self.retry_after = retry_after


class DmTransport(Protocol):
    async def open_dm(self, user_id: int) -> int:
        """Open (or find) the DM channel with a member; returns its id."""
        ...

    async def send(self, channel_id: int, reminder: DueReminder) -> None:
        """Send one reminder in a DM channel."""
        ...


@dataclass
class DrainReport:
    sent: int = 0
    closed: int = 0  # DMs refused: reminders turned off, member told next time
    failed: int = 0  # an error retrying cannot fix (logged)
    expired: int = 0  # the member's day ended while a passing failure lasted
    retries: int = 0
    claimed: int = 0
    requests: int = 0
    most_behind: float = 0.0  # seconds: how late the latest-sent claim batch was at worst


class ReminderSender:
    """Drains every due reminder: claims small batches, sends them concurrently, keeps count."""

    def __init__(
        self,
        reminders: ReminderService,
        transport: DmTransport,
        share: RateLimiter,
        *,
        workers: int = WORKERS,
        batch: int = CLAIM_BATCH,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.reminders = reminders
        self.transport = transport
        self.share = share
        self.workers = workers
        self.batch = batch
        self._sleep = sleep
        self._clock = reminders.app.clock
        self._learnt: dict[int, int] = {}  # user id -> DM channel id, not yet stored
        self._last_behind_log: float | None = None
        self.report = DrainReport()

    async def drain(self) -> DrainReport:
        queue: asyncio.Queue[DueReminder] = asyncio.Queue(maxsize=self.workers)
        workers = [asyncio.create_task(self._work(queue)) for _ in range(self.workers)]
        started = self._clock()
        try:
            while True:
                claim = await self.reminders.claim_due(self.batch)
                self.report.claimed += claim.claimed
                await self._note_progress(claim)
                await self._store_learnt()
                for reminder in claim.to_send:
                    await queue.put(reminder)
                if claim.claimed < self.batch:
                    break
            await queue.join()
            await self._store_learnt()
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        if self._last_behind_log is not None:
            minutes = (self._clock() - started).total_seconds() / 60
            log.info(
                "Reminders caught up: %d sent in %.0f minutes (%d could not be sent)",
                self.report.sent,
                minutes,
                self.report.failed + self.report.expired,
            )
        return self.report

    async def _note_progress(self, claim: ClaimResult) -> None:
        if claim.oldest_due is None:
            return
        now = self._clock()
        behind = rules.to_epoch(now) - claim.oldest_due
        self.report.most_behind = max(self.report.most_behind, behind)
        if behind < BEHIND_AFTER:
            return
        clock = now.timestamp()
        if self._last_behind_log is not None and clock - self._last_behind_log < BEHIND_LOG_EVERY:
            return
        self._last_behind_log = clock
        log.warning(
            "Reminders are running %d minutes behind: %d still due. Each is still sent while "
            "its member's day lasts (sending up to %g a second).",
            behind // 60,
            await self.reminders.due_count(now),
            self.share.rate,
        )

    async def _store_learnt(self) -> None:
        learnt, self._learnt = self._learnt, {}
        await self.reminders.remember_dm_channels(learnt)

    async def _work(self, queue: asyncio.Queue[DueReminder]) -> None:
        while True:
            reminder = await queue.get()
            try:
                await self._deliver(reminder)
            except Exception:  # never lose a worker: the rest of the wave still goes out
                self.report.failed += 1
                log.exception("Reminder for %s failed unexpectedly", reminder.user_id)
            finally:
                queue.task_done()

    async def _deliver(self, reminder: DueReminder) -> None:
        attempt = 0
        while True:
            try:
                await self._send_once(reminder)
                self.report.sent += 1
                return
            except DmClosedError:
                await self.reminders.dms_closed(reminder.user_id)
                self.report.closed += 1
                return
            except RetryLaterError as exc:
                if exc.retry_after is not None:
                    self.share.hold(exc.retry_after)
                delay = exc.retry_after or RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                attempt += 1
                retry_at = self._clock() + timedelta(seconds=delay)
                if not self.reminders.still_today(reminder, retry_at):
                    self.report.expired += 1
                    log.warning(
                        "Gave up a reminder for %s after %d tries: their day ended",
                        reminder.user_id,
                        attempt,
                    )
                    return
                self.report.retries += 1
                await self._sleep(delay)
            except UnknownChannelError:
                self.report.failed += 1
                log.warning("Discord lost the DM channel it just opened for %s", reminder.user_id)
                return

    async def _send_once(self, reminder: DueReminder) -> None:
        channel_id = self._learnt.get(reminder.user_id) or reminder.dm_channel_id
        fresh = channel_id is None
        if channel_id is None:
            channel_id = await self._open(reminder.user_id)
        try:
            await self._request()
            await self.transport.send(channel_id, reminder)
        except UnknownChannelError:
            if fresh:
                raise
            # The stored channel is gone: open the DM again, once.
            channel_id = await self._open(reminder.user_id)
            await self._request()
            await self.transport.send(channel_id, reminder)

    async def _open(self, user_id: int) -> int:
        await self._request()
        channel_id = await self.transport.open_dm(user_id)
        self._learnt[user_id] = channel_id
        return channel_id

    async def _request(self) -> None:
        await self.share.acquire()
        self.report.requests += 1
