"""The server-settings feature: its title for /help, and the one way to set an option.

Config keys are declared by each feature; the Discord side is ``cogs/config.py``.
"""

from __future__ import annotations

from bot.app import App, Feature
from bot.i18n import N_, _
from bot.replies import Reply, Tone


async def set_option(app: App, guild_id: int, name: str, raw: str, actor_id: int) -> Reply:
    key = app.config.key(name)
    value = await app.config.set(guild_id, key.name, raw, actor_id=actor_id)
    return Reply(
        body=_("{name} is now {value}.").format(name=key.name, value=key.display(value)),
        tone=Tone.SUCCESS,
    )


def register(app: App) -> None:
    """Nothing to register: the config service is part of the core App."""


FEATURE = Feature(name="guild_config", title=N_("Server settings"), register=register, order=0)
