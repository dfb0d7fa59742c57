"""Small helpers every cog shares: Reply -> embed, answering an interaction, guarded views."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.replies import Reply, Tone, tone_prefix

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

# Colour is decoration only; the words (tone prefix, titles) carry the meaning.
_TONE_COLOUR = {
    Tone.INFO: discord.Colour.blurple(),
    Tone.SUCCESS: discord.Colour.green(),
    Tone.WARNING: discord.Colour.gold(),
    Tone.ERROR: discord.Colour.red(),
}
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_LIMIT = 1024


def app_of(interaction: discord.Interaction) -> App:
    return interaction.client.app  # type: ignore[attr-defined]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reply_to_embed(reply: Reply) -> discord.Embed:
    body = reply.body
    if reply.tone is not Tone.INFO and not reply.title:
        body = tone_prefix(reply.tone) + body
    embed = discord.Embed(
        title=_clip(reply.title, 256) if reply.title else None,
        description=_clip(body, EMBED_DESCRIPTION_LIMIT) if body else None,
        url=reply.url,
        colour=_TONE_COLOUR[reply.tone],
    )
    for item in reply.fields[:25]:
        embed.add_field(
            name=_clip(item.name, 256),
            value=_clip(item.value, EMBED_FIELD_LIMIT) or "-",
            inline=item.inline,
        )
    if reply.footer:
        embed.set_footer(text=_clip(reply.footer, 2048))
    if reply.image_path is not None:
        embed.set_image(url=f"attachment://{reply.image_path.name}")
    return embed


def reply_files(reply: Reply) -> list[discord.File]:
    if reply.image_path is None:
        return []
    return [
        discord.File(reply.image_path, filename=reply.image_path.name, description=reply.image_alt)
    ]


async def respond(
    interaction: discord.Interaction,
    reply: Reply | Sequence[Reply],
    *,
    view: discord.ui.View | None = None,
    private: bool | None = None,
) -> None:
    """Answer an interaction whether or not it was already answered or deferred."""
    replies = [reply] if isinstance(reply, Reply) else list(reply)
    ephemeral = replies[0].private if private is None else private
    kwargs: dict[str, Any] = {
        "embeds": [reply_to_embed(r) for r in replies[:10]],
        "ephemeral": ephemeral,
    }
    files = [f for r in replies for f in reply_files(r)]
    if files:
        kwargs["files"] = files
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


class GuardedView(discord.ui.View):
    """A view whose errors go through the bot's one error handler."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        from cogs._errors import handle_interaction_error

        await handle_interaction_error(interaction, error)


class OwnerOnlyView(GuardedView):
    """Only the member who asked can drive it (paging, confirm steps)."""

    def __init__(self, owner_id: int, *, timeout: float | None = 300) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "These buttons belong to the member who asked. Run the command yourself to get your own.",
            ephemeral=True,
        )
        return False


class GuardedModal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        from cogs._errors import handle_interaction_error

        await handle_interaction_error(interaction, error)


class ConfirmView(OwnerOnlyView):
    """Confirm / Cancel, the library's confirm example in our style. ``value`` is the answer."""

    def __init__(
        self, owner_id: int, *, confirm_label: str = "Confirm", timeout: float = 120
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.value: bool | None = None
        self.confirm.label = confirm_label

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        self.value = True
        await interaction.response.defer()
        self.stop()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        self.value = False
        await interaction.response.defer()
        self.stop()
