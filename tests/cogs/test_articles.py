from __future__ import annotations

import re
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.app import App
from bot.articles import DISCLAIMER, ArticleService
from bot.articles.render import SHORT_DISCLAIMER
from cogs._articles_views import (
    ArticleView,
    DidYouMeanView,
    FeedbackModal,
    FeedbackResolveView,
    ListView,
    OpenButton,
    RateButton,
    SearchView,
)
from cogs.articles import Articles, article_choices, tag_choices
from tests.helpers import (
    admin_permissions,
    click,
    invoke,
    make_channel,
    make_guild,
    make_interaction,
    make_member,
    override_permissions,
)


def _svc(app: App) -> ArticleService:
    service: ArticleService = app.services["articles"]
    return service


@pytest.fixture
def cog() -> Articles:
    bot = MagicMock()
    return Articles(bot)


def _buttons(view: discord.ui.View) -> dict[str, Any]:
    return {getattr(child, "label", None) or child.item.label: child for child in view.children}


async def test_cog_load_registers_persistent_rating_buttons(cog: Articles) -> None:
    await cog.cog_load()
    cog.bot.add_dynamic_items.assert_called_once_with(RateButton, OpenButton)


async def test_show_has_disclaimer_pages_share_and_star_buttons(app: App, cog: Articles) -> None:
    interaction = make_interaction(app)
    await invoke(cog.show, cog, interaction, article="mobility-aids")
    [sent] = interaction.sent
    assert sent.ephemeral
    assert DISCLAIMER in sent.text
    assert "Reading time" in sent.text and "Last reviewed: 2026-11-01" in sent.text
    assert "No ratings yet: be the first" in sent.text
    labels = [getattr(c, "label", None) for c in sent.view.children]
    assert labels[:3] == ["Previous page", "Next page", "Share in channel"]
    stars = [c for c in sent.view.children if isinstance(c, RateButton)]
    assert [b.item.label for b in stars] == ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]
    template = RateButton.__discord_ui_compiled_template__
    assert all(template.fullmatch(b.item.custom_id) for b in stars)


async def test_pages_turn_for_owner_only(app: App, cog: Articles) -> None:
    owner = make_member(1)
    interaction = make_interaction(app, user=owner)
    await invoke(cog.show, cog, interaction, article="mobility-aids")
    view: ArticleView = interaction.sent[0].view
    assert view.previous.disabled and not view.next.disabled
    turn = make_interaction(app, user=owner)
    await click(view.next, turn)
    [page_two] = turn.sent[0].embeds
    assert turn.sent[0].kind == "edit" and page_two.title == view.article.title
    assert page_two.footer.text.startswith(f"Page 2 of {view.pages} ")
    assert "part" not in page_two.title  # the page is said once, in the footer
    assert SHORT_DISCLAIMER in turn.sent[0].text and DISCLAIMER not in turn.sent[0].text
    stranger = make_interaction(app, user=make_member(2))
    await click(view.next, stranger)
    assert view.page == 2 and "belong to the member who asked" in stranger.sent[0].content


async def test_rate_button_reports_privately(app: App) -> None:
    article = await _svc(app).resolve("fatigue-and-weakness")
    await _svc(app).ratings.rate(article.id, 50, 5)
    interaction = make_interaction(app, user=make_member(51))
    await RateButton(article.id, 4).callback(interaction)
    [sent] = interaction.sent
    assert sent.ephemeral
    assert "You rated 4/5 · average 4.5 / 5 from 2 ratings" in sent.text


async def test_rate_button_rebuilt_after_restart(app: App) -> None:
    """A message posted days ago: the button is rebuilt from its custom_id alone."""
    article = await _svc(app).resolve("fatigue-and-weakness")
    custom_id = f"article:rate:{article.id}:3"
    match = RateButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    base = discord.ui.Button(label="3 stars", custom_id=custom_id)
    interaction = make_interaction(app)
    item = await RateButton.from_custom_id(interaction, base, match)
    await item.callback(interaction)
    assert "You rated 3/5" in interaction.sent[0].text
    assert not re.fullmatch(RateButton.__discord_ui_compiled_template__, "article:rate:1:6")


async def test_low_rating_opens_modal_and_posts_feedback(app: App) -> None:
    guild = make_guild(1)
    feedback_channel = make_channel(555, "editors", guild=guild)
    guild.get_channel = MagicMock(return_value=feedback_channel)
    await app.config.set_value(1, "article_feedback_channel", 555)
    article = await _svc(app).resolve("mobility-aids")
    member = make_member(60, "sam", guild=guild)
    click_interaction = make_interaction(app, user=member, guild=guild)
    await RateButton(article.id, 2).callback(click_interaction)
    assert click_interaction.sent[0].kind == "modal"
    modal = click_interaction.response.modal
    assert isinstance(modal, FeedbackModal)
    text_input = modal.feedback_input
    assert text_input.max_length == 1000 and not text_input.required
    assert modal.title == "Saved: you rated 2/5"
    # Sent as a Label (type 18) around the text input, not the deprecated input label.
    [label] = modal.to_components()
    assert label["type"] == 18 and label["label"] == "How could we improve this article?"
    assert label["component"]["type"] == 4 and not label["component"].get("label")
    # What Discord sends back on submit: the value nested inside the label.
    submitted = {"type": 4, "custom_id": text_input.custom_id, "value": "More about hand grips"}
    modal._refresh(click_interaction, [{"type": 18, "component": submitted}], {})
    assert text_input.value == "More about hand grips"
    submit = make_interaction(app, user=member, guild=guild)
    await modal.on_submit(submit)
    assert "feedback was passed" in submit.sent[0].text and submit.sent[0].ephemeral
    feedback_channel.send.assert_awaited_once()
    embed = feedback_channel.send.await_args.kwargs["embed"]
    assert "More about hand grips" in embed.description
    assert any(f.value == "2/5" for f in embed.fields)
    assert any(f.value == "<@60>" for f in embed.fields)
    assert (await _svc(app).ratings.stats(article.id)).count == 1


async def test_empty_modal_stores_nothing(app: App) -> None:
    article = await _svc(app).resolve("mobility-aids")
    interaction = make_interaction(app)
    await RateButton(article.id, 1).callback(interaction)
    submit = make_interaction(app)
    await interaction.response.modal.on_submit(submit)
    assert "You rated 1/5" in submit.sent[0].text
    assert await _svc(app).ratings.open_feedback(1) == []


async def test_rating_removed_article_is_explained(app: App) -> None:
    article = await _svc(app).resolve("mobility-aids")
    await _svc(app).remove("mobility-aids")
    interaction = make_interaction(app)
    await RateButton(article.id, 5).callback(interaction)
    assert "taken out of the library" in interaction.sent[0].content
    opened = make_interaction(app)
    await OpenButton(article.id).callback(opened)
    assert "no longer in the library" in opened.sent[0].content


async def test_share_posts_publicly_with_persistent_buttons(app: App, cog: Articles) -> None:
    interaction = make_interaction(app)
    await invoke(cog.share, cog, interaction, article="spotting-miracle-cure-scams")
    [sent] = interaction.sent
    assert not sent.ephemeral and DISCLAIMER in sent.text
    assert all(isinstance(c, RateButton | OpenButton) for c in sent.view.children)
    owner_view = make_interaction(app)
    await invoke(cog.show, cog, owner_view, article="spotting-miracle-cure-scams")
    shared = make_interaction(app, user=owner_view.user)
    await click(owner_view.sent[0].view.share, shared)
    assert not shared.sent[0].ephemeral and "Shared by" in shared.sent[0].text


async def test_open_button_sends_private_reader(app: App) -> None:
    article = await _svc(app).resolve("spotting-miracle-cure-scams")
    interaction = make_interaction(app)
    await OpenButton(article.id).callback(interaction)
    assert interaction.sent[0].ephemeral and isinstance(interaction.sent[0].view, ArticleView)


async def test_search_select_opens_article(app: App, cog: Articles) -> None:
    interaction = make_interaction(app)
    await invoke(cog.search, cog, interaction, query="excercise")
    sent = interaction.sent[0]
    assert "so I searched for “exercise”" in sent.text
    view: SearchView = sent.view
    view.select._values = [view.select.options[0].value]  # what Discord fills in
    chosen = make_interaction(app, user=interaction.user)
    await click(view.select, chosen)
    assert DISCLAIMER in chosen.sent[0].text


async def test_search_bad_input_is_friendly(app: App, cog: Articles) -> None:
    for query in ["   ", '"NEAR(*', "word " * 500]:
        interaction = make_interaction(app)
        await invoke(cog.search, cog, interaction, query=query)
        assert interaction.sent[0].ephemeral
        assert "went wrong" not in interaction.sent[0].text


async def test_unknown_article_is_friendly(app: App, cog: Articles) -> None:
    interaction = make_interaction(app)
    await invoke(cog.show, cog, interaction, article="qwxzvk")
    assert "couldn't find an article" in interaction.sent[0].content


async def test_list_pages_and_top(app: App, cog: Articles) -> None:
    interaction = make_interaction(app)
    await invoke(cog.list_, cog, interaction, tag=None)
    assert "All articles" in interaction.sent[0].text and interaction.sent[0].view is None
    view = ListView(interaction.user.id, None, 1, 2)
    turn = make_interaction(app, user=interaction.user)
    await click(view.next, turn)
    assert turn.sent[0].kind == "edit"
    tagged = make_interaction(app)
    await invoke(cog.list_, cog, tagged, tag="scams")
    assert "How to spot miracle-cure scams" in tagged.sent[0].text
    top = make_interaction(app)
    await invoke(cog.top, cog, top)
    assert "No article has been rated yet" in top.sent[0].text


async def test_rate_command_with_feedback_and_too_long(app: App, cog: Articles) -> None:
    interaction = make_interaction(app)
    await invoke(
        cog.rate, cog, interaction, article="fatigue-and-weakness", stars=2, feedback="x" * 1001
    )
    assert "at most 1000" in interaction.sent[0].content
    article = await _svc(app).resolve("fatigue-and-weakness")
    assert (await _svc(app).ratings.stats(article.id)).count == 0  # nothing recorded
    ok = make_interaction(app)
    await invoke(cog.rate, cog, ok, article="fatigue-and-weakness", stars=2, feedback="Add sources")
    assert "You rated 2/5" in ok.sent[0].text and "feedback was passed" in ok.sent[0].text
    modal = make_interaction(app, user=make_member(9))
    await invoke(cog.rate, cog, modal, article="fatigue-and-weakness", stars=1)
    assert modal.sent[0].kind == "modal"
    high = make_interaction(app, user=make_member(10))
    await invoke(cog.rate, cog, high, article="fatigue-and-weakness", stars=5)
    assert "average 2.7 / 5 from 3 ratings" in high.sent[0].text


async def test_feedback_command_needs_manage_messages(app: App, cog: Articles) -> None:
    article = await _svc(app).resolve("fatigue-and-weakness")
    item = await _svc(app).ratings.add_feedback(article.id, 5, 1, 1, "Too vague")
    assert item is not None
    member = make_interaction(app)
    await invoke(cog.feedback, cog, member, resolve=None)
    assert "Manage Messages" in member.sent[0].content
    editor = make_member(8, permissions=admin_permissions())
    listing = make_interaction(app, user=editor)
    await invoke(cog.feedback, cog, listing, resolve=None)
    assert "Too vague" in listing.sent[0].text
    view: FeedbackResolveView = listing.sent[0].view
    view.select._values = [str(item.id)]
    resolved = make_interaction(app, user=editor)
    await click(view.select, resolved)
    assert "is resolved" in resolved.sent[0].text
    again = make_interaction(app, user=editor)
    await invoke(cog.feedback, cog, again, resolve=item.id)
    assert "already resolved" in again.sent[0].content


async def test_autocomplete(app: App) -> None:
    interaction = make_interaction(app)
    choices = await article_choices(interaction, "mobil")
    assert choices[0].value == "mobility-aids"
    assert all(len(c.name) <= 100 for c in await article_choices(interaction, ""))
    tags = await tag_choices(interaction, "weak")
    assert tags and tags[0].value == "weakness"


async def test_feedback_post_failure_keeps_feedback(app: App) -> None:
    guild = make_guild(1)
    channel = make_channel(556, guild=guild)
    channel.send = AsyncMock(side_effect=discord.HTTPException(MagicMock(status=403), "no"))
    guild.get_channel = MagicMock(return_value=channel)
    await app.config.set_value(1, "article_feedback_channel", 556)
    interaction = make_interaction(app, guild=guild)
    await invoke(
        Articles(MagicMock()).rate,
        Articles(MagicMock()),
        interaction,
        article="fatigue-and-weakness",
        stars=1,
        feedback="Kept even if posting fails",
    )
    assert "feedback was passed" in interaction.sent[0].text
    assert [f.text for f in await _svc(app).ratings.open_feedback(1)] == [
        "Kept even if posting fails"
    ]


async def test_click_on_old_message_dispatches_through_discord_view_store(app: App) -> None:
    """After a restart nothing is stored for the message: discord.py rebuilds the button from
    the registered DynamicItem template alone."""
    import asyncio

    from discord.ext import commands

    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())
    await Articles(bot).cog_load()
    article = await _svc(app).resolve("mobility-aids")
    custom_id = f"article:rate:{article.id}:4"
    row = discord.components.ActionRow(
        {
            "type": 1,
            "components": [{"type": 2, "style": 2, "label": "4 stars", "custom_id": custom_id}],
        }
    )
    message = MagicMock(spec=discord.Message)
    message.components = [row]
    message.flags = discord.MessageFlags()
    interaction = make_interaction(app, message=message)
    interaction.data = {"component_type": 2, "custom_id": custom_id}
    store = bot._connection._view_store
    store.dispatch_view(2, custom_id, interaction)
    for _ in range(100):
        if interaction.sent:
            break
        await asyncio.sleep(0.01)
    assert "You rated 4/5" in interaction.sent[0].text


def test_views_module_is_not_loaded_as_an_extension() -> None:
    from bot.discord_bot import discover_cogs

    found = discover_cogs()
    assert "cogs.articles" in found and "cogs._articles_views" not in found


async def test_resolve_menu_rechecks_the_permission_at_click_time(app: App, cog: Articles) -> None:
    article = await _svc(app).resolve("fatigue-and-weakness")
    item = await _svc(app).ratings.add_feedback(article.id, 5, 1, 1, "Too vague")
    assert item is not None
    editor = make_member(8, permissions=admin_permissions())
    listing = make_interaction(app, user=editor)
    await invoke(cog.feedback, cog, listing, resolve=None)
    view: FeedbackResolveView = listing.sent[0].view
    editor.guild_permissions = discord.Permissions(send_messages=True)  # no longer an editor
    view.select._values = [str(item.id)]
    late = make_interaction(app, user=editor)
    await click(view.select, late)
    assert "Manage Messages" in late.sent[0].text
    assert await _svc(app).ratings.count_open(1) == 1


async def test_feedback_command_respects_a_channel_override(app: App, cog: Articles) -> None:
    editor = make_member(8, permissions=admin_permissions())
    channel = make_channel(3)
    override_permissions(channel, editor, discord.Permissions(send_messages=True))
    interaction = make_interaction(app, user=editor, channel=channel)
    await invoke(cog.feedback, cog, interaction, resolve=None)
    assert "Manage Messages" in interaction.sent[0].text


# -- never act on a guess (issue "Hardening", item 11) ------------------------------------------
async def _no_ratings(app: App) -> bool:
    return await app.db.fetchval("SELECT COUNT(*) FROM article_ratings") == 0


async def test_rate_on_a_guess_asks_did_you_mean_and_rates_only_the_pick(
    app: App, cog: Articles
) -> None:
    interaction = make_interaction(app)
    await invoke(cog.rate, cog, interaction, article="weak", stars=4, feedback=None)
    [sent] = interaction.sent
    assert "Did you mean" in sent.text and sent.ephemeral
    assert isinstance(sent.view, DidYouMeanView)
    assert 1 <= len(sent.view.children) <= 3
    assert await _no_ratings(app)  # nothing rated by guess
    stranger = make_interaction(app, user=make_member(31337))
    await click(sent.view.children[0], stranger)
    assert await _no_ratings(app)  # the buttons belong to the member who asked
    chosen = make_interaction(app, user=interaction.user)
    await click(sent.view.children[1], chosen)
    assert "You rated 4/5" in chosen.sent[0].text
    rated = await app.db.fetchall("SELECT article_id, stars FROM article_ratings")
    assert [tuple(r) for r in rated] == [(sent.view.suggestions[1].id, 4)]


async def test_low_rating_picked_from_did_you_mean_opens_the_feedback_form(
    app: App, cog: Articles
) -> None:
    interaction = make_interaction(app)
    await invoke(cog.rate, cog, interaction, article="fatigue", stars=1, feedback=None)
    view = interaction.sent[0].view
    chosen = make_interaction(app, user=interaction.user)
    await click(view.children[0], chosen)
    assert chosen.sent[0].kind == "modal"


@pytest.mark.parametrize("command", ["show", "share"])
async def test_show_and_share_on_a_guess_offer_buttons(
    app: App, cog: Articles, command: str
) -> None:
    interaction = make_interaction(app)
    await invoke(getattr(cog, command), cog, interaction, article="mobility aids")
    [sent] = interaction.sent
    assert "Did you mean" in sent.text and DISCLAIMER not in sent.text
    chosen = make_interaction(app, user=interaction.user)
    await click(sent.view.children[0], chosen)
    assert DISCLAIMER in chosen.sent[0].text
    assert chosen.sent[0].ephemeral is (command == "show")


@pytest.mark.parametrize(
    "typed", ["²", "٣", "99999999999999999999", "#" + "9" * 5000, "9" * 5000, "#-1", "#0"]
)
async def test_odd_numbers_as_article_names_are_friendly(
    app: App, cog: Articles, typed: str
) -> None:
    """Issue "Hardening", item 6: superscripts, huge and negative ids never crash."""
    for command, extra in ((cog.show, {}), (cog.rate, {"stars": 3, "feedback": None})):
        interaction = make_interaction(app)
        await invoke(command, cog, interaction, article=typed, **extra)
        assert "went wrong" not in interaction.sent[0].text
    assert await _no_ratings(app)


async def test_article_number_is_exact(app: App, cog: Articles) -> None:
    article = await _svc(app).resolve("mobility-aids")
    interaction = make_interaction(app)
    await invoke(cog.show, cog, interaction, article=f"#{article.id}")
    assert DISCLAIMER in interaction.sent[0].text
