"""What a reply looks like on a phone screen: its lines, as a member would read them."""

from __future__ import annotations

import re

import discord

from bot.help import PHONE_LINE_CHARS, PHONE_LINES

_MARKDOWN = re.compile(r"\*\*|__|`")
_CHANNEL = re.compile(r"<#\d+>")


def visible(text: str) -> str:
    """Markdown marks take no room; a channel mention shows as a short #name."""
    return _CHANNEL.sub("#channel-name", _MARKDOWN.sub("", text))


def phone_lines(embed: discord.Embed) -> list[str]:
    lines = [embed.title or ""] if embed.title else []
    lines += (embed.description or "").splitlines()
    for item in embed.fields:
        lines.append(item.name or "")
        lines += (item.value or "").splitlines()
    if embed.footer.text:
        lines += embed.footer.text.splitlines()
    return [visible(line) for line in lines]


def assert_fits_a_phone(
    embed: discord.Embed, *, lines: int = PHONE_LINES, chars: int = PHONE_LINE_CHARS
) -> None:
    shown = phone_lines(embed)
    assert len(shown) <= lines, f"{len(shown)} lines (at most {lines}):\n" + "\n".join(shown)
    too_long = [line for line in shown if len(line) > chars]
    assert not too_long, f"lines over {chars} characters: {too_long}"
