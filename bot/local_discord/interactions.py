"""Interactions: INTERACTION_CREATE, the callback, followups and the original response.

Discord's rules, enforced: the first response within :attr:`Timing.first_response` (3 s) or the
interaction is unknown (10062) and the member sees "The application did not respond"; one
response per interaction (40060); followups and edits only while the token lives (15 minutes,
then 50027); each callback type only where Discord allows it; every message, modal and
autocomplete answer passes :mod:`.validation`.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.local_discord import validation
from bot.local_discord.errors import (
    ALREADY_ACKNOWLEDGED,
    INVALID_WEBHOOK_TOKEN,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    DiscordError,
    FormErrors,
    not_found,
)
from bot.local_discord.model import EPHEMERAL, LOADING, Channel, Member, Message, Seen, User
from bot.local_discord.rest import fill_message, json_response, read_body

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
#: Which callback types Discord accepts for each interaction type.
ALLOWED = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, MODAL},
    COMPONENT: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}


@dataclass
class Pending:
    """One interaction, from INTERACTION_CREATE until its token dies."""

    id: int
    token: str
    type: int
    user: User
    channel: Channel
    created: float
    member: Member | None = None
    message: Message | None = None
    response_type: int | None = None
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    failed: bool = False
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def loading(self) -> bool:
        return self.original is not None and bool(self.original.flags & LOADING)

    def awaiting(self) -> bool:
        """Still owes the member something: a first answer, or the text after "thinking"."""
        return (self.response_type is None and not self.failed) or self.loading


@dataclass
class Shown:
    """What appeared while one action ran."""

    seen: list[Seen] = field(default_factory=list)
    pending: Pending | None = None

    @property
    def messages(self) -> list[Message]:
        unique: dict[int, Message] = {}
        for item in self.seen:
            if item.message is not None and item.kind in ("message", "edit"):
                unique[item.message.id] = item.message
        return list(unique.values())

    @property
    def reply(self) -> Message | None:
        """The interaction's own answer (or the message it updated)."""
        if self.pending is None:
            return None
        if self.pending.followups and self.pending.original is None:
            return self.pending.followups[0]
        return self.pending.original

    @property
    def followups(self) -> list[Message]:
        return [] if self.pending is None else self.pending.followups

    @property
    def modal(self) -> dict[str, Any] | None:
        return None if self.pending is None else self.pending.modal

    @property
    def failed(self) -> bool:
        return self.pending is not None and self.pending.failed

    @property
    def choices(self) -> list[dict[str, Any]]:
        return [] if self.pending is None or self.pending.choices is None else self.pending.choices

    @property
    def blocked(self) -> list[str]:
        """What AutoMod told the member instead of sending their message."""
        return [item.note or "" for item in self.seen if item.kind == "blocked"]

    def in_channel(self, channel: Channel) -> list[Message]:
        return [m for m in self.messages if m.channel_id == channel.id]

    @property
    def text(self) -> str:
        return "\n".join(m.text() for m in self.messages)


def create(
    local: LocalDiscord,
    kind: int,
    user: User,
    channel: Channel,
    data: dict[str, Any],
    *,
    message: Message | None = None,
) -> Pending:
    """Dispatch INTERACTION_CREATE to the bot and start the 3-second clock."""
    loop = asyncio.get_running_loop()
    guild = local.guilds.get(channel.guild_id or 0)
    member = guild.members.get(user.id) if guild else None
    pending = Pending(
        local.ids.next(),
        secrets.token_urlsafe(32),
        kind,
        user,
        channel,
        loop.time(),
        member,
        message,
    )
    local.interactions[pending.id] = pending
    body: dict[str, Any] = {
        "id": str(pending.id),
        "application_id": str(local.application_id),
        "type": kind,
        "data": data,
        "channel_id": str(channel.id),
        "channel": channel.payload(),
        "token": pending.token,
        "version": 1,
        "app_permissions": str(local.permissions_in(channel, local.bot_user.id)),
        "locale": user.locale,
        "entitlements": [],
        "attachment_size_limit": 10 * 2**20,
    }
    if guild is not None and member is not None:
        body["guild_id"] = str(guild.id)
        body["guild"] = {"id": str(guild.id), "locale": guild.preferred_locale, "features": []}
        body["guild_locale"] = guild.preferred_locale
        body["member"] = member.payload(permissions=local.permissions_in(channel, user.id))
        body["authorizing_integration_owners"] = {"0": str(guild.id)}
        body["context"] = 0
    else:
        body["user"] = user.payload()
        body["authorizing_integration_owners"] = {"1": str(user.id)}
        body["context"] = 1
    if message is not None:
        body["message"] = local.message_payload(message)
    local.dispatch("INTERACTION_CREATE", body)
    loop.call_later(local.timing.first_response, _expire, local, pending)
    return pending


def _expire(local: LocalDiscord, pending: Pending) -> None:
    if pending.response_type is None:
        pending.failed = True
        pending.answered.set()
        local.notify(Seen("failed", user_id=pending.user.id, interaction_id=pending.id))


def _pending_by_token(local: LocalDiscord, token: str) -> Pending:
    for pending in local.interactions.values():
        if pending.token == token:
            loop = asyncio.get_running_loop()
            if loop.time() - pending.created > local.timing.token_lifetime:
                raise DiscordError(401, INVALID_WEBHOOK_TOKEN, "Invalid Webhook Token")
            if pending.response_type is None:
                raise not_found(UNKNOWN_WEBHOOK, "Webhook")
            return pending
    raise not_found(UNKNOWN_WEBHOOK, "Webhook")


def _new_response_message(local: LocalDiscord, pending: Pending, flags: int) -> Message:
    return Message(
        local.ids.next(),
        pending.channel.id,
        local.bot_user,
        pending.channel.guild_id,
        flags=flags,
        type=20 if pending.type == APPLICATION_COMMAND else 0,
        interaction_id=pending.id,
        interaction_user=pending.user,
        application_id=local.application_id,
        only_for=pending.user.id if flags & EPHEMERAL else None,
    )


def _callback_result(
    local: LocalDiscord, pending: Pending, kind: int, message: Message | None
) -> dict[str, Any]:
    interaction: dict[str, Any] = {"id": str(pending.id), "type": pending.type}
    resource: dict[str, Any] = {"type": kind}
    if message is not None:
        interaction["response_message_id"] = str(message.id)
        interaction["response_message_loading"] = bool(message.flags & LOADING)
        interaction["response_message_ephemeral"] = message.ephemeral
        resource["message"] = local.message_payload(message)
    return {"interaction": interaction, "resource": resource}


async def callback(local: LocalDiscord, request: web.Request) -> web.Response:
    pending = local.interactions.get(int(request.match_info["interaction_id"]))
    if pending is None or pending.token != request.match_info["token"] or pending.failed:
        raise DiscordError(404, UNKNOWN_INTERACTION, "Unknown interaction")
    if pending.response_type is not None:
        raise DiscordError(400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
    body, files = await read_body(request)
    kind = body.get("type")
    data = body.get("data") or {}
    if kind not in ALLOWED[pending.type] or (
        kind in (UPDATE_MESSAGE, DEFERRED_UPDATE) and pending.message is None
    ):
        errors = FormErrors()
        errors.add(
            ("type",), "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type"
        )
        errors.raise_if_any()
    message: Message | None = None
    if kind == CHANNEL_MESSAGE:
        validation.message(data, path=("data",), attachments=len(files))
        message = _new_response_message(local, pending, int(data.get("flags") or 0) & EPHEMERAL)
        fill_message(local, message, data, files, edit=False)
    elif kind == DEFERRED_MESSAGE:
        message = _new_response_message(
            local, pending, (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
        )
    elif kind == UPDATE_MESSAGE:
        validation.message(data, path=("data",), attachments=len(files), edit=True)
        assert pending.message is not None
        message = local.message(pending.message.channel_id, pending.message.id)
        fill_message(local, message, data, files, edit=True)
    elif kind == AUTOCOMPLETE_RESULT:
        validation.autocomplete(data)
        pending.choices = data.get("choices") or []
    elif kind == MODAL:
        validation.modal(data)
        pending.modal = data
    pending.response_type = kind
    if message is not None and kind != UPDATE_MESSAGE:
        pending.original = message
        local.store(message)
    elif message is not None:
        pending.original = message
        local.edited(message)
    if kind == MODAL:
        local.notify(Seen("modal", user_id=pending.user.id, modal=data, interaction_id=pending.id))
    pending.answered.set()
    local.touch()
    if request.query.get("with_response") in ("1", "true", "True"):
        return json_response(_callback_result(local, pending, kind, message))
    return json_response(None)


def _webhook_message(local: LocalDiscord, pending: Pending, message_id: str) -> Message:
    if message_id == "@original":
        found = pending.original
    else:
        found = next((m for m in pending.followups if str(m.id) == message_id), None)
        if (
            found is None
            and pending.original is not None
            and str(pending.original.id) == message_id
        ):
            found = pending.original
    if found is None or found.deleted:
        raise not_found(UNKNOWN_MESSAGE, "Message")
    return found


def add_routes(app: web.Application, local: LocalDiscord) -> None:
    api = "/api/v10"

    async def cb(request: web.Request) -> web.Response:
        return await callback(local, request)

    async def followup(request: web.Request) -> web.Response:
        pending = _pending_by_token(local, request.match_info["token"])
        payload, files = await read_body(request)
        validation.message(payload, attachments=len(files))
        if pending.loading and pending.original is not None:
            # The first followup after "thinking" replaces the loading message, as on Discord.
            message = pending.original
            message.flags &= ~LOADING
            fill_message(local, message, payload, files, edit=False)
            local.edited(message, was_loading=True)
        else:
            flags = int(payload.get("flags") or 0) & EPHEMERAL
            message = _new_response_message(local, pending, flags)
            message.type = 0
            fill_message(local, message, payload, files, edit=False)
            pending.followups.append(message)
            local.store(message)
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(local.message_payload(message))
        return json_response(None)

    async def get_message(request: web.Request) -> web.Response:
        pending = _pending_by_token(local, request.match_info["token"])
        message = _webhook_message(local, pending, request.match_info["message_id"])
        return json_response(local.message_payload(message))

    async def edit_message(request: web.Request) -> web.Response:
        pending = _pending_by_token(local, request.match_info["token"])
        message = _webhook_message(local, pending, request.match_info["message_id"])
        payload, files = await read_body(request)
        validation.message(payload, attachments=len(files), edit=True)
        was_loading = bool(message.flags & LOADING)
        message.flags &= ~LOADING
        fill_message(local, message, payload, files, edit=True)
        local.edited(message, was_loading=was_loading)
        return json_response(local.message_payload(message))

    async def delete_message(request: web.Request) -> web.Response:
        pending = _pending_by_token(local, request.match_info["token"])
        local.delete(_webhook_message(local, pending, request.match_info["message_id"]))
        return json_response(None)

    hook = f"{api}/webhooks/{{app_id:\\d+}}/{{token}}"
    app.router.add_post(f"{api}/interactions/{{interaction_id:\\d+}}/{{token}}/callback", cb)
    app.router.add_post(hook, followup)
    app.router.add_get(f"{hook}/messages/{{message_id}}", get_message)
    app.router.add_patch(f"{hook}/messages/{{message_id}}", edit_message)
    app.router.add_delete(f"{hook}/messages/{{message_id}}", delete_message)
