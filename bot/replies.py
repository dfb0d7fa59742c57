"""What the bot answers, independent of where it is shown.

Features return :class:`Reply` objects; ``cogs/_ui.py`` turns them into embeds (the console
shows those embeds, since it runs the real cogs), and :func:`render_text` into plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from bot.i18n import N_, _


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class ReplyField:
    name: str
    value: str
    inline: bool = False


@dataclass
class Reply:
    body: str = ""
    title: str | None = None
    fields: list[ReplyField] = field(default_factory=list)
    footer: str | None = None
    url: str | None = None
    tone: Tone = Tone.INFO
    #: Private to the member who asked (Discord ephemeral). Public replies are the exception.
    private: bool = True
    image_path: Path | None = None
    #: Text alternative for the image, for screen readers; always required with an image.
    image_alt: str | None = None

    def add_field(self, name: str, value: str, inline: bool = False) -> Reply:
        self.fields.append(ReplyField(name, value, inline))
        return self


# Words, not colour or emoji, carry the meaning of the tone.
_TONE_PREFIX = {
    Tone.INFO: "",
    Tone.SUCCESS: N_("Done: "),
    Tone.WARNING: N_("Note: "),
    Tone.ERROR: N_("Sorry: "),
}


def tone_prefix(tone: Tone) -> str:
    return _(_TONE_PREFIX[tone])


def render_text(reply: Reply) -> str:
    """Plain-text rendering (the core's tests read replies through it)."""
    lines: list[str] = []
    if reply.title:
        lines.append(f"== {reply.title} ==")
    if reply.body:
        body = reply.body
        if reply.tone is not Tone.INFO and not reply.title:
            body = tone_prefix(reply.tone) + body
        lines.append(body)
    for item in reply.fields:
        lines.append(
            f"{item.name}: {item.value}"
            if "\n" not in item.value
            else f"{item.name}:\n{item.value}"
        )
    if reply.url:
        lines.append(_("Link: {url}").format(url=reply.url))
    if reply.image_path is not None:
        lines.append(f"[image: {reply.image_path}] {reply.image_alt or ''}".rstrip())
    if reply.footer:
        lines.append(f"-- {reply.footer}")
    return "\n".join(lines)


def error_reply(message: str) -> Reply:
    return Reply(body=message, tone=Tone.ERROR)


def chunk_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into pages of at most ``limit`` characters, at paragraph or line breaks."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    pages: list[str] = []
    current = ""
    for paragraph in text.split("\n"):
        candidate = f"{current}\n{paragraph}" if current else paragraph
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pages.append(current)
        while len(paragraph) > limit:
            cut = paragraph.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            pages.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        current = paragraph
    if current or not pages:
        pages.append(current)
    return pages
