"""The member's side of buttons, select menus and modals (mixed into :class:`.driver.Driver`).

What Discord's client checks before it sends anything (can you see the message, is the button
enabled, is the choice in the menu, are the form's fields filled within their lengths), then the
interaction it sends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.local_discord import interactions
from bot.local_discord.interactions import Shown
from bot.local_discord.model import Message, User
from bot.local_discord.options import InputError

if TYPE_CHECKING:
    from bot.local_discord.server import LocalDiscord


class ComponentActions:
    local: LocalDiscord

    if TYPE_CHECKING:

        def user(self, who: User | str) -> User: ...

        async def _watch(self, action: Callable[[], Any]) -> Shown: ...

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
