"""Moderation buttons and menus act only within the clicker's rank, in the channel that counts.

Over the real core with the spec'd fakes: a plain member's clicks, Discord's role order, the
owner, team members, channel overrides, and follow-up menus used after a permission was lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.app import App
from bot.moderation.feature import service_of
from cogs._moderation_redaction import CardRedactor
from cogs._moderation_views import BanConfirmView, FlagButton, RuleView, TimeoutView
from tests.cogs.test_moderation import SCAM, World, flag_scam
from tests.helpers import (
    OWNER_ID,
    admin_permissions,
    click,
    make_interaction,
    make_member,
    make_role,
    override_permissions,
)

MOD_ROLE = 10


@pytest.fixture
async def world(app: App) -> World:
    await app.config.set(1, "moderation_review_channel", str(555_000_000_000_000_001))
    return World(app)


def on_card(world: World, user: Any) -> MagicMock:
    """A click on the card, in the review channel (where Discord resolves the permissions)."""
    return make_interaction(
        world.app, user=user, guild=world.guild, channel=world.review, message=world.card_message
    )


def only_text(interaction: MagicMock) -> str:
    return "\n".join(sent.text for sent in interaction.sent)


async def open_flag(world: World) -> int:
    flag_id = await flag_scam(world)
    assert (await service_of(world.app).flag(1, flag_id)).is_open
    return flag_id


async def assert_still_open(world: World, flag_id: int) -> None:
    flag = await service_of(world.app).flag(1, flag_id)
    assert flag.is_open and flag.claimed_by is None
    assert await world.app.db.fetchval("SELECT COUNT(*) FROM moderation_decisions") == 0


# -- a plain member (issue 11, item 4) ---------------------------------------------------------
@pytest.mark.parametrize(
    ("action", "needed"),
    [
        ("dismiss", "Manage Messages"),
        ("timeout", "Moderate Members"),
        ("delete", "Manage Messages"),
    ],
)
async def test_plain_member_pressing_a_card_button_is_refused(
    world: World, action: str, needed: str
) -> None:
    flag_id = await open_flag(world)
    press = on_card(world, world.member)
    await click(FlagButton(action, flag_id), press)
    assert press.sent[0].ephemeral and needed in press.sent[0].text
    assert press.sent[0].view is None  # no timeout menu for them
    world.partial.delete.assert_not_awaited()
    world.author.timeout.assert_not_awaited()
    await assert_still_open(world, flag_id)


async def test_plain_member_pressing_restore_is_refused(world: World) -> None:
    await world.app.config.set(1, "moderation_auto_hide", "on")
    await world.app.config.set(1, "moderation_auto_hide_multiple", "1")
    await world.cog.on_message(world.message(SCAM))
    flag_id = int(await world.app.db.fetchval("SELECT id FROM moderation_flags"))
    press = on_card(world, world.member)
    await click(FlagButton("restore", flag_id), press)
    assert "Manage Messages" in press.sent[0].text
    world.general.send.assert_not_awaited()  # nothing reposted
    await assert_still_open(world, flag_id)


async def test_plain_member_cannot_open_details(world: World) -> None:
    flag_id = await open_flag(world)
    press = on_card(world, world.member)
    await click(FlagButton("details", flag_id), press)
    assert "Manage Messages" in press.sent[0].text and "+234" not in only_text(press)
    mod = on_card(world, world.mod)
    await click(FlagButton("details", flag_id), mod)
    assert mod.sent[0].ephemeral and "+234 813 555 1234" in mod.sent[0].text


# -- role hierarchy (issue 11, item 1) ---------------------------------------------------------
async def test_junior_moderator_cannot_ban_a_member_ranked_above_them(world: World) -> None:
    world.author.top_role = make_role(MOD_ROLE + 5)  # e.g. a long-standing "Veteran" role
    flag_id = await open_flag(world)
    press = on_card(world, world.mod)
    await click(FlagButton("ban", flag_id), press)
    assert "same as or above yours" in press.sent[0].text
    assert not isinstance(press.sent[0].view, BanConfirmView)
    world.guild.ban.assert_not_awaited()
    await assert_still_open(world, flag_id)


async def test_senior_admin_reported_by_a_member_is_never_banned_or_timed_out(
    world: World,
) -> None:
    admin = make_member(
        4242, "admin", guild=world.guild, permissions=admin_permissions(), top_role=40
    )
    world.guild.get_member = MagicMock(return_value=admin)
    reporter = make_member(30, "reporter", guild=world.guild)
    report = make_interaction(world.app, user=reporter, guild=world.guild)
    await world.cog.file_report(report, world.message("you are all idiots", author=admin), "rude")
    flag_id = int(await world.app.db.fetchval("SELECT id FROM moderation_flags"))
    for action in ("ban", "timeout"):
        press = on_card(world, world.mod)
        await click(FlagButton(action, flag_id), press)
        assert "moderator or admin" in press.sent[0].text
    world.guild.ban.assert_not_awaited()
    admin.timeout.assert_not_awaited()


async def test_bot_below_the_author_refuses_with_what_to_do(world: World) -> None:
    world.guild.me.top_role = make_role(3)
    world.author.top_role = make_role(5)
    flag_id = await open_flag(world)
    press = on_card(world, world.mod)
    await click(FlagButton("timeout", flag_id), press)
    assert "My highest role is not above" in press.sent[0].text
    world.author.timeout.assert_not_awaited()


async def test_owner_cannot_be_banned_and_owner_outranks_everyone(world: World) -> None:
    owner_author = make_member(OWNER_ID, "owner", guild=world.guild)
    world.guild.get_member = MagicMock(return_value=owner_author)
    await world.cog.file_report(
        make_interaction(world.app, user=world.member, guild=world.guild),
        world.message("a joke", author=owner_author, message_id=2002),
        "",
    )
    owners_flag = int(await world.app.db.fetchval("SELECT id FROM moderation_flags"))
    press = on_card(world, world.mod)
    await click(FlagButton("ban", owners_flag), press)
    assert "server owner" in press.sent[0].text

    # The owner with only @everyone may still ban someone ranked above them (not the bot).
    world.guild.get_member = MagicMock(return_value=world.author)
    world.author.top_role = make_role(MOD_ROLE + 5)
    await world.cog.on_message(world.message(SCAM))
    flag_id = int(
        await world.app.db.fetchval("SELECT id FROM moderation_flags WHERE message_id = 1001")
    )
    owner = make_member(OWNER_ID, "owner", guild=world.guild, permissions=admin_permissions())
    ask = on_card(world, owner)
    await click(FlagButton("ban", flag_id), ask)
    confirm = ask.sent[0].view
    assert isinstance(confirm, BanConfirmView)
    await click(confirm.confirm, on_card(world, owner))
    world.guild.ban.assert_awaited_once()


async def test_bot_without_ban_permission_says_so(world: World) -> None:
    world.guild.me.guild_permissions = discord.Permissions(manage_messages=True)
    flag_id = await open_flag(world)
    press = on_card(world, world.mod)
    await click(FlagButton("ban", flag_id), press)
    assert "I need the Ban Members permission" in press.sent[0].text


async def test_erased_or_expired_author_is_never_banned(world: World) -> None:
    flag_id = await open_flag(world)
    await world.app.db.execute_write(
        "UPDATE moderation_flags SET author_id = 0, redacted = 'retention' WHERE id = ?",
        (flag_id,),
    )
    for action in ("ban", "timeout"):
        press = on_card(world, world.mod)
        await click(FlagButton(action, flag_id), press)
        assert "identity was removed" in press.sent[0].text
    world.guild.ban.assert_not_awaited()
    world.guild.fetch_member.assert_not_awaited()  # no lookup of user 0 either


# -- follow-up menus re-check at click time (issue 11, item 2) ---------------------------------
async def test_ban_confirm_after_losing_the_permission_does_nothing(world: World) -> None:
    flag_id = await open_flag(world)
    ask = on_card(world, world.mod)
    await click(FlagButton("ban", flag_id), ask)
    confirm = ask.sent[0].view
    assert isinstance(confirm, BanConfirmView)
    world.mod.guild_permissions = discord.Permissions(manage_messages=True)  # role removed
    late = on_card(world, world.mod)
    await click(confirm.confirm, late)
    assert "Ban Members" in late.sent[0].text
    world.guild.ban.assert_not_awaited()
    await assert_still_open(world, flag_id)


async def test_timeout_menu_after_being_demoted_does_nothing(world: World) -> None:
    flag_id = await open_flag(world)
    ask = on_card(world, world.mod)
    await click(FlagButton("timeout", flag_id), ask)
    menu = ask.sent[0].view
    assert isinstance(menu, TimeoutView)
    world.mod.top_role = make_role(0)  # their moderator role was taken away
    select = menu.children[0]
    select._values = ["1 day"]  # type: ignore[attr-defined]
    late = on_card(world, world.mod)
    await click(select, late)
    assert "same as or above yours" in late.sent[0].text
    world.author.timeout.assert_not_awaited()
    await assert_still_open(world, flag_id)


async def test_rule_menu_after_losing_manage_messages_adds_nothing(world: World) -> None:
    await world.cog.on_message(
        world.message(
            "Great recipes at https://myfoodblog.example.com check out my channel "
            "and https://other.example.org"
        )
    )
    flag_id = int(await world.app.db.fetchval("SELECT id FROM moderation_flags"))
    dismiss = on_card(world, world.mod)
    await click(FlagButton("dismiss", flag_id), dismiss)
    menu = dismiss.sent[1].view
    assert isinstance(menu, RuleView)
    world.mod.guild_permissions = discord.Permissions.none()
    select = menu.children[0]
    select._values = ["0"]  # type: ignore[attr-defined]
    late = on_card(world, world.mod)
    await click(select, late)
    assert "Manage Messages" in late.sent[0].text
    assert await world.app.db.fetchval("SELECT COUNT(*) FROM moderation_guild_rules") == 0


# -- channel overrides (issue 11, item 3) ------------------------------------------------------
async def test_override_denying_manage_messages_in_the_flagged_channel_is_respected(
    world: World,
) -> None:
    flag_id = await open_flag(world)
    override_permissions(world.general, world.mod, discord.Permissions(view_channel=True))
    press = on_card(world, world.mod)
    await click(FlagButton("delete", flag_id), press)
    assert "Manage Messages" in press.sent[0].text
    world.partial.delete.assert_not_awaited()


async def test_override_granting_manage_messages_in_the_flagged_channel_counts(
    world: World,
) -> None:
    flag_id = await open_flag(world)
    channel_helper = make_member(12, "channel helper", guild=world.guild)
    override_permissions(world.general, channel_helper, discord.Permissions(manage_messages=True))
    press = on_card(world, channel_helper)
    await click(FlagButton("delete", flag_id), press)
    world.partial.delete.assert_awaited_once()
    assert (await service_of(world.app).flag(1, flag_id)).status == "deleted"


async def test_override_in_the_review_channel_counts_for_ban(world: World) -> None:
    flag_id = await open_flag(world)
    override_permissions(world.review, world.mod, discord.Permissions(manage_messages=True))
    press = on_card(world, world.mod)
    await click(FlagButton("ban", flag_id), press)
    assert "Ban Members" in press.sent[0].text


async def test_modqueue_respects_a_channel_override(world: World) -> None:
    from cogs.moderation import Moderation
    from tests.helpers import invoke

    override_permissions(world.general, world.mod, discord.Permissions(view_channel=True))
    denied = make_interaction(world.app, user=world.mod, guild=world.guild, channel=world.general)
    await invoke(Moderation.modqueue, world.cog, denied)
    assert "Manage Messages" in denied.sent[0].text


# -- a report merged while a moderator decides (issue 10, item 9) -----------------------------
async def test_report_during_a_decision_does_not_put_the_buttons_back(world: World) -> None:
    flag_id = await open_flag(world)
    deleting, finish = asyncio.Event(), asyncio.Event()

    async def slow_delete() -> None:
        deleting.set()
        await finish.wait()

    world.partial.delete = AsyncMock(side_effect=slow_delete)
    world.partial.edit.reset_mock()
    press = on_card(world, world.mod)
    decision = asyncio.create_task(click(FlagButton("delete", flag_id), press))
    await deleting.wait()
    reporter = make_member(31, "reporter", guild=world.guild)
    await world.cog.file_report(
        make_interaction(world.app, user=reporter, guild=world.guild),
        world.message(SCAM),
        "scam",
    )
    world.partial.edit.assert_not_awaited()  # the card is the moderator's to update now
    assert world.review.send.await_count == 1  # and no second card
    finish.set()
    await decision
    flag = await service_of(world.app).flag(1, flag_id)
    assert flag.status == "deleted" and flag.report_count == 1
    card = press.sent[0]
    assert card.kind == "edit" and "Message deleted" in card.text


async def test_discord_failure_releases_the_flag_for_the_next_moderator(world: World) -> None:
    flag_id = await open_flag(world)
    world.partial.delete = AsyncMock(
        side_effect=discord.Forbidden(MagicMock(status=403), "Missing Permissions")
    )
    press = on_card(world, world.mod)
    await click(FlagButton("delete", flag_id), press)
    assert "Discord would not let me" in press.sent[0].text
    await assert_still_open(world, flag_id)
    dismiss = on_card(world, world.mod)
    await click(FlagButton("dismiss", flag_id), dismiss)
    assert (await service_of(world.app).flag(1, flag_id)).status == "dismissed"


# -- cards redacted after retention (issue 11, item 6) -----------------------------------------
async def test_posted_cards_are_redacted_and_the_job_survives_failures(world: World) -> None:
    flag_id = await open_flag(world)
    service = service_of(world.app)
    now = world.app.clock() + dt.timedelta(days=world.app.settings.moderation_retention_days + 1)
    world.app.clock = lambda: now  # type: ignore[method-assign]
    assert await service.purge_expired() == 1
    bot = MagicMock()
    bot.app = world.app
    bot.get_partial_messageable = MagicMock(return_value=world.review)
    redactor = CardRedactor(bot)
    world.partial.edit = AsyncMock(side_effect=discord.HTTPException(MagicMock(status=500), "x"))
    assert await redactor.redact_pending() == 0
    assert [f.id for f in await service.cards_to_redact()] == [flag_id]  # retried next round
    world.partial.edit = AsyncMock()
    assert await redactor.redact_pending() == 1
    embed = world.partial.edit.await_args.kwargs["embed"]
    text = f"{embed.title}\n{embed.description}"
    assert "(text removed after 30 days)" in text and "+234" not in text and "4242" not in text
    assert await service.cards_to_redact() == []
    world.partial.edit = AsyncMock(side_effect=discord.NotFound(MagicMock(status=404), "gone"))
    assert await redactor.redact_pending() == 0  # nothing left to do
