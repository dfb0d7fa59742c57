"""/article: search, read, share and rate the community's articles. Thin: the core decides."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.articles import render
from bot.articles.feature import FEEDBACK_CHANNEL_KEY, service_of
from bot.articles.models import Article
from bot.articles.ratings import MAX_FEEDBACK, Feedback, RatingOutcome, clean_feedback
from bot.articles.service import ArticleService
from bot.replies import Reply, Tone
from cogs._errors import handle_interaction_error
from cogs._ui import GuardedModal, OwnerOnlyView, app_of, reply_to_embed, respond

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()


def _service(interaction: discord.Interaction) -> ArticleService:
    return service_of(app_of(interaction))


def star_label(stars: int) -> str:
    return f"{stars} star" if stars == 1 else f"{stars} stars"


# -- persistent buttons (work on messages posted before a restart) -----------------------------
class RateButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"article:rate:(?P<article_id>\d+):(?P<stars>[1-5])",
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
            outcome = await _service(interaction).ratings.rate(
                self.article_id, interaction.user.id, self.stars
            )
            if outcome.asks_feedback:
                await interaction.response.send_modal(FeedbackModal(outcome))
            else:
                await respond(interaction, render.rating_reply(outcome))
        except Exception as error:
            await handle_interaction_error(interaction, error)


class OpenButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"article:open:(?P<article_id>\d+)"
):
    def __init__(self, article_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Read the full article (only you see it)",
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
            await show_article(interaction, await _service(interaction).get(self.article_id))
        except Exception as error:
            await handle_interaction_error(interaction, error)


# -- feedback ----------------------------------------------------------------------------------
class FeedbackModal(GuardedModal, title="Thank you for rating"):
    feedback: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="How could we improve this article?",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=MAX_FEEDBACK,
        placeholder="Optional. What was missing, unclear or wrong?",
    )

    def __init__(self, outcome: RatingOutcome) -> None:
        # The rating is already saved; the title says so, since the form is optional.
        super().__init__(title=f"Saved: you rated {outcome.stars}/5", timeout=900)
        self.outcome = outcome

    async def on_submit(self, interaction: discord.Interaction) -> None:
        saved = await save_feedback(interaction, self.outcome, self.feedback.value)
        await respond(interaction, render.rating_reply(self.outcome, feedback_saved=saved))


async def save_feedback(
    interaction: discord.Interaction, outcome: RatingOutcome, text: str | None
) -> bool:
    """Store the feedback and post it to the guild's feedback channel when one is set."""
    service = _service(interaction)
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
    try:
        await channel.send(
            embed=reply_to_embed(render.feedback_post(item, article.slug)),
            allowed_mentions=NO_MENTIONS,
        )
    except discord.HTTPException:
        log.warning("Could not post article feedback #%s to channel %s", item.id, channel_id)


class FeedbackResolveView(OwnerOnlyView):
    def __init__(self, owner_id: int, items: list[Feedback]) -> None:
        super().__init__(owner_id)
        select: discord.ui.Select[FeedbackResolveView] = discord.ui.Select(
            placeholder="Mark feedback as resolved",
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
        item = await _service(interaction).ratings.resolve_feedback(
            interaction.guild_id, int(self.select.values[0]), interaction.user.id
        )
        await respond(
            interaction, Reply(body=f"Feedback #{item.id} is resolved.", tone=Tone.SUCCESS)
        )


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

    @discord.ui.button(label="Previous page", style=discord.ButtonStyle.secondary, row=0)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next page", style=discord.ButtonStyle.primary, row=0)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, 1)

    @discord.ui.button(label="Share in channel", style=discord.ButtonStyle.success, row=0)
    async def share(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await share_article(interaction, await _service(interaction).get(self.article.id))


def public_view(article: Article) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for stars in range(1, 6):
        view.add_item(RateButton(article.id, stars, row=0))
    view.add_item(OpenButton(article.id))
    return view


async def show_article(interaction: discord.Interaction, article: Article, page: int = 1) -> None:
    view = ArticleView(interaction.user.id, article, page)
    await respond(interaction, render.article_page(article, view.page), view=view, private=True)


async def share_article(interaction: discord.Interaction, article: Article) -> None:
    reply = render.article_page(article, 1)
    reply.footer = f"Shared by {interaction.user.display_name} · rate it with the buttons below"
    await interaction.response.send_message(
        embed=reply_to_embed(reply), view=public_view(article), allowed_mentions=NO_MENTIONS
    )


class SearchView(OwnerOnlyView):
    def __init__(self, owner_id: int, hits: list[tuple[int, str, str]]) -> None:
        super().__init__(owner_id)
        select: discord.ui.Select[SearchView] = discord.ui.Select(
            placeholder="Choose an article to read",
            options=[
                discord.SelectOption(label=title[:100], description=slug[:100], value=str(i))
                for i, title, slug in hits[:25]
            ],
        )
        select.callback = self._open  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def _open(self, interaction: discord.Interaction) -> None:
        await show_article(interaction, await _service(interaction).get(int(self.select.values[0])))


class ListView(OwnerOnlyView):
    def __init__(self, owner_id: int, tag: str | None, page: int, pages: int) -> None:
        super().__init__(owner_id)
        self.tag, self.page, self.pages = tag, page, pages
        self.previous.disabled = page <= 1
        self.next.disabled = page >= pages

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        articles, total, pages, tag = await _service(interaction).list_articles(
            self.tag, self.page + step
        )
        self.page, self.pages = min(max(1, self.page + step), pages), pages
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= pages
        reply = render.list_reply(articles, total, self.page, pages, tag)
        await interaction.response.edit_message(embed=reply_to_embed(reply), view=self)

    @discord.ui.button(label="Previous page", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next page", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, 1)


# -- autocomplete ------------------------------------------------------------------------------
async def article_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    pairs = await _service(interaction).autocomplete(current)
    return [app_commands.Choice(name=label[:100], value=slug) for label, slug in pairs]


async def tag_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    tags = await _service(interaction).tags()
    current = current.strip().lower()
    return [
        app_commands.Choice(name=f"{tag} ({count})", value=tag)
        for tag, count in tags.items()
        if current in tag
    ][:25]


# -- the cog -----------------------------------------------------------------------------------
class Articles(
    commands.GroupCog, group_name="article", group_description="Read, search and rate articles"
):
    feature = "articles"

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RateButton, OpenButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RateButton, OpenButton)

    @app_commands.command(name="search", description="Search the articles by words")
    @app_commands.describe(query="Words to look for, e.g. weak legs or fatigue")
    async def search(self, interaction: discord.Interaction, query: str) -> None:
        results = await _service(interaction).search(query)
        view = None
        if results.hits:
            hits = [(h.id, h.title, h.slug) for h in results.hits]
            view = SearchView(interaction.user.id, hits)
        await respond(interaction, render.search_reply(results), view=view)

    @app_commands.command(name="show", description="Read an article (only you see it)")
    @app_commands.describe(article="Start typing a title or a tag")
    @app_commands.autocomplete(article=article_choices)
    async def show(self, interaction: discord.Interaction, article: str) -> None:
        await show_article(interaction, await _service(interaction).resolve(article))

    @app_commands.command(name="share", description="Post an article for everyone in this channel")
    @app_commands.describe(article="Start typing a title or a tag")
    @app_commands.autocomplete(article=article_choices)
    async def share(self, interaction: discord.Interaction, article: str) -> None:
        await share_article(interaction, await _service(interaction).resolve(article))

    @app_commands.command(name="list", description="Browse all articles, or those with a tag")
    @app_commands.describe(tag="Only articles with this tag")
    @app_commands.autocomplete(tag=tag_choices)
    async def list_(self, interaction: discord.Interaction, tag: str | None = None) -> None:
        articles, total, pages, used = await _service(interaction).list_articles(tag, 1)
        view = ListView(interaction.user.id, used, 1, pages) if pages > 1 else None
        await respond(interaction, render.list_reply(articles, total, 1, pages, used), view=view)

    @app_commands.command(name="top", description="The best rated articles")
    async def top(self, interaction: discord.Interaction) -> None:
        await respond(interaction, render.top_reply(await _service(interaction).top()))

    @app_commands.command(name="rate", description="Rate an article from 1 to 5 stars")
    @app_commands.describe(
        article="Start typing a title or a tag",
        stars="1 (not helpful) to 5 (very helpful)",
        feedback="Optional: how could we improve it?",
    )
    @app_commands.autocomplete(article=article_choices)
    async def rate(
        self,
        interaction: discord.Interaction,
        article: str,
        stars: app_commands.Range[int, 1, 5],
        feedback: str | None = None,
    ) -> None:
        service = _service(interaction)
        found = await service.resolve(article)
        clean_feedback(feedback)  # a too-long text is refused before anything is recorded
        outcome = await service.ratings.rate(found.id, interaction.user.id, stars)
        if feedback is None and outcome.asks_feedback:
            await interaction.response.send_modal(FeedbackModal(outcome))
            return
        saved = await save_feedback(interaction, outcome, feedback)
        await respond(interaction, render.rating_reply(outcome, feedback_saved=saved))

    @app_commands.command(
        name="feedback", description="Editors: list and resolve article feedback (Manage Messages)"
    )
    @app_commands.describe(resolve="Number of the feedback to mark as resolved")
    @app_commands.guild_only()
    async def feedback(
        self, interaction: discord.Interaction, resolve: app_commands.Range[int, 1] | None = None
    ) -> None:
        # Sub-commands cannot carry their own default permissions: this is the real check.
        permissions = getattr(interaction.user, "guild_permissions", None)
        if permissions is None or not permissions.manage_messages:
            raise app_commands.MissingPermissions(["manage_messages"])
        ratings = _service(interaction).ratings
        if resolve is not None:
            item = await ratings.resolve_feedback(
                interaction.guild_id, resolve, interaction.user.id
            )
            await respond(
                interaction, Reply(body=f"Feedback #{item.id} is resolved.", tone=Tone.SUCCESS)
            )
            return
        items = await ratings.open_feedback(interaction.guild_id)
        reply = render.feedback_list_reply(items, await ratings.count_open(interaction.guild_id))
        view = FeedbackResolveView(interaction.user.id, items) if items else None
        await respond(interaction, reply, view=view)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Articles(bot))
