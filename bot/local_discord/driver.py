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

from bot.local_discord import interactions, permissions
from bot.local_discord.interactions import Pending, Shown
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


class Driver:
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
    def _check_can_post(self, user: User, channel: Channel) -> None:
        if channel.is_dm:
            return
        allowed = self.local.permissions_in(channel, user.id)
        if not permissions.has(allowed, "view_channel"):
            raise InputError(f"You can't see #{channel.name}.")
        if not permissions.has(allowed, "send_messages"):
            raise InputError(f"You can't send messages in #{channel.name} right now.")

    async def post(self, where: Channel | str, who: User | str, content: str) -> Shown:
        user, channel = self.user(who), self.channel(where)
        self._check_can_post(user, channel)
        if not content or len(content) > 2000:
            raise InputError("A message has 1 to 2,000 characters.")
        message = Message(
            self.local.ids.next(),
            channel.id,
            user,
            channel.guild_id,
            content=content,
            mentions=mentions_in(self.local, content),
        )
        return await self._watch(lambda: self.local.store(message))

    async def edit(self, message: Message, content: str) -> Shown:
        if not content or len(content) > 2000:
            raise InputError("A message has 1 to 2,000 characters.")
        message.content = content
        message.mentions = mentions_in(self.local, content)
        return await self._watch(lambda: self.local.edited(message))

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

    def _check_command_permission(self, user: User, channel: Channel, name: str) -> None:
        """``default_member_permissions`` hides a command from members without them."""
        command = next((c for c in self.commands_in(channel) if c.name == name), None)
        required = command.data.get("default_member_permissions") if command else None
        if required and not channel.is_dm:
            have = self.local.permissions_in(channel, user.id)
            if int(required) & ~have:
                raise InputError(f"You don't have access to /{name} here.")

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
        data = {
            "id": str(command.id),
            "name": name,
            "type": 3,
            "target_id": str(message.id),
            "resolved": {"messages": {str(message.id): self.local.message_payload(message)}},
        }
        kind = interactions.APPLICATION_COMMAND
        return await self._watch(lambda: interactions.create(self.local, kind, user, channel, data))

    # -- components and modals ----------------------------------------------------------------
    def _components(self, message: Message) -> list[dict[str, Any]]:
        return [child for row in message.components for child in row.get("components", [])]

    def find_component(self, message: Message, wanted: str) -> dict[str, Any]:
        items = self._components(message)
        lowered = wanted.strip().lower()
        for test in (
            lambda c: c.get("custom_id") == wanted,
            lambda c: (c.get("label") or "").lower() == lowered,
            lambda c: (c.get("label") or "").lower().startswith(lowered),
            lambda c: (c.get("placeholder") or "").lower().startswith(lowered),
        ):
            found = [c for c in items if test(c)]
            if found:
                return found[0]
        labels = ", ".join(c.get("label") or c.get("placeholder") or "?" for c in items)
        raise InputError(f"No '{wanted}' on that message (it has: {labels or 'nothing'}).")

    def _check_visible(self, message: Message, user: User) -> None:
        if not self.local.visible_to(message, user.id):
            raise InputError("You can't see that message.")

    async def click(self, message: Message, wanted: str, *, who: User | str = "member") -> Shown:
        user = self.user(who)
        self._check_visible(message, user)
        button = self.find_component(message, wanted)
        if button.get("type") != 2:
            raise InputError(f"'{wanted}' is a menu: choose an option instead.")
        if button.get("disabled"):
            raise InputError(f"'{button.get('label')}' is disabled.")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._component(message, user, data)

    async def select(
        self,
        message: Message,
        choices: list[str],
        *,
        who: User | str = "member",
        menu: str | None = None,
    ) -> Shown:
        """Choose options (by label or value) in the message's select menu."""
        user = self.user(who)
        self._check_visible(message, user)
        selects = [c for c in self._components(message) if c.get("type") == 3]
        if menu is not None:
            selects = [self.find_component(message, menu)]
        if not selects:
            raise InputError("That message has no menu.")
        select = selects[0]
        values = []
        for wanted in choices:
            option = next(
                (o for o in select["options"] if wanted in (o["value"], o["label"])), None
            ) or next(
                (o for o in select["options"] if o["label"].lower().startswith(wanted.lower())),
                None,
            )
            if option is None:
                raise InputError(f"'{wanted}' is not in that menu.")
            values.append(option["value"])
        low, high = select.get("min_values", 1), select.get("max_values", 1)
        if not low <= len(values) <= high:
            raise InputError(f"Choose {low} to {high} options.")
        data = {"custom_id": select["custom_id"], "component_type": 3, "values": values}
        return await self._component(message, user, data)

    async def _component(self, message: Message, user: User, data: dict[str, Any]) -> Shown:
        channel = self.local.channel(message.channel_id)
        kind = interactions.COMPONENT
        return await self._watch(
            lambda: interactions.create(self.local, kind, user, channel, data, message=message)
        )

    @staticmethod
    def modal_fields(modal: dict[str, Any]) -> list[dict[str, Any]]:
        """Each text input with the label the member sees (a Label's, or the input's own)."""
        fields = []
        for item in modal.get("components") or []:
            if item.get("type") == 18:
                inner = item.get("component") or {}
                fields.append(
                    inner | {"label": item.get("label"), "description": item.get("description")}
                )
            elif item.get("type") == 1:
                fields.extend(item.get("components") or [])
        return [f for f in fields if f.get("type") == 4]

    async def submit_modal(self, opened: Shown, values: dict[str, str] | list[str]) -> Shown:
        """Fill and submit the modal ``opened`` showed, checking what the client checks."""
        pending = opened.pending
        if pending is None or pending.modal is None:
            raise InputError("No form is open.")
        modal = pending.modal
        fields = self.modal_fields(modal)
        answers: dict[str, str] = {}
        for index, item in enumerate(fields):
            if isinstance(values, list):
                text = values[index] if index < len(values) else ""
            else:
                text = values.get(item["custom_id"], values.get(item.get("label") or "", ""))
            low, high = item.get("min_length", 0), item.get("max_length", 4000)
            if item.get("required", True) and not text:
                raise InputError(f"'{item.get('label')}' is required.")
            if text and not low <= len(text) <= high:
                raise InputError(f"'{item.get('label')}': {low} to {high} characters.")
            answers[item["custom_id"]] = text
        components = []
        for item in modal.get("components") or []:
            if item.get("type") == 18:
                inner = item["component"]
                components.append(
                    {
                        "type": 18,
                        "id": item.get("id", 0),
                        "component": {
                            "type": 4,
                            "id": inner.get("id", 0),
                            "custom_id": inner["custom_id"],
                            "value": answers.get(inner["custom_id"], ""),
                        },
                    }
                )
            elif item.get("type") == 1:
                inner = item["components"][0]
                components.append(
                    {
                        "type": 1,
                        "components": [
                            {
                                "type": 4,
                                "custom_id": inner["custom_id"],
                                "value": answers.get(inner["custom_id"], ""),
                            }
                        ],
                    }
                )
        data = {"custom_id": modal["custom_id"], "components": components}
        kind = interactions.MODAL_SUBMIT
        return await self._watch(
            lambda: interactions.create(
                self.local, kind, pending.user, pending.channel, data, message=pending.message
            )
        )
