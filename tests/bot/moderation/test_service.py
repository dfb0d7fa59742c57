from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.errors import UserError
from bot.moderation.feature import service_of
from bot.moderation.scan import run_scan
from bot.moderation.service import ModerationService
from bot.moderation.signals.base import MessageFacts
from bot.replies import render_text

SCAM = "Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp +234 813 555 1234"
MODS = frozenset({"manage_messages", "moderate_members", "ban_members"})
GUILD = 1


def facts(
    text: str, message_id: int = 500, channel_id: int = 20, author_id: int = 77
) -> MessageFacts:
    return MessageFacts(
        text=text, guild_id=GUILD, channel_id=channel_id, author_id=author_id, message_id=message_id
    )


@pytest.fixture
def service(app: App) -> ModerationService:
    return service_of(app)


async def count_flags(app: App) -> int:
    return int(await app.db.fetchval("SELECT COUNT(*) FROM moderation_flags"))


async def test_clean_message_writes_nothing(app: App, service: ModerationService) -> None:
    assert await service.check_message(facts("Ocrevus day today"), author_name="sam") is None
    assert await count_flags(app) == 0


async def test_flag_then_decide_once(app: App, service: ModerationService) -> None:
    outcome = await service.check_message(facts(SCAM), author_name="scammer")
    assert outcome is not None and outcome.new_card and not outcome.hide
    flag = outcome.flag
    assert flag.content == SCAM and flag.score >= 3 and flag.reasons
    card = render_text(service.card(flag))
    assert "account" in card and "phone number" in card and "Open" in card
    details = render_text(service.details(flag))
    assert "Account age" in details and "+234 813 555 1234" in details

    with pytest.raises(UserError, match="Ban Members"):
        await service.act(
            GUILD, flag.id, "ban", moderator_id=9, permissions=frozenset({"manage_messages"})
        )
    closed = await service.act(GUILD, flag.id, "delete", moderator_id=9, permissions=MODS)
    assert closed.status == "deleted" and closed.closed_by == 9
    assert "Message deleted by <@9>" in render_text(service.card(closed))
    with pytest.raises(UserError, match="already handled"):
        await service.act(GUILD, flag.id, "dismiss", moderator_id=10, permissions=MODS)
    decisions = await app.db.fetchall("SELECT action, moderator_id FROM moderation_decisions")
    assert [(d["action"], d["moderator_id"]) for d in decisions] == [("deleted", 9)]


async def test_other_guild_cannot_touch_flag(service: ModerationService) -> None:
    outcome = await service.check_message(facts(SCAM), author_name="s")
    assert outcome is not None
    with pytest.raises(UserError, match="no flag"):
        await service.act(2, outcome.flag.id, "delete", moderator_id=9, permissions=MODS)


async def test_edit_updates_open_flag_and_reopens_dismissed(service: ModerationService) -> None:
    first = await service.check_message(facts(SCAM), author_name="s")
    assert first is not None
    await service.act(GUILD, first.flag.id, "dismiss", moderator_id=9, permissions=MODS)
    edited = facts(SCAM + " also try the herbal formula")
    edited.is_new = False
    again = await service.check_message(edited, author_name="s")
    assert again is not None and again.flag.id == first.flag.id
    assert again.flag.is_open and "herbal formula" in (again.flag.content or "")


async def test_repeated_text_across_channels(service: ModerationService) -> None:
    text = "Join my crypto investment group, details in my profile, limited time only"
    assert await service.check_message(facts(text, 1, channel_id=20), author_name="s") is None
    outcome = await service.check_message(facts(text, 2, channel_id=21), author_name="s")
    assert outcome is not None
    assert any(r["signal"] == "repeated" for r in outcome.flag.reasons)


async def test_new_account_with_link(app: App, service: ModerationService) -> None:
    now = app.clock()
    message = facts("look at my page https://randomsite.example.com and https://other.example.net")
    message.account_created_at = now - timedelta(hours=2)
    message.joined_at = now - timedelta(minutes=5)
    outcome = await service.check_message(message, author_name="new")
    assert outcome is not None
    signals = {r["signal"] for r in outcome.flag.reasons}
    assert "newcomer" in signals


async def test_threshold_and_auto_hide_from_config(app: App, service: ModerationService) -> None:
    await app.config.set(GUILD, "moderation_threshold", "20")
    assert await service.check_message(facts(SCAM), author_name="s") is None
    await app.config.set(GUILD, "moderation_threshold", "2")
    await app.config.set(GUILD, "moderation_auto_hide", "on")
    outcome = await service.check_message(facts(SCAM), author_name="s")
    assert outcome is not None and outcome.hide and outcome.flag.hidden


async def test_reports_make_one_card_with_count(app: App, service: ModerationService) -> None:
    kwargs = dict(
        guild_id=GUILD,
        channel_id=20,
        message_id=900,
        author_id=77,
        author_name="a",
        content="buy my stuff",
    )
    flag, created, new = await service.report(**kwargs, reporter_id=1, reason="spam")
    assert created and new and flag.report_count == 1
    flag, created, new = await service.report(**kwargs, reporter_id=2)
    assert not created and new and flag.report_count == 2
    flag, created, new = await service.report(**kwargs, reporter_id=2)
    assert not new and flag.report_count == 2
    assert "2 reports" in render_text(service.card(flag))
    assert "spam" in render_text(service.details(flag))  # what reporters said: behind Details
    with pytest.raises(UserError, match="own message"):
        await service.report(**{**kwargs, "author_id": 5}, reporter_id=5)


async def test_guild_rules_learned_from_moderators(app: App, service: ModerationService) -> None:
    text = (
        "Great recipes on https://myfoodblog.example.com and https://other.example.org "
        "and check out my channel"
    )
    outcome = await service.check_message(facts(text, 1), author_name="s")
    assert outcome is not None and "example.com" in outcome.flag.domains
    await service.act(GUILD, outcome.flag.id, "dismiss", moderator_id=9, permissions=MODS)
    await service.add_rule(
        GUILD,
        "trusted_domain",
        "example.com",
        moderator_id=9,
        permissions=MODS,
        flag_id=outcome.flag.id,
    )
    await service.add_rule(
        GUILD,
        "trusted_domain",
        "example.org",
        moderator_id=9,
        permissions=MODS,
        flag_id=outcome.flag.id,
    )
    await service.add_rule(
        GUILD,
        "trusted_phrase",
        "check out my channel",
        moderator_id=9,
        permissions=MODS,
        flag_id=outcome.flag.id,
    )
    assert await service.check_message(facts(text, 2), author_name="s") is None
    # "Always flag" a domain: one link to it is now enough.
    await service.add_rule(
        GUILD,
        "flag_domain",
        "badclinic.com",
        moderator_id=9,
        permissions=MODS,
        flag_id=outcome.flag.id,
    )
    assert await service.check_message(facts("see badclinic.com", 3), author_name="s") is not None


async def test_queue_and_stats(app: App, service: ModerationService) -> None:
    assert "No open flags" in render_text(await service.queue(GUILD))
    one = await service.check_message(facts(SCAM, 1), author_name="s")
    two = await service.check_message(
        facts(SCAM + " herbal formula", 2, author_id=78), author_name="t"
    )
    assert one and two
    queue = render_text(await service.queue(GUILD))
    assert "2 open" in queue
    # No review channel yet: no cards to press, so the queue says how to get them.
    assert "/config channel moderation_review_channel" in queue
    await app.config.set(GUILD, "moderation_review_channel", "<#412345678901234567>")
    assert "buttons on its card" in render_text(await service.queue(GUILD))
    await service.act(GUILD, one.flag.id, "delete", moderator_id=9, permissions=MODS)
    await service.act(GUILD, two.flag.id, "dismiss", moderator_id=9, permissions=MODS)
    stats = render_text(await service.stats(GUILD))
    assert "1 confirmed" in stats and "1 dismissed" in stats and "50%" in stats


async def test_retention_purges_text(settings: object) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    app = App(settings, clock=lambda: now[0])  # type: ignore[arg-type]
    async with app:
        service = service_of(app)
        outcome = await service.check_message(facts(SCAM), author_name="s")
        assert outcome is not None
        now[0] += timedelta(days=app.settings.moderation_retention_days - 1)
        assert await service.purge_expired() == 0
        now[0] += timedelta(days=2)
        assert await service.purge_expired() == 1
        flag = await service.flag(GUILD, outcome.flag.id)
        assert flag.content is None and "text removed" in render_text(service.card(flag))


def test_scan_jsonl_with_labels(tmp_path: Path, detector: object) -> None:
    rows = [
        {"id": "a", "text": SCAM, "label": "spam", "split": "dev"},
        {"id": "b", "text": "Ocrevus went fine", "label": "ham", "split": "dev"},
        {"id": "c", "text": "check out my channel", "label": "spam", "split": "dev"},
        {"id": "d", "text": "never mind", "label": "ham", "split": "test"},
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    import io

    out = io.StringIO()
    metrics = run_scan(path, detector, threshold=3.0, split="dev", out=out, progress=False)  # type: ignore[arg-type]
    assert metrics is not None and (metrics.tp, metrics.fp, metrics.fn, metrics.tn) == (2, 0, 0, 1)
    assert metrics.precision == 1.0 and metrics.recall == 1.0
    assert "FLAG a" in out.getvalue() and "recall 1.000" in out.getvalue()
    out = io.StringIO()
    run_scan(path, detector, threshold=3.0, as_json=True, out=out, progress=False)  # type: ignore[arg-type]
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 4 and lines[0]["flagged"] and lines[0]["id"] == "a"
    assert lines[0]["label"] == "spam" and lines[0]["reasons"][0]["weight"] > 0


def test_scan_discord_export(tmp_path: Path, detector: object) -> None:
    export = {
        "guild": {"id": "1"},
        "channel": {"id": "5", "name": "general"},
        "messages": [
            {
                "id": "10",
                "timestamp": "2026-03-02T09:08:11+00:00",
                "content": SCAM,
                "author": {"id": "1036791683483633042", "isBot": False},
                "mentions": [],
            },
            {
                "id": "11",
                "timestamp": "2026-03-02T09:09:11+00:00",
                "content": "hello",
                "author": {"id": "1036791683483633043", "isBot": False},
                "mentions": [],
            },
            {
                "id": "12",
                "timestamp": "2026-03-02T09:09:11+00:00",
                "content": SCAM,
                "author": {"id": "1", "isBot": True},
                "mentions": [],
            },
        ],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    import io

    out = io.StringIO()
    assert run_scan(path, detector, threshold=3.0, as_json=True, out=out, progress=False) is None  # type: ignore[arg-type]
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["id"] for line in lines] == ["10", "11"]  # bots skipped
    assert lines[0]["flagged"] and not lines[1]["flagged"] and "label" not in lines[0]


def test_scan_bad_file(
    tmp_path: Path, detector: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\nnot json\n', encoding="utf-8")
    import io

    out = io.StringIO()
    run_scan(path, detector, threshold=3.0, progress=False, out=out)  # type: ignore[arg-type]
    assert "skipped bad.jsonl line 2: not JSON" in capsys.readouterr().err
    assert "0 of 1 messages" in out.getvalue() and "1 malformed rows" in out.getvalue()
    with pytest.raises(UserError, match="no file"):
        run_scan(tmp_path / "missing.jsonl", detector, threshold=3.0, progress=False)  # type: ignore[arg-type]


async def test_config_lists_add_rules(app: App, service: ModerationService) -> None:
    text = "see badclinic.com"
    assert await service.check_message(facts(text, 1), author_name="s") is None
    await app.config.set(GUILD, "moderation_flag_domains", "badclinic.com, other.net")
    assert await service.check_message(facts(text, 2), author_name="s") is not None
    await app.config.set(GUILD, "moderation_trusted_domains", "badclinic.com")
    assert await service.check_message(facts(text, 3), author_name="s") is None
    await app.config.set(
        GUILD, "moderation_trusted_phrases", "check out my channel, please subscribe"
    )
    assert (
        await service.check_message(
            facts("check out my channel please subscribe", 4), author_name="s"
        )
        is None
    )


async def test_obfuscated_domain_is_offered_and_then_always_flagged(
    app: App, service: ModerationService
) -> None:
    """Issue 10 item 10: the rebuilt domain is stored beside the text as written."""
    text = "My legs work again thanks to the herbal formula from ww w. msherbs. c om"
    outcome = await service.check_message(facts(text, 31), author_name="x")
    assert outcome is not None and outcome.flag.domains == ["msherbs.com"]
    await service.add_rule(
        GUILD,
        "flag_domain",
        outcome.flag.domains[0],
        moderator_id=5,
        permissions=MODS,
        flag_id=outcome.flag.id,
    )
    verdict = service.detector.check(
        MessageFacts(text="see ww w. msherbs. c om", guild_id=GUILD),
        await service.guild_rules(GUILD),
    )
    assert any(r.label == "domain this server always flags" for r in verdict.reasons)


# -- strict numbers (issue "Hardening", item 6) --------------------------------------------------
@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-inf", "1e309"])
async def test_a_nan_threshold_is_refused_and_scams_are_still_flagged(
    app: App, service: ModerationService, raw: str
) -> None:
    with pytest.raises(UserError):
        await app.config.set(GUILD, "moderation_threshold", raw)
    assert await service.check_message(facts(SCAM), author_name="stranger") is not None


@pytest.mark.parametrize("flag_id", [2**63, 10**19, 99999999999999999999, 0, -5])
async def test_flag_ids_past_sqlite_range_are_not_found(
    service: ModerationService, flag_id: int
) -> None:
    with pytest.raises(UserError, match="no flag"):
        await service.flag(GUILD, flag_id)
