"""A member's messages as Discord's client sends them: text, link previews, files, polls, and
forum posts (a thread whose id is its first message's), each checked as the client and the
server check them, then screened by AutoMod before anyone sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.local_discord import automod, permissions
from bot.local_discord.model import (
    GUILD_FORUM,
    PUBLIC_THREAD,
    Attachment,
    Channel,
    Message,
    Seen,
    User,
    iso,
    now,
)
from bot.local_discord.options import InputError
from bot.local_discord.rest import mentions_in

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord

CONTENT_MAX = 2000
ATTACHMENTS_MAX = 10
ATTACHMENT_BYTES_MAX = 10 * 2**20
THREAD_NAME_MAX = 100
POLL_QUESTION_MAX, POLL_ANSWERS_MAX, POLL_ANSWER_MAX = 300, 10, 55
POLL_HOURS_MAX = 768  # 32 days
INTENT_GUILDS = 1 << 0

#: A file a member attaches: its name and its bytes.
File = tuple[str, bytes]


@dataclass
class Draft:
    """What a member is about to send."""

    content: str = ""
    embeds: list[dict[str, Any]] | None = None
    files: list[File] | None = None
    poll: dict[str, Any] | None = None


def poll(question: str, *answers: str, hours: int = 24) -> dict[str, Any]:
    """A poll as a member's client creates it (``Draft.poll``)."""
    if not 1 <= len(question) <= POLL_QUESTION_MAX:
        raise InputError(f"A poll question has 1 to {POLL_QUESTION_MAX} characters.")
    if not 1 <= len(answers) <= POLL_ANSWERS_MAX:
        raise InputError(f"A poll has 1 to {POLL_ANSWERS_MAX} answers.")
    if any(not 1 <= len(a) <= POLL_ANSWER_MAX for a in answers):
        raise InputError(f"Each poll answer has 1 to {POLL_ANSWER_MAX} characters.")
    if not 1 <= hours <= POLL_HOURS_MAX:
        raise InputError(f"A poll lasts 1 to {POLL_HOURS_MAX} hours.")
    return {
        "question": {"text": question},
        "answers": [{"answer_id": n, "poll_media": {"text": a}} for n, a in enumerate(answers, 1)],
        "expiry": iso(now() + timedelta(hours=hours)),
        "allow_multiselect": False,
        "layout_type": 1,
        "results": {"is_finalized": False, "answer_counts": []},
    }


def check_can_post(local: LocalDiscord, user: User, channel: Channel, draft: Draft) -> None:
    """What the client refuses before sending (permissions, lengths, empty messages)."""
    if channel.type == GUILD_FORUM:
        raise InputError(f"#{channel.name} is a forum: start a post in it instead.")
    if not channel.is_dm:
        allowed = local.permissions_in(channel, user.id)
        if not permissions.has(allowed, "view_channel"):
            raise InputError(f"You can't see #{channel.name}.")
        if not permissions.has(allowed, "send_messages"):
            raise InputError(f"You can't send messages in #{channel.name} right now.")
        if draft.files and not permissions.has(allowed, "attach_files"):
            raise InputError(f"You can't attach files in #{channel.name}.")
        if draft.poll and not permissions.has(allowed, "send_polls"):
            raise InputError(f"You can't create polls in #{channel.name}.")
    check_content(draft)


def check_content(draft: Draft) -> None:
    if len(draft.content) > CONTENT_MAX:
        raise InputError("A message has at most 2,000 characters.")
    files = draft.files or []
    if len(files) > ATTACHMENTS_MAX or any(len(data) > ATTACHMENT_BYTES_MAX for _, data in files):
        raise InputError("At most 10 files of 10 MB each.")
    if not (draft.content or draft.embeds or files or draft.poll):
        raise InputError("A message has 1 to 2,000 characters.")


def build(local: LocalDiscord, user: User, channel: Channel, draft: Draft) -> Message:
    message = Message(
        local.ids.next(),
        channel.id,
        user,
        channel.guild_id,
        content=draft.content,
        mentions=mentions_in(local, draft.content),
        embeds=[dict(e, type=e.get("type", "rich")) for e in draft.embeds or []],
        poll=draft.poll,
    )
    for filename, data in draft.files or []:
        kind = "image/png" if filename.lower().endswith(".png") else "application/octet-stream"
        message.attachments.append(Attachment(local.ids.next(), filename, data, kind))
    return message


def send(local: LocalDiscord, message: Message) -> Message | None:
    """Deliver a member's message (None if AutoMod blocked it: only its author is told)."""
    blocked = automod.screen(local, message)
    if blocked is not None:
        local.notify(Seen("blocked", message, user_id=message.author.id, note=blocked.text))
        return None
    channel = local.channels[message.channel_id]
    if channel.is_thread:
        channel.message_count += 1
    return local.store(message)


def open_forum_post(
    local: LocalDiscord, forum: Channel, user: User, title: str, draft: Draft
) -> tuple[Channel, Message]:
    """A new post in a forum: its thread (named ``title``, id = the first message's id) and
    that first message, announced as Discord does (THREAD_CREATE, then MESSAGE_CREATE)."""
    if forum.type != GUILD_FORUM:
        raise InputError(f"#{forum.name} is not a forum.")
    if not 1 <= len(title) <= THREAD_NAME_MAX:
        raise InputError(f"A post title has 1 to {THREAD_NAME_MAX} characters.")
    allowed = local.permissions_in(forum, user.id)
    if not permissions.has(allowed, "view_channel") or not permissions.has(
        allowed, "send_messages"
    ):
        raise InputError(f"You can't create posts in #{forum.name}.")
    thread_id = local.ids.next()
    thread = Channel(
        thread_id, title, PUBLIC_THREAD, forum.guild_id, parent_id=forum.id, owner_id=user.id
    )
    check_content(draft)
    message = build(local, user, thread, draft)
    message.id = thread_id
    if automod.screen(local, message) is not None:
        raise InputError("AutoMod blocked this post.")
    local.add_thread(thread)
    local.dispatch("THREAD_CREATE", thread.payload() | {"newly_created": True}, INTENT_GUILDS)
    thread.message_count = 1
    local.store(message)
    return thread, message
