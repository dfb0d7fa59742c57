"""Evidence stays until judged; retention and /mydata delete remove every personal trace."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.errors import UserError
from bot.moderation import rules_store
from bot.moderation.authority import Standing
from bot.moderation.service import ModerationService
from bot.moderation.signals.base import MessageFacts
from bot.moderation.store import Flag
from bot.replies import render_text
from tests.bot.streaks.conftest import MovableClock

SCAM = "Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp +234 813 555 1234"
PHONE = "+234 813 555 1234"
MODS = frozenset({"manage_messages", "moderate_members", "ban_members"})
GUILD = 1
SCAMMER = 700_000_000_000_000_077
MOD = 700_000_000_000_000_009
REPORTER = 700_000_000_000_000_055
STANDING = Standing(
    owner_id=1,
    actor_top_role=10,
    bot_top_role=50,
    target_top_role=0,
    target_is_moderator=False,
)


async def scam_flag(
    service: ModerationService, message_id: int = 500, guild_id: int = GUILD
) -> Flag:
    outcome = await service.check_message(
        MessageFacts(
            text=SCAM,
            guild_id=guild_id,
            channel_id=20,
            author_id=SCAMMER,
            message_id=message_id,
            joined_at=datetime(2026, 5, 1, tzinfo=UTC),
        ),
        author_name="Dr Okoh",
    )
    assert outcome is not None
    await service.report(
        guild_id=guild_id,
        channel_id=20,
        message_id=message_id,
        author_id=SCAMMER,
        author_name="Dr Okoh",
        content=SCAM,
        reporter_id=REPORTER,
        reason="he asked me for money on WhatsApp",
    )
    return await service.flag(guild_id, outcome.flag.id)


async def row(app: App, flag_id: int) -> dict[str, object]:
    found = await app.db.fetchone("SELECT * FROM moderation_flags WHERE id = ?", (flag_id,))
    assert found is not None
    return dict(found)


async def everything_about(app: App, flag_id: int) -> str:
    """Every value stored for the flag and its reports, as one searchable text."""
    values = [str(v) for v in (await row(app, flag_id)).values()]
    reports = await app.db.fetchall(
        "SELECT * FROM moderation_reports WHERE flag_id = ?", (flag_id,)
    )
    values += [str(v) for r in reports for v in dict(r).values()]
    return " | ".join(values)


# -- evidence (issue 11, item 5) ---------------------------------------------------------------
async def test_flagged_author_cannot_wipe_open_evidence(
    clocked_app: App, service: ModerationService
) -> None:
    flag = await scam_flag(service)
    await clocked_app.privacy.erase(SCAMMER)
    kept = await service.flag(GUILD, flag.id)
    assert kept.author_id == SCAMMER and kept.content == SCAM and kept.erase_requested
    assert "(erased" not in render_text(service.card(kept))
    assert "Kept as evidence" in render_text(service.details(kept))
    export = (await clocked_app.privacy.export(SCAMMER))["moderation"]["flags_about_your_messages"]
    assert export[0]["erase_requested"] is True  # the member sees what is kept, and why
    # Ban still acts on the real author, and only then is the flag anonymised.
    banned_ids: list[int] = []

    async def ban(claimed: Flag) -> str:
        banned_ids.append(claimed.author_id)
        return ""

    done = await service.act(
        GUILD,
        flag.id,
        "ban",
        moderator_id=MOD,
        permissions=MODS,
        standing=STANDING,
        perform=ban,
    )
    assert banned_ids == [SCAMMER]
    assert done.status == "banned" and done.author_id == 0 and done.content is None
    assert done.redacted == "erased"
    stored = await everything_about(clocked_app, flag.id)
    assert str(SCAMMER) not in stored and PHONE not in stored and "Okoh" not in stored
    assert [f.id for f in await service.cards_to_redact()] == []  # no card was posted


async def test_ban_and_timeout_refuse_an_erased_author(
    clocked_app: App, service: ModerationService
) -> None:
    flag = await scam_flag(service)
    await service.act(GUILD, flag.id, "dismiss", moderator_id=MOD, permissions=MODS)
    await clocked_app.privacy.erase(SCAMMER)  # decided: anonymised at once
    # An edit reopens nothing here (same text); a stale row with author 0 must never be acted on.
    await clocked_app.db.execute_write(
        "UPDATE moderation_flags SET status = 'open', closed_at = NULL WHERE id = ?", (flag.id,)
    )
    for action in ("ban", "timeout"):
        with pytest.raises(UserError, match="identity was removed"):
            await service.act(
                GUILD, flag.id, action, moderator_id=MOD, permissions=MODS, standing=STANDING
            )


async def test_decided_flags_about_a_member_are_anonymised_on_delete(
    clocked_app: App, service: ModerationService
) -> None:
    flag = await scam_flag(service)
    await service.set_card(flag.id, 700, 701)
    await service.act(GUILD, flag.id, "delete", moderator_id=MOD, permissions=MODS)
    erasure = await clocked_app.privacy.erase(SCAMMER)
    assert erasure["moderation"] >= 1
    gone = await service.flag(GUILD, flag.id)
    assert gone.author_id == 0 and gone.author_name == "" and gone.content is None
    assert gone.author_joined_at is None and gone.report_count == 1  # statistics stay
    assert all("matched" not in reason for reason in gone.reasons)
    assert {reason["signal"] for reason in gone.reasons} >= {"contact", "testimonial"}
    stored = await everything_about(clocked_app, flag.id)
    assert PHONE not in stored and "WhatsApp on" not in stored and "money" not in stored
    card = render_text(service.card(gone))
    assert "erased at the author's request" in card and PHONE not in card
    assert [f.id for f in await service.cards_to_redact()] == [flag.id]


async def test_reporter_delete_removes_their_reports(
    clocked_app: App, service: ModerationService
) -> None:
    flag = await scam_flag(service)
    assert flag.report_count == 1
    await clocked_app.privacy.erase(REPORTER)
    again = await service.flag(GUILD, flag.id)
    assert again.report_count == 0 and again.report_reasons == []
    assert str(REPORTER) not in await everything_about(clocked_app, flag.id)


async def test_moderator_delete_leaves_a_per_server_pseudonym(
    clocked_app: App, service: ModerationService, clock: MovableClock
) -> None:
    one = await scam_flag(service, 501)
    two = await scam_flag(service, 502)
    other_server = await scam_flag(service, 503, guild_id=2)
    await service.act(GUILD, one.id, "delete", moderator_id=MOD, permissions=MODS)
    await service.act(GUILD, two.id, "dismiss", moderator_id=MOD, permissions=MODS)
    await service.act(2, other_server.id, "dismiss", moderator_id=MOD, permissions=MODS)
    await rules_store.add_guild_rule(
        clocked_app.db, GUILD, "trusted_domain", "x.org", MOD, clock.now
    )
    other_mod = await scam_flag(service, 504)
    await service.act(GUILD, other_mod.id, "dismiss", moderator_id=10, permissions=MODS)

    exported = (await clocked_app.privacy.export(MOD))["moderation"]
    assert len(exported["decisions_you_made"]) == 3
    assert {f["flag_id"] for f in exported["flags_you_closed"]} == {
        str(one.id),
        str(two.id),
        str(other_server.id),
    }
    assert exported["rules_you_added"][0]["value"] == "x.org"

    await clocked_app.privacy.erase(MOD)
    for table, column in (
        ("moderation_decisions", "moderator_id"),
        ("moderation_flags", "closed_by"),
        ("moderation_guild_rules", "added_by"),
    ):
        ids = await clocked_app.db.fetchall(f"SELECT guild_id, {column} AS who FROM {table}")
        assert MOD not in [r["who"] for r in ids], table
    decided = await clocked_app.db.fetchall(
        "SELECT guild_id, moderator_id FROM moderation_decisions ORDER BY id"
    )
    # The same pseudonym for both decisions on server 1; server 2 has its own numbering;
    # another moderator's decision is untouched.
    assert [(r["guild_id"], r["moderator_id"]) for r in decided] == [
        (GUILD, -1),
        (GUILD, -1),
        (2, -1),
        (GUILD, 10),
    ]
    closed = await service.flag(GUILD, one.id)
    assert "a former moderator (1)" in render_text(service.card(closed))
    assert (await clocked_app.privacy.export(MOD))["moderation"]["decisions_you_made"] == []


# -- retention (issue 11, item 6) --------------------------------------------------------------
async def test_retention_removes_every_personal_trace_and_queues_the_cards(
    clocked_app: App, service: ModerationService, clock: MovableClock
) -> None:
    flag = await scam_flag(service)
    await service.set_card(flag.id, 700, 701)
    decided = await scam_flag(service, 600)
    await service.set_card(decided.id, 700, 702)
    await service.act(GUILD, decided.id, "delete", moderator_id=MOD, permissions=MODS)
    days = clocked_app.settings.moderation_retention_days
    clock.now += timedelta(days=days - 1)
    assert await service.purge_expired() == 0
    clock.now += timedelta(days=2)
    assert await service.purge_expired() == 2
    for flag_id in (flag.id, decided.id):
        stored = await everything_about(clocked_app, flag_id)
        for trace in (PHONE, "cured me", "contact him on", "Okoh", "money", str(SCAMMER)):
            assert trace not in stored, trace
        assert str(REPORTER) not in stored
        purged = await service.flag(GUILD, flag_id)
        assert purged.content is None and purged.report_count == 1  # counts stay
        assert f"(text removed after {days} days)" in render_text(service.card(purged))
    # The decision survives for /modstats; the open flag can still be dismissed, never banned.
    assert "1 confirmed" in render_text(await service.stats(GUILD, days=365))
    with pytest.raises(UserError, match="identity was removed"):
        await service.act(
            GUILD, flag.id, "ban", moderator_id=MOD, permissions=MODS, standing=STANDING
        )
    # Both posted cards must be edited; the list survives until each edit succeeded.
    pending = [f.id for f in await service.cards_to_redact()]
    assert pending == [flag.id, decided.id]
    await service.card_redacted(flag.id)
    assert [f.id for f in await service.cards_to_redact()] == [decided.id]
    assert await service.purge_expired() == 0  # nothing to do twice


async def test_a_report_on_an_expired_open_flag_brings_its_text_back(
    clocked_app: App, service: ModerationService, clock: MovableClock
) -> None:
    flag = await scam_flag(service)
    clock.now += timedelta(days=clocked_app.settings.moderation_retention_days + 1)
    await service.purge_expired()
    again, _, _ = await service.report(
        guild_id=GUILD,
        channel_id=20,
        message_id=500,
        author_id=SCAMMER,
        author_name="Dr Okoh",
        content=SCAM,
        reporter_id=56,
    )
    assert again.id == flag.id and again.content == SCAM and again.author_id == SCAMMER
    assert again.redacted is None and again.report_count == 2


async def test_export_shows_everything_stored_about_the_member(
    clocked_app: App, service: ModerationService
) -> None:
    flag = await scam_flag(service)
    data = json.loads(await clocked_app.privacy.export_json(SCAMMER))["moderation"]
    mine = data["flags_about_your_messages"][0]
    assert mine["content"] == SCAM and mine["author_name"] == "Dr Okoh"
    assert mine["author_joined_at"].startswith("2026-05-01T00:00:00")
    assert mine["message_id"] == "500" and mine["hidden"] is False
    assert mine["report_count"] == 1
    assert "he asked me for money" not in json.dumps(data)  # reporters are protected
    reporter = json.loads(await clocked_app.privacy.export_json(REPORTER))["moderation"]
    assert reporter["reports_you_made"][0]["reason"] == "he asked me for money on WhatsApp"
    await service.act(GUILD, flag.id, "dismiss", moderator_id=MOD, permissions=MODS)
    moderator = json.loads(await clocked_app.privacy.export_json(MOD))["moderation"]
    assert moderator["decisions_you_made"][0]["action"] == "dismissed"
    assert moderator["flags_you_closed"][0]["flag_id"] == str(flag.id)
