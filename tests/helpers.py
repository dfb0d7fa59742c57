"""Spec'd fakes of discord.py objects, for the few cog tests a real Discord cannot stage.

Everything a member or moderator does is tested end to end (``tests/e2e``, real discord.py
against the local Discord). These fakes remain for what that cannot reach: discord.py's exact
error classes, failures of the bot's own parts, and checks Discord never lets a member reach.
``spec=`` makes a typo'd attribute fail like it would on the real class.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import AsyncMock, MagicMock, PropertyMock

import discord

from cogs._errors import handle_interaction_error

_ids = itertools.count(100_000_000_000_000_000)


def next_id() -> int:
    return next(_ids)


OWNER_ID = 1
BOT_ID = 5_000
#: Role positions: a plain member's top role is @everyone (0); the bot's role sits high.
BOT_TOP_ROLE = 50


def make_role(position: int) -> MagicMock:
    role = MagicMock(spec=discord.Role)
    role.position = position
    return role


def make_guild(
    guild_id: int = 1,
    name: str = "MS community",
    *,
    owner_id: int = OWNER_ID,
    bot_top_role: int = BOT_TOP_ROLE,
    bot_permissions: discord.Permissions | None = None,
) -> MagicMock:
    guild = MagicMock(spec=discord.Guild)
    guild.id = guild_id
    guild.name = name
    guild.owner_id = owner_id
    guild.get_channel = MagicMock(return_value=None)
    guild.get_member = MagicMock(return_value=None)
    guild.fetch_member = AsyncMock(
        side_effect=discord.NotFound(MagicMock(status=404), "Unknown Member")
    )
    guild.me = make_member(
        BOT_ID,
        "MS bot",
        guild=guild,
        permissions=bot_permissions or default_bot_permissions(),
        bot=True,
        top_role=bot_top_role,
    )
    return guild


def make_member(
    user_id: int = 1000,
    name: str = "member",
    *,
    guild: MagicMock | None = None,
    permissions: discord.Permissions | None = None,
    bot: bool = False,
    created_at: dt.datetime | None = None,
    joined_at: dt.datetime | None = None,
    top_role: int = 0,
) -> MagicMock:
    """A member; ``permissions`` are their server permissions, ``top_role`` its position."""
    member = MagicMock(spec=discord.Member)
    member.id = user_id
    member.name = name
    member.display_name = name
    member.mention = f"<@{user_id}>"
    member.bot = bot
    member.guild = guild or make_guild()
    member.guild_permissions = permissions or discord.Permissions.none()
    member.top_role = make_role(top_role)
    member.created_at = created_at or dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    member.joined_at = joined_at or dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    member.send = AsyncMock()
    member.timeout = AsyncMock()
    member.ban = AsyncMock()
    member.__str__ = MagicMock(return_value=name)  # type: ignore[method-assign]
    return member


def make_channel(
    channel_id: int = 2, name: str = "general", guild: MagicMock | None = None
) -> MagicMock:
    """A text channel whose ``permissions_for`` is the member's server permissions unless a
    channel override was set with :func:`override_permissions` (as Discord resolves them)."""
    channel = MagicMock(spec=discord.TextChannel)
    channel.id = channel_id
    channel.name = name
    channel.mention = f"<#{channel_id}>"
    channel.guild = guild or make_guild()
    channel.send = AsyncMock()
    overrides: dict[int, discord.Permissions] = {}
    channel.permissions_for = MagicMock(
        side_effect=lambda member: overrides.get(member.id, member.guild_permissions)
    )
    channel.test_overrides = overrides
    return channel


@dataclass
class SentMessage:
    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    ephemeral: bool = False
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)
    kind: str = "send"  # send | edit | followup | modal | defer

    @property
    def text(self) -> str:
        """Everything a reader would see, flattened, for assertions."""
        parts = [self.content or ""]
        for embed in self.embeds:
            parts += [embed.title or "", embed.description or ""]
            parts += [f"{f.name}: {f.value}" for f in embed.fields]
            parts.append(embed.footer.text or "")
        return "\n".join(p for p in parts if p)


def _record(kind: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> SentMessage:
    embeds = list(kwargs.get("embeds") or ([kwargs["embed"]] if kwargs.get("embed") else []))
    files = list(kwargs.get("files") or ([kwargs["file"]] if kwargs.get("file") else []))
    content = kwargs.get("content", args[0] if args else None)
    return SentMessage(
        content, embeds, bool(kwargs.get("ephemeral")), kwargs.get("view"), files, kind
    )


class FakeResponse:
    """Stands in for discord.InteractionResponse: records, and enforces answer-once."""

    def __init__(self, log: list[SentMessage]) -> None:
        self._log = log
        self._done = False
        self.modal: discord.ui.Modal | None = None

    def is_done(self) -> bool:
        return self._done

    def _answer(self) -> None:
        if self._done:
            raise discord.InteractionResponded(MagicMock())
        self._done = True

    async def send_message(self, *args: Any, **kwargs: Any) -> None:
        self._answer()
        self._log.append(_record("send", args, kwargs))

    async def edit_message(self, *args: Any, **kwargs: Any) -> None:
        self._answer()
        self._log.append(_record("edit", args, kwargs))

    async def defer(self, *args: Any, **kwargs: Any) -> None:
        self._answer()
        self._log.append(SentMessage(kind="defer", ephemeral=bool(kwargs.get("ephemeral"))))

    async def send_modal(self, modal: discord.ui.Modal) -> None:
        self._answer()
        self.modal = modal
        self._log.append(SentMessage(kind="modal"))


class FakeFollowup:
    def __init__(self, log: list[SentMessage]) -> None:
        self._log = log

    async def send(self, *args: Any, **kwargs: Any) -> MagicMock:
        self._log.append(_record("followup", args, kwargs))
        return MagicMock(spec=discord.WebhookMessage)


def make_interaction(
    app: Any,
    *,
    user: MagicMock | None = None,
    guild: MagicMock | None = None,
    channel: MagicMock | None = None,
    message: MagicMock | None = None,
    in_guild: bool = True,
    locale: str = "en-US",
    guild_locale: str = "en-US",
) -> MagicMock:
    """A discord.Interaction fake whose ``client.app`` is the real core ``App``; ``locale`` is
    the member's Discord language, ``guild_locale`` the server's."""
    guild = (guild or make_guild()) if in_guild else None
    interaction = MagicMock(spec=discord.Interaction)
    interaction.id = next_id()
    interaction.locale = discord.Locale(locale)
    interaction.guild_locale = discord.Locale(guild_locale) if guild else None
    interaction.user = user or make_member(guild=guild)
    interaction.guild = guild
    interaction.guild_id = guild.id if guild else None
    interaction.channel = channel or make_channel(guild=guild)
    interaction.channel_id = interaction.channel.id
    # Discord sends the member's permissions resolved for this channel (overrides included).
    type(interaction).permissions = PropertyMock(
        side_effect=lambda: (
            interaction.channel.permissions_for(interaction.user)
            if interaction.guild is not None
            else discord.Permissions.none()
        )
    )
    interaction.message = message
    interaction.client = MagicMock()
    interaction.client.app = app
    interaction.sent = []
    interaction.response = FakeResponse(interaction.sent)
    interaction.followup = FakeFollowup(interaction.sent)
    interaction.edit_original_response = AsyncMock()
    interaction.original_response = AsyncMock()
    return interaction


async def click(item: discord.ui.Item[Any], interaction: MagicMock) -> None:
    """Press a button / choose in a select, routing errors like the view would."""
    view = item.view
    try:
        if view is not None and not await view.interaction_check(interaction):
            return
        await item.callback(interaction)
    except Exception as error:
        await handle_interaction_error(interaction, error)


def default_bot_permissions() -> discord.Permissions:
    """What the README's setup asks admins to give the bot."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        manage_messages=True,
        moderate_members=True,
        ban_members=True,
    )
