"""The /help text, built the same way for Discord and the console."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.replies import Reply


@dataclass
class HelpGroup:
    title: str
    entries: list[tuple[str, str]] = field(default_factory=list)  # (usage, description)


def render_help(groups: list[HelpGroup], *, footer: str | None = None) -> Reply:
    reply = Reply(
        title="What I can do",
        body="Commands by feature. Articles are information, never medical advice.",
        footer=footer,
    )
    for group in groups:
        if group.entries:
            lines = [f"{usage}: {description}" for usage, description in sorted(group.entries)]
            reply.add_field(group.title, "\n".join(lines))
    return reply
