"""Small helpers every cog shares: Reply -> embed, answering an interaction, guarded views."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Confirmation:
    """The words of one confirm step. Every confirm step has the same shape: the question,
    a "Yes, <what happens>" button and a "Cancel" button; cancelling, or not answering, says
    what was kept. The confirm word is always "Yes" (typed confirmations use it too)."""

    confirm_label: str
    cancelled: str
    style: discord.ButtonStyle = discord.ButtonStyle.danger


CANCEL_LABEL = "Cancel"
CONFIRM_JOIN = Confirmation(
    "Yes, join", "Cancelled: nothing was stored.", discord.ButtonStyle.success
)
CONFIRM_DELETE_STREAK_HISTORY = Confirmation(
    "Yes, delete my history", "Cancelled: your history is kept."
)
CONFIRM_ERASE_MY_DATA = Confirmation("Yes, erase my data", "Cancelled: nothing was erased.")


class ConfirmView(OwnerOnlyView):
    """Yes / Cancel, the library's confirm example in our style. ``value`` is the answer.

    Once answered, both buttons are disabled in place, so the question stays readable and
    nobody can press twice.
    """

    def __init__(self, owner_id: int, confirmation: Confirmation, *, timeout: float = 120) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.value: bool | None = None
        self.confirm.label = confirmation.confirm_label
        self.confirm.style = confirmation.style
        self.cancel.label = CANCEL_LABEL

    def disable(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True

    async def _answer(self, interaction: discord.Interaction, value: bool) -> None:
        self.value = value
        self.disable()
        await interaction.response.edit_message(view=self)
        self.stop()

    @discord.ui.button(label="Yes", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await self._answer(interaction, True)

    @discord.ui.button(label=CANCEL_LABEL, style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await self._answer(interaction, False)


async def ask_to_confirm(
    interaction: discord.Interaction,
    question: Reply,
    confirmation: Confirmation,
    *,
    answer_within: float = 120,
) -> bool:
    """Ask with Yes / Cancel buttons and wait. On Cancel or no answer, say what was kept."""
    view = ConfirmView(interaction.user.id, confirmation, timeout=answer_within)
    await respond(interaction, question, view=view)
    try:
        # The view times out by itself once Discord has it; this bound holds without it too.
        await asyncio.wait_for(view.wait(), answer_within)
    except TimeoutError:
        view.stop()
    if view.value:
        return True
    if view.value is None:  # no answer in time: the buttons would do nothing any more
        view.disable()
        try:
            await interaction.edit_original_response(view=view)
        except discord.HTTPException:
            log.debug("Could not disable the buttons of an unanswered question")
    await respond(interaction, Reply(body=confirmation.cancelled))
    return False
