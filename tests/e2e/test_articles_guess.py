"""Never act on a guess: /article show, share and rate with a name that is not exact answer
"Did you mean ...?" with buttons, and nothing is shown, posted or rated before the pick."""

from __future__ import annotations

import pytest

from bot.articles.feature import service_of
from bot.local_discord import Driver, World
from bot.local_discord.options import InputError

pytestmark = pytest.mark.asyncio(loop_scope="session")

DISCLAIMER_START = "Please note: Information and community experience only"


async def ratings_by(app, user_id: int) -> list[tuple[int, int]]:
    rows = await app.db.fetchall(
        "SELECT article_id, stars FROM article_ratings WHERE user_id = ?", (user_id,)
    )
    return [tuple(r) for r in rows]


def buttons(message) -> list[str]:
    return [c["label"] for row in message.components for c in row["components"]]


async def test_show_on_a_guess_offers_buttons_then_shows_the_pick_privately(
    d: Driver, world: World
) -> None:
    asked = await d.run("/article show", {"article": "mobility aid"})
    assert "Did you mean" in asked.reply.text() and asked.reply.ephemeral
    assert DISCLAIMER_START not in asked.text  # nothing shown yet
    [choice, *_] = buttons(asked.reply)
    shown = await d.click(asked.reply, choice)
    assert shown.reply.ephemeral and DISCLAIMER_START in shown.reply.text()
    assert "mobility aids" in shown.reply.text().lower()


async def test_share_on_a_guess_posts_only_the_pick(d: Driver, world: World) -> None:
    asked = await d.run("/article share", {"article": "mobility aid"})
    assert "Did you mean" in asked.reply.text() and not d.history("general")
    shared = await d.click(asked.reply, buttons(asked.reply)[0])
    assert not shared.reply.ephemeral and shared.reply in d.history("general")
    assert "Shared by" in shared.reply.text()


async def test_rate_on_a_guess_rates_nothing_until_the_member_picks(
    d: Driver, world: World, app
) -> None:
    member = world.user("member").id
    asked = await d.run("/article rate", {"article": "weak", "stars": 4})
    choices = buttons(asked.reply)
    assert "Did you mean" in asked.reply.text() and 1 <= len(choices) <= 3
    assert await ratings_by(app, member) == []  # nothing rated by guess
    with pytest.raises(InputError, match="can't see"):  # a private answer: theirs alone
        await d.click(asked.reply, choices[-1], who="moderator")
    rated = await d.click(asked.reply, choices[-1])
    assert "You rated 4/5" in rated.reply.text() and rated.reply.ephemeral
    [(article_id, stars)] = await ratings_by(app, member)
    picked = await service_of(app).get(article_id)
    assert stars == 4 and picked.title.startswith(choices[-1].rstrip("…"))


async def test_a_low_rating_picked_from_the_buttons_opens_the_feedback_form(
    d: Driver, world: World
) -> None:
    asked = await d.run("/article rate", {"article": "fatigue", "stars": 1})
    opened = await d.click(asked.reply, buttons(asked.reply)[0])
    assert opened.modal is not None and "rated 1/5" in opened.modal["title"]
    thanked = await d.submit_modal(opened, ["Too short"])
    assert "You rated 1/5" in thanked.reply.text()


async def test_an_exact_name_or_number_acts_at_once(d: Driver, world: World, app) -> None:
    article = await service_of(app).resolve("mobility-aids")
    for name in ("mobility-aids", f"#{article.id}", article.title):
        shown = await d.run("/article show", {"article": name})
        assert DISCLAIMER_START in shown.reply.text(), name
