"""Small helpers every cog shares: Reply -> embed, answering an interaction, guarded views."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import N_, _
from bot.replies import Reply, Tone, tone_prefix
from cogs._language import SpeaksMemberLanguage

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


def translate_items(items: Sequence[discord.ui.Item[Any]]) -> None:
    """Labels and placeholders written in a class body (``@discord.ui.button(label=N_(...))``)
    are English when the class is made; a view or modal translates them when it is built,
    which is inside the interaction (or ``using()`` block) it answers."""
    for item in items:
        if isinstance(item, discord.ui.Button) and item.label:
            item.label = _(item.label)
        elif isinstance(item, discord.ui.Select) and item.placeholder:
            item.placeholder = _(item.placeholder)
        elif isinstance(item, discord.ui.TextInput):  # its label is a discord.ui.Label's text
            if item.placeholder:
                item.placeholder = _(item.placeholder)
        elif isinstance(item, discord.ui.Label):
            item.text = _(item.text)
            if item.description:
                item.description = _(item.description)
            translate_items([item.component])


class GuardedView(SpeaksMemberLanguage, discord.ui.View):
    """A view whose errors go through the bot's one error handler; it answers in the member's
    language (``SpeaksMemberLanguage``) and translates the labels of its class-body items.

    Every view of the cogs derives from it (``tests/cogs/test_language.py``)."""

    def __init__(self, *, timeout: float | None = 180) -> None:
        super().__init__(timeout=timeout)
        translate_items(self.children)

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
            _(
                "These buttons belong to the member who asked. Run the command yourself to get "
                "your own."
            ),
            ephemeral=True,
        )
        return False


class DynamicItemsView(GuardedView):
    """A message's row of persistent buttons (DynamicItems, which set the language themselves);
    it never times out."""

    def __init__(self, items: Sequence[discord.ui.Item[Any]] = ()) -> None:
        super().__init__(timeout=None)
        for item in items:
            self.add_item(item)


class GuardedModal(SpeaksMemberLanguage, discord.ui.Modal):
    """A form whose errors go through the one error handler, in the member's language; its
    class-level title (when none is passed) and field labels are translated when it is built."""

    def __init__(self, *, title: str | None = None, timeout: float | None = None) -> None:
        if title is None:
            super().__init__(timeout=timeout)
            self.title = _(self.title)
        else:
            super().__init__(title=title, timeout=timeout)
        translate_items(self.children)

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


CANCEL_LABEL = N_("Cancel")
CONFIRM_JOIN = Confirmation(
    N_("Yes, join"), N_("Cancelled: nothing was stored."), discord.ButtonStyle.success
)
CONFIRM_DELETE_STREAK_HISTORY = Confirmation(
    N_("Yes, delete my history"), N_("Cancelled: your history is kept.")
)
CONFIRM_ERASE_MY_DATA = Confirmation(N_("Yes, erase my data"), N_("Cancelled: nothing was erased."))


class ConfirmView(OwnerOnlyView):
    """Yes / Cancel, the library's confirm example in our style. ``value`` is the answer.

    Once answered, both buttons are disabled in place, so the question stays readable and
    nobody can press twice.
    """

    def __init__(self, owner_id: int, confirmation: Confirmation, *, timeout: float = 120) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.value: bool | None = None
        self.confirm.label = _(confirmation.confirm_label)
        self.confirm.style = confirmation.style

    def disable(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True

    async def _answer(self, interaction: discord.Interaction, value: bool) -> None:
        self.value = value
        self.disable()
        await interaction.response.edit_message(view=self)
        self.stop()

    @discord.ui.button(label=N_("Yes"), style=discord.ButtonStyle.danger)
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
    await respond(interaction, Reply(body=_(confirmation.cancelled)))
    return False
