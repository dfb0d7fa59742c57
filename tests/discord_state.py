"""A real discord.py ConnectionState with one real guild, for tests below the e2e suite.

Used where a test needs discord.py's own gateway parsing but no network: the DEBUG-log privacy
scenario (``tests/bot/privacy/test_logs.py``) and SIGTERM during a card post
(``tests/bot/test_shutdown.py``). Everything a member or moderator does is tested end to end in
``tests/e2e``.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import discord

from bot.app import App
from cogs.moderation import Moderation

SCAM = "Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp +234 813 555 1234"
REVIEW_ID = 555_000_000_000_000_001
GENERAL_ID = 555_000_000_000_000_002
RAW_GUILD_ID = 424_242_424_242_424_242
SCAMMER_ID = 525_252_525_252_525_252
MOD_ROLE_ID = 626_262_626_262_626_262
EDITED_AT = "2026-11-23T12:00:00.000000+00:00"


class Gateway:
    """A real ConnectionState with one real guild; records what it dispatches."""

    def __init__(self, app: App) -> None:
        self.client = discord.Client(intents=discord.Intents.default())
        self.state = self.client._connection
        everyone = {"id": str(RAW_GUILD_ID), "name": "@everyone", "permissions": "3072"}
        mods = {"id": str(MOD_ROLE_ID), "name": "mods", "permissions": "8192"}  # Manage Messages
        channels = [
            {"id": str(cid), "type": 0, "name": name, "position": i, "permission_overwrites": []}
            for i, (cid, name) in enumerate(((GENERAL_ID, "general"), (REVIEW_ID, "mod-review")))
        ]
        self.guild = discord.Guild(
            data={
                "id": str(RAW_GUILD_ID),
                "name": "MS friends",
                "owner_id": "1",
                "roles": [everyone, mods],
                "channels": channels,
                "member_count": 3,
            },  # type: ignore[typeddict-item]
            state=self.state,
        )
        self.state._add_guild(self.guild)
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        self.sent: list[tuple[discord.TextChannel, dict[str, Any]]] = []  # channel.send calls
        self.edited: list[int] = []  # ids of messages (cards) edited
        self.state.dispatch = lambda event, *args: self.events.append((event, args))  # type: ignore[method-assign]
        bot = MagicMock()
        bot.app = app
        self.cog = Moderation(bot)

    def message_data(
        self, content: str, *, roles: tuple[int, ...] = (), bot: bool = False, edited: bool = True
    ) -> dict[str, Any]:
        author = {
            "id": str(SCAMMER_ID),
            "username": "stranger",
            "discriminator": "0",
            "avatar": None,
        }
        if bot:
            author["bot"] = True  # type: ignore[assignment]
        return {
            "id": "999000000000000001",
            "channel_id": str(GENERAL_ID),
            "guild_id": str(RAW_GUILD_ID),
            "author": author,
            "member": {
                "roles": [str(r) for r in roles],
                "joined_at": "2026-11-20T00:00:00+00:00",
                "flags": 0,
            },
            "content": content,
            "timestamp": "2026-11-23T11:00:00.000000+00:00",
            "edited_timestamp": EDITED_AT if edited else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
        }

    async def deliver(self) -> None:
        """Hand every recorded event to the cog, as the bot's dispatcher would."""
        for event, args in self.events:
            listener = getattr(self.cog, f"on_{event}", None)
            if listener is not None:
                await listener(*args)
        self.events.clear()
