"""Everything a scammer controls in a message, gathered from discord.py objects for the core.

The core (``bot.moderation.detector``) decides; this module only reads the message: its text,
its embeds' titles and descriptions, attachment file names, the forum post title (a thread in a
forum channel, read on its first message), a poll's question and answers, and the author's
display name. Each part is scanned with its own reasons ("... (in the embed title)").
"""

from __future__ import annotations

from typing import Any

import discord

from bot.moderation.signals.base import MessageFacts

#: Bounded work whatever a message carries.
MAX_PARTS = 12
MAX_PART_CHARS = 1000


def message_parts(message: discord.Message) -> tuple[tuple[str, str], ...]:
    parts: list[tuple[str, str]] = []
    for embed in message.embeds[:5]:
        if embed.title:
            parts.append(("embed title", embed.title))
        if embed.description:
            parts.append(("embed description", embed.description))
    for attachment in message.attachments[:5]:
        if attachment.filename:
            # "dr_okoh_whatsapp_+2348135551234.png": separators read as spaces.
            name = attachment.filename.replace("_", " ").replace("-", " ")
            parts.append(("attachment name", name))
    title = forum_post_title(message)
    if title:
        parts.append(("forum post title", title))
    poll = getattr(message, "poll", None)
    if poll is not None:
        texts = [str(getattr(poll, "question", "") or "")]
        texts += [str(answer.text or "") for answer in list(poll.answers)[:10]]
        parts.append(("poll", "\n".join(t for t in texts if t)))
    return tuple((where, text[:MAX_PART_CHARS]) for where, text in parts[:MAX_PARTS] if text)


def forum_post_title(message: discord.Message) -> str:
    """The post's title when ``message`` opens a forum post (its thread's id is the message's)."""
    channel: Any = message.channel
    if not isinstance(channel, discord.Thread) or channel.id != message.id:
        return ""
    if not isinstance(channel.parent, discord.ForumChannel):
        return ""
    return channel.name or ""


def display_name(author: Any) -> str:
    """The name others see: the server nickname, else the global display name."""
    return str(getattr(author, "display_name", "") or "")


def scanned_text(message: discord.Message) -> str:
    """The message text with its other parts, as stored on a flag and taught to the model."""
    return MessageFacts(text=message.content or "", parts=message_parts(message)).stored_text()
