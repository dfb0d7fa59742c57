"""Per-server learning: decisions and Teach menus adjust the model, guarded and undoable."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.errors import UserError
from bot.moderation.feature import service_of
from bot.moderation.learning import (
    FEATURE_CAP,
    TOTAL_CAP,
    GuildAdjustment,
    feature_hash,
)
from bot.moderation.learning_store import StoredExample
from bot.moderation.service import ModerationService
from bot.moderation.signals.base import MessageFacts
from bot.replies import render_text
from bot.settings import Settings

GUILD = 1
MODS = frozenset({"manage_messages", "moderate_members", "ban_members"})
SPAM = [
    "Join the keto reset challenge for MS warriors, five day masterclass, spots are limited",
    "Last call for the keto reset challenge masterclass, MS warriors only, book your spot",
    "Keto reset challenge starts Monday, the masterclass that changes MS, spots limited",
    "MS warriors: the keto reset challenge masterclass is back, grab a spot today",
]
GENUINE = [
    "Had a rough night with spasms, baclofen helped a bit by morning",
    "Anyone else find the heat makes their fatigue much worse this week?",
    "My MRI is stable this year, thank you all for the support",
]
NEW_VARIANT = "New keto reset challenge masterclass for MS warriors, spots limited"


@pytest.fixture
def service(app: App) -> ModerationService:
    return service_of(app)


async def score(service: ModerationService, text: str) -> float:
    rules = await service.guild_rules(GUILD)
    return service.detector.check(MessageFacts(text=text, guild_id=GUILD), rules).score


SCAM = "Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp +234 813 555 1234"


async def flag_and_delete(service: ModerationService) -> None:
    """A detector flag on message 9, then a moderator's Delete."""
    outcome = await service.check_message(
        MessageFacts(text=SCAM, guild_id=GUILD, channel_id=2, author_id=77, message_id=9),
        author_name="x",
    )
    assert outcome is not None
    await service.act(GUILD, outcome.flag.id, "delete", moderator_id=5, permissions=MODS)


async def teach_all(service: ModerationService) -> None:
    for i, text in enumerate(SPAM):
        await service.teach(GUILD, 100 + i, text, spam=True, permissions=MODS)
    for i, text in enumerate(GENUINE):
        await service.teach(GUILD, 200 + i, text, spam=False, permissions=MODS)


def test_nothing_counts_before_the_minimum() -> None:
    examples = [StoredExample(True, (1, 2, 3)), StoredExample(True, (1, 2, 3))]
    adjustment = GuildAdjustment.build(examples, None)
    assert not adjustment.state.active and adjustment.weights == {}


def test_one_example_cannot_move_a_topic() -> None:
    topic = feature_hash("keto")
    examples = [StoredExample(True, (topic, 1))] + [
        StoredExample(i % 2 == 0, (1000 + i,)) for i in range(10)
    ]
    adjustment = GuildAdjustment.build(examples, None)
    assert adjustment.state.active and topic not in adjustment.weights


def test_influence_is_bounded_per_feature_and_in_total() -> None:
    features = tuple(feature_hash(f"term{i}") for i in range(50))
    examples = [StoredExample(True, features) for _ in range(40)]
    examples += [StoredExample(False, (7,)) for _ in range(40)]
    adjustment = GuildAdjustment.build(examples, None)
    assert max(abs(w) for w in adjustment.weights.values()) <= FEATURE_CAP
    reason = adjustment.adjust([f"term{i}" for i in range(50)], [])
    assert reason is not None and reason.weight == TOTAL_CAP
    assert reason.signal == "server_learning" and "'term" in reason.matched


async def test_teaching_raises_similar_messages_and_survives_restart(
    app: App, service: ModerationService, settings: Settings
) -> None:
    genuine = "Anyone else find the heat makes fatigue worse, and baclofen helps spasms?"
    before, genuine_before = await score(service, NEW_VARIANT), await score(service, genuine)
    await teach_all(service)
    after = await score(service, NEW_VARIANT)
    assert before < after <= before + TOTAL_CAP + 0.01
    assert await score(service, genuine) <= genuine_before + 0.01
    # The stored examples hold hashes only: no text, no author.
    rows = await app.db.fetchall("SELECT * FROM moderation_learned_examples")
    assert len(rows) == len(SPAM) + len(GENUINE)
    assert all("keto" not in str(dict(row)) for row in rows)
    assert "author" not in {key.lower() for key in rows[0].keys()}  # noqa: SIM118
    # A new process reads the same learning from the database.
    restarted = App(settings)
    await restarted.start()
    try:
        again = service_of(restarted)
        assert await score(again, NEW_VARIANT) == pytest.approx(after)
        check = render_text(await again.explain_for_guild(GUILD, NEW_VARIANT))
        assert "this server's moderators flagged similar messages" in check
        assert "Server learning: 4 spam and 3 genuine examples; active" in check
    finally:
        await restarted.close()


async def test_forget_undoes_learning(service: ModerationService) -> None:
    before = await score(service, NEW_VARIANT)
    await teach_all(service)
    assert await score(service, NEW_VARIANT) > before
    with pytest.raises(UserError, match="Manage Messages"):
        await service.forget_learning(GUILD, frozenset())
    reply = await service.forget_learning(GUILD, MODS)
    assert "Removed 7 examples" in render_text(reply)
    assert await score(service, NEW_VARIANT) == pytest.approx(before)
    assert "nothing learned yet" in render_text(await service.learning_status(GUILD))


async def test_decisions_are_examples_and_relabel_not_double_count(
    app: App, service: ModerationService
) -> None:
    await flag_and_delete(service)
    rows = await app.db.fetchall("SELECT spam, source FROM moderation_learned_examples")
    assert [(r["spam"], r["source"]) for r in rows] == [(1, "decision")]
    # Teaching the same message again as genuine re-labels the one example.
    await service.teach(GUILD, 9, SCAM, spam=False, permissions=MODS)
    rows = await app.db.fetchall("SELECT spam, source FROM moderation_learned_examples")
    assert [(r["spam"], r["source"]) for r in rows] == [(0, "teach")]


async def test_teach_needs_permission_and_text(service: ModerationService) -> None:
    with pytest.raises(UserError, match="Manage Messages"):
        await service.teach(GUILD, 1, "hello", spam=True, permissions=frozenset())
    with pytest.raises(UserError, match="no text"):
        await service.teach(GUILD, 1, "  ", spam=True, permissions=MODS)


async def test_modstats_shows_precision_since_learning(service: ModerationService) -> None:
    await flag_and_delete(service)
    stats = render_text(await service.stats(GUILD))
    assert "Since server learning began" in stats and "100% confirmed (1 of 1 decided)" in stats


async def test_only_the_newest_examples_are_kept(
    app: App, service: ModerationService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.moderation import learning_store

    monkeypatch.setattr(learning_store, "MAX_EXAMPLES", 3)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(5):
        await learning_store.save_example(
            app.db, GUILD, f"ex{i}", i % 2 == 0, [i], "teach", start + timedelta(minutes=i)
        )
    rows = await app.db.fetchall("SELECT example FROM moderation_learned_examples ORDER BY example")
    assert [r["example"] for r in rows] == ["ex2", "ex3", "ex4"]
