"""/article as members use it: reading page by page, sharing, rating, feedback, search, lists."""

from __future__ import annotations

import pytest

from bot.articles import DISCLAIMER
from bot.articles.feature import service_of
from bot.articles.render import SHORT_DISCLAIMER
from bot.local_discord import Driver, LocalDiscord, World
from bot.local_discord.errors import missing_permissions
from bot.local_discord.options import InputError
from bot.local_discord.permissions import bits

pytestmark = pytest.mark.asyncio(loop_scope="session")


def buttons(message) -> list[str]:
    return [c["label"] for row in message.components for c in row["components"]]


async def test_reading_an_article_page_by_page(d: Driver, world: World) -> None:
    shown = await d.run("/article show", {"article": "mobility-aids"})
    page = shown.reply
    assert page.ephemeral and DISCLAIMER in page.text()
    assert "Reading time" in page.text() and "Last reviewed: 2026-11-01" in page.text()
    labels = buttons(page)
    assert labels[:3] == ["Previous page", "Next page", "Share in channel"]
    assert labels[3:] == ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]
    with pytest.raises(InputError, match="disabled"):
        await d.click(page, "Previous page")
    await d.click(page, "Next page")
    assert page.embeds[0]["footer"]["text"].startswith("Page 2 of ")
    assert DISCLAIMER not in page.text() and SHORT_DISCLAIMER in page.text()  # a short note
    shared = await d.click(page, "Share in channel")
    assert not shared.reply.ephemeral and shared.reply in d.history("general")
    assert "Shared by" in shared.reply.text()


async def test_a_shared_article_is_rated_and_read_by_anyone(d: Driver, world: World, app) -> None:
    post = (await d.run("/article share", {"article": "spotting-miracle-cure-scams"})).reply
    assert DISCLAIMER in post.text()
    await d.click(post, "5 stars", who="admin")
    rated = await d.click(post, "4 stars", who="moderator")
    assert "You rated 4/5 · average 4.5 / 5 from 2 ratings" in rated.reply.text()
    opened = await d.click(post, "Read the full article", who="moderator")
    assert opened.reply.ephemeral and "Next page" in buttons(opened.reply)


async def test_an_empty_feedback_form_stores_only_the_rating(d: Driver, world: World, app) -> None:
    post = (await d.run("/article share", {"article": "mobility-aids"})).reply
    opened = await d.click(post, "1 star", who="moderator")
    thanked = await d.submit_modal(opened, [""])
    assert "You rated 1/5" in thanked.reply.text() and "feedback was passed" not in thanked.text
    assert await service_of(app).ratings.open_feedback(world.guild.id) == []


async def test_a_removed_article_is_explained(d: Driver, world: World, app) -> None:
    from bot.articles.importer import import_folder
    from tests.e2e.settings import ROOT

    post = (await d.run("/article share", {"article": "mobility-aids"})).reply
    await service_of(app).remove("mobility-aids")
    try:
        rated = await d.click(post, "5 stars")
        assert "taken out of the library" in rated.reply.text()
        opened = await d.click(post, "Read the full article")
        assert "no longer in the library" in opened.reply.text()
    finally:
        await import_folder(service_of(app), ROOT / "data" / "articles")  # back for the others


async def test_search_then_choose_from_the_menu(d: Driver, world: World) -> None:
    found = await d.run("/article search", {"query": "excercise"})
    assert "so I searched for “exercise”" in found.reply.text()
    menu = found.reply.components[0]["components"][0]
    opened = await d.select(found.reply, [menu["options"][0]["label"]])
    assert DISCLAIMER in opened.reply.text()
    for query in ("   ", '"NEAR(*', "word " * 500):
        odd = await d.run("/article search", {"query": query})
        assert odd.reply.ephemeral and "went wrong" not in odd.reply.text()
    unknown = await d.run("/article show", {"article": "qwxzvk"})
    assert "couldn't find an article" in unknown.reply.text()


async def test_lists_and_autocomplete(d: Driver, world: World) -> None:
    listed = await d.run("/article list")
    assert "All articles" in listed.reply.text()
    tagged = await d.run("/article list", {"tag": "scams"})
    assert "How to spot miracle-cure scams" in tagged.reply.text()
    assert (await d.run("/article top")).reply.text()
    choices = await d.autocomplete("/article show", "article", {"article": "mobil"})
    assert choices[0]["value"] == "mobility-aids"
    tags = await d.autocomplete("/article list", "tag", {"tag": "weak"})
    assert tags and tags[0]["value"] == "weakness"


async def test_rate_with_feedback_and_the_editors_list(d: Driver, world: World, app) -> None:
    too_long = await d.run(
        "/article rate", {"article": "fatigue-and-weakness", "stars": 2, "feedback": "x" * 1001}
    )
    assert "at most 1000" in too_long.reply.text()
    article = await service_of(app).resolve("fatigue-and-weakness")
    assert (await service_of(app).ratings.stats(article.id)).count == 0  # nothing recorded
    ok = await d.run(
        "/article rate", {"article": "fatigue-and-weakness", "stars": 2, "feedback": "Add sources"}
    )
    assert "You rated 2/5" in ok.reply.text() and "feedback was passed" in ok.reply.text()
    refused = await d.run("/article feedback", who="member")
    assert "Manage Messages" in refused.reply.text()
    listing = await d.run("/article feedback", who="moderator")
    assert "Add sources" in listing.reply.text()
    [item] = await service_of(app).ratings.open_feedback(world.guild.id)
    await d.run("/article feedback", {"resolve": item.id}, who="moderator")
    again = await d.run("/article feedback", {"resolve": item.id}, who="moderator")
    assert "already resolved" in again.reply.text()


async def test_the_editors_check_counts_channel_overrides(d: Driver, world: World) -> None:
    world.override("general", "moderators", deny=bits("manage_messages"))
    refused = await d.run("/article feedback", who="moderator", where="general")
    assert "Manage Messages" in refused.reply.text()
    elsewhere = await d.run("/article feedback", who="moderator", where="checkins")
    assert "No open feedback" in elsewhere.reply.text()


async def test_feedback_is_kept_when_the_editors_channel_refuses_the_bot(
    d: Driver, world: World, app, local: LocalDiscord
) -> None:
    await d.run(
        "/config channel",
        {"option": "article_feedback_channel", "channel": "#article-feedback"},
        who="owner",
    )
    # The bot's cache says it may post there; Discord, changed a moment ago, says no.
    local.inject("POST", "/channels/{channel_id}/messages", error=missing_permissions())
    kept = await d.run(
        "/article rate", {"article": "fatigue-and-weakness", "stars": 1, "feedback": "Kept"}
    )
    assert "feedback was passed" in kept.reply.text()
    assert [f.text for f in await service_of(app).ratings.open_feedback(world.guild.id)] == ["Kept"]
    assert not d.history("article-feedback")
    assert [r.split(": ")[1] for r in local.take_rejected()] == ["50013 Missing Permissions"]


@pytest.mark.parametrize(
    "typed", ["²", "٣", "99999999999999999999", "#" + "9" * 5000, "9" * 5000, "#-1", "#0"]
)
async def test_odd_numbers_as_article_names_are_friendly(
    d: Driver, world: World, app, typed: str
) -> None:
    for command, extra in (("/article show", {}), ("/article rate", {"stars": 3})):
        shown = await d.run(command, {"article": typed, **extra})
        assert "went wrong" not in shown.text and not shown.failed, command
    rows = await app.db.fetchval(
        "SELECT COUNT(*) FROM article_ratings WHERE user_id = ?", (world.user("member").id,)
    )
    assert rows == 0
