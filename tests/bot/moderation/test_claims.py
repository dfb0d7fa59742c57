"""Two moderators at once: claim (compare-and-set) before any Discord action, release on failure."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import App
from bot.errors import UserError
from bot.moderation import review_store
from bot.moderation.service import ModerationService
from bot.moderation.signals.base import MessageFacts
from bot.moderation.store import Flag
from tests.bot.moderation.conftest import SlowAction
from tests.bot.streaks.conftest import MovableClock

SCAM = "Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp +234 813 555 1234"
MODS = frozenset({"manage_messages", "moderate_members", "ban_members"})
GUILD = 1


async def new_flag(service: ModerationService, message_id: int = 500) -> Flag:
    outcome = await service.check_message(
        MessageFacts(text=SCAM, guild_id=GUILD, channel_id=20, author_id=77, message_id=message_id),
        author_name="scammer",
    )
    assert outcome is not None
    return outcome.flag


async def decisions(app: App) -> list[tuple[str, int]]:
    rows = await app.db.fetchall("SELECT action, moderator_id FROM moderation_decisions")
    return [(row["action"], row["moderator_id"]) for row in rows]


async def test_dismiss_and_delete_together_only_one_acts(
    clocked_app: App, service: ModerationService
) -> None:
    """The issue's race: Dismiss won, yet the message was deleted anyway in 2 of 4 runs."""
    for run in range(12):
        flag = await new_flag(service, message_id=1000 + run)
        deleted_on_discord: list[int] = []

        async def delete_message(
            claimed: Flag, run: int = run, log: list[int] = deleted_on_discord
        ) -> str:
            await asyncio.sleep(0)  # a real HTTP call yields to the event loop
            log.append(run)
            return ""

        delete = service.act(
            GUILD, flag.id, "delete", moderator_id=9, permissions=MODS, perform=delete_message
        )
        dismiss = service.act(GUILD, flag.id, "dismiss", moderator_id=10, permissions=MODS)
        pair = (dismiss, delete) if run % 2 else (delete, dismiss)
        results = await asyncio.gather(*pair, return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert len(errors) == 1 and isinstance(errors[0], UserError)
        final = await service.flag(GUILD, flag.id)
        # The message is deleted on Discord exactly when Delete is the recorded decision.
        assert (final.status == "deleted") == bool(deleted_on_discord)
        rows = await clocked_app.db.fetchall(
            "SELECT action FROM moderation_decisions WHERE flag_id = ?", (flag.id,)
        )
        assert [row["action"] for row in rows] == [final.status]


async def test_second_moderator_is_told_who_is_acting(service: ModerationService) -> None:
    flag = await new_flag(service)
    slow_ban = SlowAction()

    first = asyncio.create_task(
        service.act(GUILD, flag.id, "dismiss", moderator_id=9, permissions=MODS, perform=slow_ban)
    )
    await slow_ban.started.wait()
    with pytest.raises(UserError, match=r"<@9> is acting on flag #\d+ right now"):
        await service.act(GUILD, flag.id, "delete", moderator_id=10, permissions=MODS)
    slow_ban.finish.set()
    assert (await first).status == "dismissed"
    with pytest.raises(UserError, match="already handled by <@9>"):
        await service.act(GUILD, flag.id, "delete", moderator_id=10, permissions=MODS)


async def test_failed_discord_action_releases_the_claim(
    clocked_app: App, service: ModerationService
) -> None:
    flag = await new_flag(service)

    async def forbidden(claimed: Flag) -> str:
        raise RuntimeError("Discord said no")

    with pytest.raises(RuntimeError):
        await service.act(
            GUILD, flag.id, "delete", moderator_id=9, permissions=MODS, perform=forbidden
        )
    again = await service.flag(GUILD, flag.id)
    assert again.is_open and again.claimed_by is None
    assert await decisions(clocked_app) == []  # nothing happened, nothing recorded
    done = await service.act(GUILD, flag.id, "dismiss", moderator_id=10, permissions=MODS)
    assert done.status == "dismissed"


async def test_abandoned_claim_goes_stale(
    clocked_app: App, service: ModerationService, clock: MovableClock
) -> None:
    flag = await new_flag(service)
    stale = clock.now - timedelta(minutes=1)
    taken = await review_store.claim(clocked_app.db, flag.id, GUILD, 9, clock.now, stale)
    assert taken.claimed  # ...and the process died before finishing
    with pytest.raises(UserError, match="acting on"):
        await service.act(GUILD, flag.id, "dismiss", moderator_id=10, permissions=MODS)
    clock.now += timedelta(minutes=2)
    done = await service.act(GUILD, flag.id, "dismiss", moderator_id=10, permissions=MODS)
    assert done.status == "dismissed" and done.claimed_by is None


async def test_decision_is_never_lost_when_a_stale_claim_was_taken_over(
    clocked_app: App, service: ModerationService, clock: MovableClock
) -> None:
    flag = await new_flag(service)
    very_slow_delete = SlowAction()

    slow = asyncio.create_task(
        service.act(
            GUILD, flag.id, "delete", moderator_id=9, permissions=MODS, perform=very_slow_delete
        )
    )
    await very_slow_delete.started.wait()
    clock.now += timedelta(minutes=5)
    await service.act(GUILD, flag.id, "dismiss", moderator_id=10, permissions=MODS)
    very_slow_delete.finish.set()
    result = await slow
    assert result.status == "dismissed"  # the flag keeps the decision that closed it
    assert sorted(await decisions(clocked_app)) == [("deleted", 9), ("dismissed", 10)]


async def test_card_refresh_stays_off_a_flag_a_moderator_holds(
    service: ModerationService,
) -> None:
    flag = await new_flag(service)
    slow = SlowAction()

    acting = asyncio.create_task(
        service.act(GUILD, flag.id, "delete", moderator_id=9, permissions=MODS, perform=slow)
    )
    await slow.started.wait()
    async with service.card_refresh(GUILD, flag.id) as fresh:
        assert fresh is None  # a merged report must not re-render the card now
    slow.finish.set()
    await acting
    async with service.card_refresh(GUILD, flag.id) as fresh:
        assert fresh is None  # closed: the decision's card stands


async def test_moderator_waits_for_the_bots_brief_card_edit(service: ModerationService) -> None:
    flag = await new_flag(service)
    async with service.card_refresh(GUILD, flag.id) as fresh:
        assert fresh is not None and fresh.claimed_by == review_store.BOT_CLAIM
        moderator = asyncio.create_task(
            service.act(GUILD, flag.id, "dismiss", moderator_id=9, permissions=MODS)
        )
        await asyncio.sleep(0.05)
        assert not moderator.done()
    assert (await moderator).status == "dismissed"


async def test_two_card_refreshes_take_turns(service: ModerationService) -> None:
    flag = await new_flag(service)
    order: list[str] = []

    async def refresh(name: str) -> None:
        async with service.card_refresh(GUILD, flag.id) as fresh:
            assert fresh is not None
            order.append(f"{name} in")
            await asyncio.sleep(0.02)
            order.append(f"{name} out")

    await asyncio.gather(refresh("a"), refresh("b"))
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])
