"""Showing what the local Discord shows, as plain readable text.

A message becomes its text and embeds (title, description, fields, footer); an image attachment
is saved to a file and shown as its path and its description (the alt text); buttons and select
options become numbered choices the member can pick by typing the number. Colour is never used
to carry meaning, so nothing is lost in a terminal.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.local_discord.model import Attachment, Message

_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)]+)\)")
_MENTION = re.compile(r"<(@!?|#)(\d{15,20})>")
#: id -> readable name ("@member", "#general"), set by the session.
NAMES: dict[int, str] = {}


@dataclass
class Choice:
    """A button, or one option of a select menu, on a message."""

    message: Message
    label: str
    custom_id: str
    kind: str  # "button" | "option"
    value: str = ""
    disabled: bool = False


def choices_of(message: Message) -> list[Choice]:
    found = []
    for row in message.components:
        for item in row.get("components", []):
            if item.get("type") == 2 and item.get("custom_id"):
                found.append(
                    Choice(
                        message,
                        item.get("label") or "?",
                        item["custom_id"],
                        "button",
                        disabled=bool(item.get("disabled")),
                    )
                )
            elif item.get("type") == 3:
                for option in item.get("options", []):
                    found.append(
                        Choice(
                            message, option["label"], item["custom_id"], "option", option["value"]
                        )
                    )
    return found


def save_attachment(attachment: Attachment, folder: Path | None = None) -> Path:
    folder = folder or Path(tempfile.gettempdir()) / "msbot-console"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / attachment.filename
    target.write_bytes(attachment.data)
    return target


def _links(text: str) -> str:
    text = _MENTION.sub(lambda m: NAMES.get(int(m[2]), m[0]), text)
    return _MARKDOWN_LINK.sub(r"\1 (\2)", text)


def _embed_lines(embed: dict[str, Any]) -> list[str]:
    lines = []
    if embed.get("title"):
        lines.append(f"== {embed['title']} ==")
    if embed.get("description"):
        lines.append(_links(embed["description"]))
    for field in embed.get("fields") or []:
        value = _links(str(field.get("value", "")))
        name = field.get("name", "")
        lines.append(f"{name}:\n{value}" if "\n" in value else f"{name}: {value}")
    if embed.get("url"):
        lines.append(f"Link: {embed['url']}")
    if (embed.get("footer") or {}).get("text"):
        lines.append(f"-- {embed['footer']['text']}")
    return lines


def message_text(message: Message, choices: list[Choice], first_number: int = 1) -> str:
    lines = [_links(message.content)] if message.content else []
    for embed in message.embeds:
        lines += _embed_lines(embed)
    for attachment in message.attachments:
        path = save_attachment(attachment)
        kind = "image" if attachment.content_type.startswith("image/") else "file"
        alt = f" {attachment.description}" if attachment.description else ""
        lines.append(f"[{kind}: {path}]{alt}")
    for number, choice in enumerate(choices, start=first_number):
        what = "button" if choice.kind == "button" else "choose"
        off = " (disabled)" if choice.disabled else ""
        lines.append(f"  [{number}] {what}: {choice.label}{off}")
    return "\n".join(lines)
