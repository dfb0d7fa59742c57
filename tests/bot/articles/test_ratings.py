from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.articles.models import ArticleInput
from bot.articles.ratings import MAX_FEEDBACK
from bot.errors import NotFoundError, UserError
from tests.bot.articles.conftest import service

EDITOR = frozenset({"manage_messages"})


async def _article_id(app: App, slug: str = "fatigue-and-weakness") -> int:
    return (await service(app).resolve(slug)).id


async def test_rating_replaces_and_reports(app: App) -> None:
    ratings = service(app).ratings
    article_id = await _article_id(app)
    first = await ratings.rate(article_id, 1, 4)
    assert first.describe() == "You rated 4/5 · average 4.0 / 5 from 1 rating"
    again = await ratings.rate(article_id, 1, 2)
    assert again.previous == 4 and again.stats.count == 1
    assert again.describe() == "You rated 2/5 (was 4/5) · average 2.0 / 5 from 1 rating"
    double = await ratings.rate(article_id, 1, 2)  # double click
    assert double.stats.count == 1 and double.describe().startswith("You rated 2/5 ·")


async def test_hundreds_of_concurrent_ratings_lose_nothing(app: App) -> None:
    ratings = service(app).ratings
    article_id = await _article_id(app)
    members = range(1, 401)
    stars = {m: (m % 5) + 1 for m in members}
    # Every member rates, and a hundred of them double-click at the same moment.
    await asyncio.gather(
        *(ratings.rate(article_id, m, stars[m]) for m in members),
        *(ratings.rate(article_id, m, stars[m]) for m in range(1, 101)),
    )
    stats = await ratings.stats(article_id)
    assert stats.count == 400
    assert stats.total == sum(stars.values())
    stored = await app.db.fetchval(
        "SELECT COUNT(*) FROM article_ratings WHERE article_id = ?", (article_id,)
    )
    assert stored == 400


async def test_invalid_stars_and_unknown_article(app: App) -> None:
    ratings = service(app).ratings
    with pytest.raises(UserError):
        await ratings.rate(await _article_id(app), 1, 6)
    with pytest.raises(UserError, match="taken out"):
        await ratings.rate(999_999, 1, 3)


async def test_top_uses_bayesian_average(app: App) -> None:
    svc = service(app)
    ratings = svc.ratings
    one_vote = await _article_id(app, "mobility-aids")
    many = await _article_id(app, "fatigue-and-weakness")
    await ratings.rate(one_vote, 1, 5)
    for member in range(100, 140):  # forty ratings averaging 4.5
        await ratings.rate(many, member, 5 if member % 2 else 4)
    top = await svc.top()
    assert [a.slug for a, _ in top[:2]] == ["fatigue-and-weakness", "mobility-aids"]
    assert top[0][0].stats.count == 40 and top[0][0].stats.average == 4.5


async def test_resolving_feedback_needs_manage_messages_at_that_moment(app: App) -> None:
    """The core checks, not only the menu that was shown: an editor who lost Manage Messages
    since the list was shown resolves nothing."""
    ratings = service(app).ratings
    item = await ratings.add_feedback(await _article_id(app), 5, 1, 2, "Too long")
    assert item is not None
    with pytest.raises(UserError, match="Manage Messages"):
        await ratings.resolve_feedback(1, item.id, 42, permissions=frozenset({"send_messages"}))
    assert [f.id for f in await ratings.open_feedback(1)] == [item.id]


async def test_feedback_store_list_resolve(app: App) -> None:
    ratings = service(app).ratings
    article_id = await _article_id(app)
    assert await ratings.add_feedback(article_id, 5, 1, 2, "   ") is None
    with pytest.raises(UserError, match="at most"):
        await ratings.add_feedback(article_id, 5, 1, 2, "x" * (MAX_FEEDBACK + 1))
    item = await ratings.add_feedback(article_id, 5, 1, 2, " Needs more examples ")
    assert item is not None and item.text == "Needs more examples"
    other_guild = await ratings.add_feedback(article_id, 5, 99, 1, "elsewhere")
    assert other_guild is not None
    assert [f.id for f in await ratings.open_feedback(1)] == [item.id]
    with pytest.raises(UserError, match="no feedback"):
        await ratings.resolve_feedback(1, other_guild.id, 42, permissions=EDITOR)
    await ratings.resolve_feedback(1, item.id, 42, permissions=EDITOR)
    assert await ratings.open_feedback(1) == []
    with pytest.raises(UserError, match="already resolved"):
        await ratings.resolve_feedback(1, item.id, 42, permissions=EDITOR)


async def test_privacy_export_and_erase(app: App) -> None:
    ratings = service(app).ratings
    article_id = await _article_id(app)
    await ratings.rate(article_id, 77, 1)
    await ratings.rate(article_id, 78, 5)
    await ratings.add_feedback(article_id, 77, 1, 1, "Too vague")
    exported = await app.privacy.export(77)
    section = exported["article_ratings"]
    assert section["ratings"][0]["stars"] == 1 and section["feedback"][0]["text"] == "Too vague"
    counts = await app.privacy.erase(77)
    assert counts["article_ratings"] == 2
    stats = await ratings.stats(article_id)
    assert (stats.count, stats.total) == (1, 5)
    assert (await app.privacy.export(77))["article_ratings"] == {
        "ratings": [],
        "feedback": [],
        "feedback_you_resolved": [],
    }


async def test_rating_survives_when_title_changes(app: App) -> None:
    svc = service(app)
    article_id = await _article_id(app)
    await svc.ratings.rate(article_id, 3, 3)
    current = await svc.get(article_id)
    await svc.upsert(
        ArticleInput(current.slug, "New title", current.summary, current.body + " More."),
        "dir:fatigue-and-weakness.md",
    )
    assert (await svc.get(article_id)).stats.count == 1


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.integers(1, 6), st.integers(0, 5)),  # (member, stars; 0 = erase member)
        min_size=1,
        max_size=30,
    )
)
async def test_stats_always_match_a_recount(app: App, steps: list[tuple[int, int]]) -> None:
    """Any mix of rating, re-rating and erasing leaves the running totals exact."""
    article_id = await _article_id(app, "five-minutes-on-a-bad-day")
    await app.db.execute_write("DELETE FROM article_ratings WHERE article_id = ?", (article_id,))
    truth: dict[int, int] = {}
    for member, stars in steps:
        if stars == 0:
            await app.privacy.erase(member)
            truth.pop(member, None)
        else:
            await service(app).ratings.rate(article_id, member, stars)
            truth[member] = stars
    stats = await service(app).ratings.stats(article_id)
    assert (stats.count, stats.total) == (len(truth), sum(truth.values()))


# -- strict numbers (issue "Hardening", item 6) --------------------------------------------------
@pytest.mark.parametrize("big", [2**63, 99999999999999999999])
async def test_ids_past_sqlite_range_are_not_found(app: App, big: int) -> None:
    svc = service(app)
    with pytest.raises(NotFoundError):
        await svc.get(big)
    with pytest.raises(NotFoundError):
        await svc.ratings.rate(big, 1, 3)
    with pytest.raises(NotFoundError):
        await svc.ratings.resolve_feedback(1, big, 2, permissions=EDITOR)
