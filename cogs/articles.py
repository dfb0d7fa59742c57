"""/article: search, read, share and rate the community's articles. Thin: the core decides.

The views, buttons and the feedback modal live in ``cogs/_articles_views.py``.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.articles import render
from bot.articles.ratings import EDITOR_PERMISSION, clean_feedback
from cogs._articles_views import (
    FeedbackResolveView,
    ListView,
    OpenButton,
    RateButton,
    SearchView,
    rate_article,
    resolved_reply,
    service_for,
    share_article,
    show_article,
    with_named_article,
)
from cogs._permissions import here, require_here
from cogs._ui import respond


# -- autocomplete ------------------------------------------------------------------------------
async def article_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    pairs = await service_for(interaction).autocomplete(current)
    return [app_commands.Choice(name=label[:100], value=slug) for label, slug in pairs]


async def tag_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    tags = await service_for(interaction).tags()
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
        results = await service_for(interaction).search(query)
        view = None
        if results.hits:
            hits = [(h.id, h.title, h.slug) for h in results.hits]
            view = SearchView(interaction.user.id, hits)
        await respond(interaction, render.search_reply(results), view=view)

    @app_commands.command(name="show", description="Read an article (only you see it)")
    @app_commands.describe(article="Start typing a title or a tag")
    @app_commands.autocomplete(article=article_choices)
    async def show(self, interaction: discord.Interaction, article: str) -> None:
        await with_named_article(interaction, article, show_article)

    @app_commands.command(name="share", description="Post an article for everyone in this channel")
    @app_commands.describe(article="Start typing a title or a tag")
    @app_commands.autocomplete(article=article_choices)
    async def share(self, interaction: discord.Interaction, article: str) -> None:
        await with_named_article(interaction, article, share_article)

    @app_commands.command(name="list", description="Browse all articles, or those with a tag")
    @app_commands.describe(tag="Only articles with this tag")
    @app_commands.autocomplete(tag=tag_choices)
    async def list_(self, interaction: discord.Interaction, tag: str | None = None) -> None:
        articles, total, pages, used = await service_for(interaction).list_articles(tag, 1)
        view = ListView(interaction.user.id, used, 1, pages) if pages > 1 else None
        await respond(interaction, render.list_reply(articles, total, 1, pages, used), view=view)

    @app_commands.command(name="top", description="The best rated articles")
    async def top(self, interaction: discord.Interaction) -> None:
        await respond(interaction, render.top_reply(await service_for(interaction).top()))

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
        clean_feedback(feedback)  # a too-long text is refused before anything is recorded
        await with_named_article(
            interaction,
            article,
            lambda chosen, found: rate_article(chosen, found, stars, feedback),
        )

    @app_commands.command(
        name="feedback", description="Editors: list and resolve article feedback (Manage Messages)"
    )
    @app_commands.describe(resolve="Number of the feedback to mark as resolved")
    @app_commands.guild_only()
    async def feedback(
        self, interaction: discord.Interaction, resolve: app_commands.Range[int, 1] | None = None
    ) -> None:
        # Sub-commands cannot carry their own default permissions: this is the real check.
        require_here(interaction, EDITOR_PERMISSION)
        ratings = service_for(interaction).ratings
        if resolve is not None:
            item = await ratings.resolve_feedback(
                interaction.guild_id, resolve, interaction.user.id, permissions=here(interaction)
            )
            await respond(interaction, resolved_reply(item.id))
            return
        items = await ratings.open_feedback(interaction.guild_id)
        reply = render.feedback_list_reply(items, await ratings.count_open(interaction.guild_id))
        view = FeedbackResolveView(interaction.user.id, items) if items else None
        await respond(interaction, reply, view=view)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Articles(bot))
