"""Views, persistent buttons, select menus and the feedback modal for /article.

Split from ``cogs/articles.py`` (which keeps the commands); the leading underscore keeps this
module from being loaded as an extension.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot import i18n
from bot.articles import render
from bot.articles.feature import FEEDBACK_CHANNEL_KEY, service_of
from bot.articles.models import Article
from bot.articles.ratings import MAX_FEEDBACK, Feedback, RatingOutcome
from bot.articles.service import ArticleService, ArticleSuggestions, Suggestion
from bot.i18n import N_, _, ngettext
from bot.replies import Reply, Tone
from cogs._errors import handle_interaction_error
from cogs._language import SpeaksMemberLanguage
from cogs._permissions import here
from cogs._ui import (
    DynamicItemsView,
    GuardedModal,
    OwnerOnlyView,
    app_of,
    reply_to_embed,
    respond,
)

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()


def service_for(interaction: discord.Interaction) -> ArticleService:
    return service_of(app_of(interaction))


def star_label(stars: int) -> str:
    return ngettext("{count} star", "{count} stars", stars).format(count=stars)


def resolved_reply(feedback_id: int) -> Reply:
    return Reply(
        body=_("Feedback #{number} is resolved.").format(number=feedback_id), tone=Tone.SUCCESS
    )


# -- persistent buttons (work on messages posted before a restart) -----------------------------
class RateButton(
    SpeaksMemberLanguage,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"article:rate:(?P<article_id>[0-9]{1,19}):(?P<stars>[1-5])",
):
    def __init__(self, article_id: int, stars: int, row: int = 1) -> None:
        super().__init__(
            discord.ui.Button(
                label=star_label(stars),
                style=discord.ButtonStyle.secondary,
                custom_id=f"article:rate:{article_id}:{stars}",
                row=row,
            )
        )
        self.article_id = article_id
        self.stars = stars

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: Any
    ) -> RateButton:
        return cls(int(match["article_id"]), int(match["stars"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        # Dynamic items are dispatched outside any view's error handler, so route errors here.
        try:
            outcome = await service_for(interaction).ratings.rate(
                self.article_id, interaction.user.id, self.stars
            )
            if outcome.asks_feedback:
                await interaction.response.send_modal(FeedbackModal(outcome))
            else:
                await respond(interaction, render.rating_reply(outcome))
        except Exception as error:
            await handle_interaction_error(interaction, error)


class OpenButton(
    SpeaksMemberLanguage,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"article:open:(?P<article_id>[0-9]{1,19})",
):
    def __init__(self, article_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=_("Read the full article (only you see it)"),
                style=discord.ButtonStyle.primary,
                custom_id=f"article:open:{article_id}",
                row=1,
            )
        )
        self.article_id = article_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: Any
    ) -> OpenButton:
        return cls(int(match["article_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await show_article(interaction, await service_for(interaction).get(self.article_id))
        except Exception as error:
            await handle_interaction_error(interaction, error)


# -- feedback ----------------------------------------------------------------------------------
class FeedbackModal(GuardedModal, title=N_("Thank you for rating")):
    # A Label wraps the input: the label argument of TextInput is deprecated since 2.6.
    feedback: discord.ui.Label[FeedbackModal] = discord.ui.Label(
        text=N_("How could we improve this article?"),
        component=discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_FEEDBACK,
            placeholder=N_("Optional. What was missing, unclear or wrong?"),
        ),
    )

    def __init__(self, outcome: RatingOutcome) -> None:
        # The rating is already saved; the title says so, since the form is optional.
        super().__init__(
            title=_("Saved: you rated {stars}/5").format(stars=outcome.stars), timeout=900
        )
        self.outcome = outcome

    @property
    def feedback_input(self) -> discord.ui.TextInput[FeedbackModal]:
        text_input = self.feedback.component
        assert isinstance(text_input, discord.ui.TextInput)
        return text_input

    async def on_submit(self, interaction: discord.Interaction) -> None:
        saved = await save_feedback(interaction, self.outcome, self.feedback_input.value)
        await respond(interaction, render.rating_reply(self.outcome, feedback_saved=saved))


async def save_feedback(
    interaction: discord.Interaction, outcome: RatingOutcome, text: str | None
) -> bool:
    """Store the feedback and post it to the guild's feedback channel when one is set."""
    service = service_for(interaction)
    item = await service.ratings.add_feedback(
        outcome.article_id, interaction.user.id, interaction.guild_id, outcome.stars, text
    )
    if item is None:
        return False
    await post_feedback(interaction, service, item)
    return True


async def post_feedback(
    interaction: discord.Interaction, service: ArticleService, item: Feedback
) -> None:
    if interaction.guild is None:
        return
    channel_id = await app_of(interaction).config.get(interaction.guild.id, FEEDBACK_CHANNEL_KEY)
    channel = interaction.guild.get_channel(channel_id) if channel_id else None
    if not isinstance(channel, discord.abc.Messageable):
        return  # stored anyway; editors see it with /article feedback
    article = await service.get(item.article_id, include_removed=True)
    with i18n.public():  # the editors' channel reads the server's language
        embed = reply_to_embed(render.feedback_post(item, article.slug))
    try:
        await channel.send(embed=embed, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.warning("Could not post article feedback #%s to channel %s", item.id, channel_id)


class FeedbackResolveView(OwnerOnlyView):
    def __init__(self, owner_id: int, items: list[Feedback]) -> None:
        super().__init__(owner_id)
        select: discord.ui.Select[FeedbackResolveView] = discord.ui.Select(
            placeholder=_("Mark feedback as resolved"),
            options=[
                discord.SelectOption(
                    label=f"#{i.id} · {i.stars}/5 · {i.article_title}"[:100],
                    description=i.text[:100],
                    value=str(i.id),
                )
                for i in items[:25]
            ],
        )
        select.callback = self._resolve  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def _resolve(self, interaction: discord.Interaction) -> None:
        # The core checks the permission again at this click: the menu must not outlive it.
        item = await service_for(interaction).ratings.resolve_feedback(
            interaction.guild_id,
            int(self.select.values[0]),
            interaction.user.id,
            permissions=here(interaction),
        )
        await respond(interaction, resolved_reply(item.id))


# -- reading -----------------------------------------------------------------------------------
class ArticleView(OwnerOnlyView):
    """Previous/Next through the pages (requester only), share, and the five rating buttons."""

    def __init__(self, owner_id: int, article: Article, page: int = 1) -> None:
        super().__init__(owner_id, timeout=900)
        self.article = article
        self.page = page
        self.pages = render.page_count(article)
        for stars in range(1, 6):
            self.add_item(RateButton(article.id, stars))
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= self.pages

    def embed(self) -> discord.Embed:
        return reply_to_embed(render.article_page(self.article, self.page))

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = min(max(1, self.page + step), self.pages)
        self._sync()
        await interaction.response.edit_message(embed=self.embed(), view=self)

    @discord.ui.button(label=N_("Previous page"), style=discord.ButtonStyle.secondary, row=0)
    async def previous(self, interaction: discord.Interaction, _b: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label=N_("Next page"), style=discord.ButtonStyle.primary, row=0)
    async def next(self, interaction: discord.Interaction, _b: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, 1)

    @discord.ui.button(label=N_("Share in channel"), style=discord.ButtonStyle.success, row=0)
    async def share(self, interaction: discord.Interaction, _b: discord.ui.Button[Any]) -> None:
        await share_article(interaction, await service_for(interaction).get(self.article.id))


def public_view(article: Article) -> discord.ui.View:
    stars = [RateButton(article.id, count, row=0) for count in range(1, 6)]
    return DynamicItemsView([*stars, OpenButton(article.id)])


async def show_article(interaction: discord.Interaction, article: Article, page: int = 1) -> None:
    view = ArticleView(interaction.user.id, article, page)
    await respond(interaction, render.article_page(article, view.page), view=view, private=True)


async def share_article(interaction: discord.Interaction, article: Article) -> None:
    with i18n.public():  # posted for everyone in the channel: the server's language
        reply = render.article_page(article, 1)
        reply.footer = _("Shared by {name} · rate it with the buttons below").format(
            name=interaction.user.display_name
        )
        embed, view = reply_to_embed(reply), public_view(article)
    await interaction.response.send_message(embed=embed, view=view, allowed_mentions=NO_MENTIONS)


# -- "Did you mean ...?" -------------------------------------------------------------------------
#: What the member asked to do with the article they named (show, share, rate with the stars).
ArticleAction = Callable[[discord.Interaction, Article], Awaitable[None]]


class DidYouMeanView(OwnerOnlyView):
    """One button per close article; pressing one does what the member asked, on that one.
    Buttons, not typing: nothing is shown or rated until the member picks."""

    def __init__(self, owner_id: int, suggestions: list[Suggestion], act: ArticleAction) -> None:
        super().__init__(owner_id)
        self.act = act
        self.suggestions = suggestions
        for suggestion in suggestions:
            button: discord.ui.Button[DidYouMeanView] = discord.ui.Button(
                label=_clip(suggestion.title, 80), style=discord.ButtonStyle.primary
            )
            button.callback = functools.partial(self._pick, suggestion.id)  # type: ignore[method-assign]
            self.add_item(button)

    async def _pick(self, article_id: int, interaction: discord.Interaction) -> None:
        article = await service_for(interaction).get(article_id)
        self.stop()
        await self.act(interaction, article)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def with_named_article(
    interaction: discord.Interaction, name: str, act: ArticleAction
) -> None:
    """Run ``act`` on the article named exactly; otherwise ask "Did you mean ...?" with buttons."""
    try:
        article = await service_for(interaction).resolve(name)
    except ArticleSuggestions as suggestions:
        view = DidYouMeanView(interaction.user.id, suggestions.suggestions, act)
        await respond(
            interaction,
            Reply(body=suggestions.message + " " + _("Pick one below.")),
            view=view,
            private=True,
        )
        return
    await act(interaction, article)


async def rate_article(
    interaction: discord.Interaction, article: Article, stars: int, feedback: str | None
) -> None:
    """Record the rating, then the feedback (or open the form for a low rating)."""
    service = service_for(interaction)
    outcome = await service.ratings.rate(article.id, interaction.user.id, stars)
    if feedback is None and outcome.asks_feedback:
        await interaction.response.send_modal(FeedbackModal(outcome))
        return
    saved = await save_feedback(interaction, outcome, feedback)
    await respond(interaction, render.rating_reply(outcome, feedback_saved=saved))


class SearchView(OwnerOnlyView):
    def __init__(self, owner_id: int, hits: list[tuple[int, str, str]]) -> None:
        super().__init__(owner_id)
        select: discord.ui.Select[SearchView] = discord.ui.Select(
            placeholder=_("Choose an article to read"),
            options=[
                discord.SelectOption(label=title[:100], description=slug[:100], value=str(i))
                for i, title, slug in hits[:25]
            ],
        )
        select.callback = self._open  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def _open(self, interaction: discord.Interaction) -> None:
        await show_article(
            interaction, await service_for(interaction).get(int(self.select.values[0]))
        )


class ListView(OwnerOnlyView):
    def __init__(self, owner_id: int, tag: str | None, page: int, pages: int) -> None:
        super().__init__(owner_id)
        self.tag, self.page, self.pages = tag, page, pages
        self.previous.disabled = page <= 1
        self.next.disabled = page >= pages

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        articles, total, pages, tag = await service_for(interaction).list_articles(
            self.tag, self.page + step
        )
        self.page, self.pages = min(max(1, self.page + step), pages), pages
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= pages
        reply = render.list_reply(articles, total, self.page, pages, tag)
        await interaction.response.edit_message(embed=reply_to_embed(reply), view=self)

    @discord.ui.button(label=N_("Previous page"), style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _b: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label=N_("Next page"), style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, _b: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, 1)
