"""The member's side of the local Discord: what a Discord client does, and what it shows.

Used by the console and the end-to-end tests. Every action checks what Discord's client or server
would check first (can you post here, is that option in range, is the button enabled), then
talks to the bot through the server, waits until the bot is quiet, and returns a :class:`Shown`:
everything that appeared for anyone while the action ran (the reply, ephemeral or not, a modal,
a card in another channel, a DM), so a test or the console can read it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.local_discord import command_access, interactions, member_messages
from bot.local_discord.driver_components import ComponentActions
from bot.local_discord.interactions import Pending, Shown
from bot.local_discord.member_messages import Draft, File
from bot.local_discord.model import Channel, Command, Message, User
from bot.local_discord.options import (
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    InputError,
    convert,
)
from bot.local_discord.rest import mentions_in
from bot.local_discord.server import LocalDiscord
from bot.local_discord.world import World


class Driver(ComponentActions):
    def __init__(self, local: LocalDiscord, world: World, *, settle: float = 0.1) -> None:
        self.local = local
        self.world = world
        self.settle = settle

    # -- languages ---------------------------------------------------------------------------
    def speak(self, who: User | str, locale: str) -> None:
        """``who``'s Discord app is in ``locale`` ("es-ES", "de"): their interactions say so."""
        self.user(who).locale = locale

    async def set_server_locale(self, locale: str) -> None:
        """The server's language (Server Settings), announced to the bot with GUILD_UPDATE;
        interactions carry it as ``guild_locale``."""
        self.world.guild.preferred_locale = locale
        self.local.update_guild(self.world.guild)
        await self.quiet()

    # -- who and where -----------------------------------------------------------------------
    def user(self, who: User | str) -> User:
        return who if isinstance(who, User) else self.world.user(who)

    def channel(self, where: Channel | str) -> Channel:
        return where if isinstance(where, Channel) else self.world.channel(where)

    def dm_channel(self, who: User | str) -> Channel:
        return self.local.dm_channel(self.user(who))

    def history(self, where: Channel | str) -> list[Message]:
        return list(self.local.history[self.channel(where).id])

    def dms(self, who: User | str) -> list[Message]:
        return self.history(self.dm_channel(who))

    # -- waiting -----------------------------------------------------------------------------
    async def quiet(self, within: float = 30.0) -> bool:
        return await self.local.wait_quiet(self.settle, within)

    async def wait_for(self, predicate: Callable[[Message], bool], within: float = 15.0) -> Message:
        """The first message (new or edited) that matches, waiting up to ``within`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            for message in list(self.local.messages.values()):
                if not message.deleted and predicate(message):
                    return message
            if loop.time() > deadline:
                raise TimeoutError("no matching message appeared")
            await asyncio.sleep(0.02)

    async def _watch(self, action: Callable[[], Any]) -> Shown:
        shown = Shown()
        self.local.watchers.append(shown.seen.append)
        try:
            result = action()
            if asyncio.iscoroutine(result):
                result = await result
            if isinstance(result, Pending):
                shown.pending = result
                await result.answered.wait()
            await self.quiet()
        finally:
            self.local.watchers.remove(shown.seen.append)
        return shown

    # -- messages ----------------------------------------------------------------------------
    async def post(
        self,
        where: Channel | str,
        who: User | str,
        content: str = "",
        *,
        embeds: list[dict[str, Any]] | None = None,
        files: list[File] | None = None,
        poll: dict[str, Any] | None = None,
    ) -> Shown:
        """A member's message: text, and optionally link-preview ``embeds``, ``files``
        (name, bytes) and a ``poll`` (:func:`.member_messages.poll`). ``Shown.blocked`` says
        what the member saw if AutoMod blocked it."""
        user, channel = self.user(who), self.channel(where)
        draft = Draft(content, embeds, files, poll)
        member_messages.check_can_post(self.local, user, channel, draft)
        message = member_messages.build(self.local, user, channel, draft)
        return await self._watch(lambda: member_messages.send(self.local, message))

    async def forum_post(
        self, forum: Channel | str, who: User | str, title: str, content: str = "", **extra: Any
    ) -> Shown:
        """A new post in a forum channel: a thread named ``title`` and its first message
        (``extra``: embeds, files, poll, as for :meth:`post`)."""
        user, channel = self.user(who), self.channel(forum)
        draft = Draft(content, **extra)
        return await self._watch(
            lambda: member_messages.open_forum_post(self.local, channel, user, title, draft)
        )

    async def edit(self, message: Message, content: str) -> Shown:
        if not content or len(content) > 2000:
            raise InputError("A message has 1 to 2,000 characters.")
        message.content = content
        message.mentions = mentions_in(self.local, content)
        return await self._watch(lambda: self.local.edited(message))

    async def unfurl(self, message: Message, embeds: list[dict[str, Any]]) -> Shown:
        """Discord adds a link's preview to a message a moment after it was sent: an update
        that is not an edit (no ``edited_timestamp``)."""
        message.embeds = [dict(e, type=e.get("type", "rich")) for e in embeds]
        return await self._watch(lambda: self.local.edited(message, unfurled=True))

    # -- application commands -----------------------------------------------------------------
    def commands_in(self, channel: Channel, kind: int = 1) -> list[Command]:
        found = {c.name: c for c in self.local.commands.get(None, []) if c.type == kind}
        if channel.guild_id is not None:
            for command in self.local.commands.get(channel.guild_id, []):
                if command.type == kind:
                    found[command.name] = command
        return sorted(found.values(), key=lambda c: c.name)

    def resolve(self, channel: Channel, words: list[str]) -> tuple[Command, list[str], list[dict]]:
        """(command, path of sub-command names, leaf options) for ``["article", "share"]``."""
        by_name = {c.name: c for c in self.commands_in(channel)}
        if not words or words[0].lower() not in by_name:
            raise InputError(f"There is no command /{' '.join(words)[:40]} here.")
        command = by_name[words[0].lower()]
        path: list[str] = []
        options = command.data.get("options") or []
        for word in words[1:]:
            subs = {o["name"]: o for o in options if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)}
            if word.lower() not in subs:
                break
            path.append(word.lower())
            options = subs[word.lower()].get("options") or []
        if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options):
            names = ", ".join(o["name"] for o in options)
            raise InputError(f"/{' '.join([command.name, *path])} needs one of: {names}.")
        return command, path, options

    def _command_data(
        self,
        channel: Channel,
        words: list[str],
        values: dict[str, Any],
        focused: str | None = None,
    ) -> dict[str, Any]:
        command, path, options = self.resolve(channel, words)
        by_name = {o["name"]: o for o in options}
        unknown = set(values) - set(by_name)
        if unknown:
            raise InputError(f"/{command.name} has no option {sorted(unknown)[0]}.")
        resolved: dict[str, Any] = {}
        leaf = []
        for option in options:
            name = option["name"]
            if name not in values:
                if option.get("required") and focused is None:
                    raise InputError(f"{name} is required.")
                continue
            if name == focused:
                leaf.append(
                    {
                        "name": name,
                        "type": option["type"],
                        "value": str(values[name]),
                        "focused": True,
                    }
                )
                continue
            value = convert(self.local, self.world, channel, option, values[name], resolved)
            leaf.append({"name": name, "type": option["type"], "value": value})
        nested: list[dict[str, Any]] = leaf
        sub_options = command.data.get("options") or []
        levels = []
        for name in path:
            sub = next(o for o in sub_options if o["name"] == name)
            levels.append(sub)
            sub_options = sub.get("options") or []
        for sub in reversed(levels):
            nested = [{"name": sub["name"], "type": sub["type"], "options": nested}]
        data: dict[str, Any] = {"id": str(command.id), "name": command.name, "type": 1}
        if nested:
            data["options"] = nested
        if resolved:
            data["resolved"] = resolved
        if command.guild_id is not None:
            data["guild_id"] = str(command.guild_id)
        return data

    async def run(
        self,
        command: str,
        values: dict[str, Any] | None = None,
        *,
        who: User | str = "member",
        where: Channel | str = "general",
    ) -> Shown:
        """``run("/checkin", {"minutes": 10})``; sub-commands as words: ``"/article share"``."""
        user, channel = self.user(who), self.channel(where)
        words = command.lstrip("/").split()
        self._check_command_permission(user, channel, words[0].lower() if words else "")
        data = self._command_data(channel, words, values or {})
        kind = interactions.APPLICATION_COMMAND
        return await self._watch(lambda: interactions.create(self.local, kind, user, channel, data))

    def _check_command_permission(
        self, user: User, channel: Channel, name: str, kind: int = 1
    ) -> None:
        """``default_member_permissions`` and the admins' overrides hide a command."""
        command = next((c for c in self.commands_in(channel, kind) if c.name == name), None)
        if command is not None and not command_access.can_use(
            self.local, command, channel, user.id
        ):
            shown = f"/{name}" if kind == 1 else f"'{name}'"
            raise InputError(f"You don't have access to {shown} here.")

    async def autocomplete(
        self,
        command: str,
        focused: str,
        values: dict[str, Any] | None = None,
        *,
        who: User | str = "member",
        where: Channel | str = "general",
    ) -> list[dict[str, Any]]:
        user, channel = self.user(who), self.channel(where)
        values = dict(values or {})
        values.setdefault(focused, "")
        data = self._command_data(channel, command.lstrip("/").split(), values, focused=focused)
        kind = interactions.AUTOCOMPLETE
        shown = await self._watch(
            lambda: interactions.create(self.local, kind, user, channel, data)
        )
        return shown.choices

    async def menu(self, name: str, message: Message, *, who: User | str = "member") -> Shown:
        """A message context menu ("Apps > Report to moderators")."""
        user = self.user(who)
        channel = self.local.channel(message.channel_id)
        command = next((c for c in self.commands_in(channel, kind=3) if c.name == name), None)
        if command is None:
            raise InputError(f"There is no message menu '{name}' here.")
        self._check_visible(message, user)
        self._check_command_permission(user, channel, name, kind=3)
        data = {
            "id": str(command.id),
            "name": name,
            "type": 3,
            "target_id": str(message.id),
            "resolved": {"messages": {str(message.id): self.local.message_payload(message)}},
        }
        kind = interactions.APPLICATION_COMMAND
        return await self._watch(lambda: interactions.create(self.local, kind, user, channel, data))
