"""/mydata delete leaves no trace of the member in ANY table or column of the migrated schema.

The schema is read from the database itself (``Database.schema``, on either engine), so a table
added later is checked the day it is migrated: it must be registered in
``bot/privacy/inventory.py`` and, if it can hold a member's id, be erased by ``/mydata delete``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.app import App
from bot.articles.feature import service_of as articles_of
from bot.moderation import review_store, rules_store
from bot.moderation.feature import service_of as moderation_of
from bot.moderation.signals.base import MessageFacts
from bot.privacy.inventory import INVENTORY, Handling, inventory, user_id_columns
from bot.streaks.feature import streaks_of
from tests.bot.streaks.conftest import MovableClock

MEMBER = 812_345_678_901_234_567
OTHER = 812_345_678_901_234_999
GUILD = 1
MODS = frozenset({"manage_messages", "moderate_members", "ban_members"})
SCAM = "Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp {phone}"
MEMBER_PHONE = "+234 813 555 7777"
#: Words only this member wrote; none may survive the delete (but open evidence).
MEMBER_WORDS = (
    "my-private-checkin-note",
    "my-private-feedback-words",
    "my-private-report-reason",
    MEMBER_PHONE,
)
HOW_TO_REGISTER = (
    "Register each in INVENTORY in bot/privacy/inventory.py with its handling (MEMBER_ROW, "
    "ERASED, PSEUDONYMISED, EVIDENCE, MEMBER_DATA, or NOT_PERSONAL with the reason). If it can "
    "hold a member's id: make the feature's PrivacySection eraser remove or pseudonymise it, "
    "show it in its exporter, write it in seed_everything() in tests/bot/privacy/"
    "test_inventory.py, and describe the table in the README's Privacy section."
)


async def schema(app: App) -> dict[str, list[str]]:
    return await app.db.schema()


async def seed_everything(app: App, member: int = MEMBER) -> dict[str, int]:
    """The member everywhere a member can be: author, reporter, moderator, editor, admin."""
    streaks = streaks_of(app)
    clock: MovableClock = app.clock  # type: ignore[assignment]
    await streaks.core.join(member, GUILD, "Europe/Paris", "08:00", public=True)
    clock.now += timedelta(days=1)
    await streaks.core.checkin(member, 20, "yoga", "my-private-checkin-note")
    clock.now += timedelta(days=1)
    await streaks.core.rest(member, "heat")
    await streaks.core.pause(member, 1)
    await streaks.reminders.remember_dm_channels({member: 777000000000000001})

    ratings = articles_of(app).ratings
    article = await articles_of(app).resolve("fatigue-and-weakness")
    await ratings.rate(article.id, member, 2)
    await ratings.add_feedback(article.id, member, GUILD, 2, "my-private-feedback-words")
    others = await ratings.add_feedback(article.id, OTHER, GUILD, 1, "someone else's words")
    assert others is not None
    await ratings.resolve_feedback(
        GUILD, others.id, member, permissions=frozenset({"manage_messages"})
    )

    await app.config.set(GUILD, "moderation_threshold", "3", actor_id=member)

    moderation = moderation_of(app)
    flags: dict[str, int] = {}
    for name, author, message_id in (
        ("decided_about_member", member, 9001),
        ("open_about_member", member, 9002),
        ("member_decides", OTHER, 9003),
        ("member_claims", OTHER, 9004),
    ):
        outcome = await moderation.check_message(
            MessageFacts(
                text=SCAM.format(phone=MEMBER_PHONE if author == member else "+44 7700 900123"),
                guild_id=GUILD,
                channel_id=20,
                author_id=author,
                message_id=message_id,
            ),
            author_name=f"user-{author}",
        )
        assert outcome is not None
        flags[name] = outcome.flag.id
    await moderation.report(
        guild_id=GUILD,
        channel_id=20,
        message_id=9005,
        author_id=OTHER,
        author_name="other",
        content="buy my pills",
        reporter_id=member,
        reason="my-private-report-reason",
    )
    await moderation.act(
        GUILD, flags["decided_about_member"], "delete", moderator_id=OTHER, permissions=MODS
    )
    await moderation.act(
        GUILD, flags["member_decides"], "dismiss", moderator_id=member, permissions=MODS
    )
    await rules_store.add_guild_rule(
        app.db, GUILD, "trusted_domain", "example.org", member, app.clock()
    )
    now = app.clock()
    claimed = await review_store.claim(
        app.db, flags["member_claims"], GUILD, member, now, now - timedelta(minutes=1)
    )
    assert claimed.claimed
    return flags


async def where_is(app: App, member: int, words: tuple[str, ...] = ()) -> list[str]:
    """Every table.column (with row) still holding the member's id or one of their words."""
    hits: list[str] = []
    needles = (str(member), *words)
    for table, columns in (await schema(app)).items():
        for row in await app.db.fetchall(f"SELECT * FROM {table}"):
            values: dict[str, Any] = dict(row)
            for column in columns:
                value = values.get(column)
                if value == member or any(n in str(value) for n in needles if value is not None):
                    hits.append(f"{table}.{column} (row {values})"[:300])
    return hits


async def test_every_table_and_column_is_registered(app: App) -> None:
    found = await schema(app)
    registered = inventory(app.db.engine)
    missing = [
        f"{table}.{column}"
        for table, columns in found.items()
        for column in columns
        if column not in registered.get(table, {})
    ]
    assert not missing, f"Unregistered table columns: {', '.join(missing)}. {HOW_TO_REGISTER}"
    gone = [
        f"{table}.{column}"
        for table, columns in registered.items()
        for column in columns
        if column not in found.get(table, [])
    ]
    assert not gone, f"INVENTORY lists columns the schema does not have: {', '.join(gone)}"


async def test_the_seed_reaches_every_column_that_holds_a_member_id(app: App) -> None:
    await seed_everything(app)
    for table, column in user_id_columns():
        count = await app.db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (MEMBER,))
        assert count, (
            f"seed_everything() never wrote the member's id into {table}.{column}, so the "
            "delete test below does not prove it is erased: extend seed_everything()."
        )


async def test_delete_leaves_the_member_nowhere_but_in_open_evidence(app: App) -> None:
    flags = await seed_everything(app)
    await app.privacy.erase(MEMBER)
    hits = await where_is(app, MEMBER, MEMBER_WORDS)
    evidence = [hit for hit in hits if not hit.startswith("moderation_flags.")]
    assert not evidence, (
        "After /mydata delete these still hold the member's id or words:\n"
        + "\n".join(evidence)
        + f"\n{HOW_TO_REGISTER}"
    )
    # The only survivor: the open flag about them, kept until a moderator decides.
    kept = await app.db.fetchall(
        "SELECT id FROM moderation_flags WHERE author_id = ? OR content IS NOT NULL "
        "AND author_id = ?",
        (MEMBER, MEMBER),
    )
    assert [row["id"] for row in kept] == [flags["open_about_member"]]
    evidence_columns = {
        f"{table}.{column}"
        for table, columns in INVENTORY.items()
        for column, entry in columns.items()
        if entry.handling in (Handling.EVIDENCE, Handling.MEMBER_DATA)
    }
    assert {hit.split(" ")[0] for hit in hits} <= evidence_columns

    await moderation_of(app).act(
        GUILD, flags["open_about_member"], "dismiss", moderator_id=OTHER, permissions=MODS
    )
    hits = await where_is(app, MEMBER, MEMBER_WORDS)
    assert not hits, "Once decided, the evidence must go too:\n" + "\n".join(hits)


async def test_other_members_data_is_untouched(app: App) -> None:
    await seed_everything(app)
    await app.privacy.erase(MEMBER)
    assert await app.db.fetchval(
        "SELECT COUNT(*) FROM moderation_flags WHERE author_id = ?", (OTHER,)
    )
    assert await app.db.fetchval(
        "SELECT COUNT(*) FROM article_feedback WHERE user_id = ?", (OTHER,)
    )


def test_readme_privacy_section_names_every_table_with_member_data() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Privacy\n", 1)[1].split("\n## ", 1)[0]
    personal = [
        table
        for table, columns in INVENTORY.items()
        if any(entry.handling is not Handling.NOT_PERSONAL for entry in columns.values())
    ]
    missing = [table for table in personal if f"`{table}`" not in section]
    assert not missing, f"README Privacy section does not describe: {', '.join(missing)}"
