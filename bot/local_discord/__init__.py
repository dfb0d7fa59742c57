"""A small Discord on loopback that real, unmodified discord.py connects to.

It serves the REST API (aiohttp) and the gateway websocket (JSON) for exactly what this bot uses,
keeps the state a server would (guilds, roles, channel overwrites, members and nicknames,
message history with embeds, files and polls, forum posts, DMs, bans, timeouts, application
commands and their permission overrides, AutoMod rules, interactions) and validates like
Discord: its limits, its permissions and role hierarchy, the interaction deadlines, answering
Discord's error JSON. A route it lacks is recorded as a bug of its own, so tests fail loudly.

It is not a feature (no ``feature.py``) and no feature imports it. Together with
``bot/discord_bot.py`` it is the only place that knows discord.py's internals: the API base
(``discord.http.Route.BASE``, see :mod:`bot.local_discord.runner`) and the gateway address that
``GET /gateway/bot`` returns.

Modules:
- :mod:`.model`: the state and its JSON payloads; :mod:`.world`: the default server;
- :mod:`.permissions`: Discord's permission computation and role hierarchy;
  :mod:`.command_access`: who may use a command (default permissions, admins' overrides);
- :mod:`.validation` and :mod:`.errors`: Discord's limits and error JSON;
- :mod:`.rest` (shared parts, request log, injected faults), :mod:`.rest_messages`,
  :mod:`.rest_guilds`, :mod:`.rest_commands`, :mod:`.automod`, :mod:`.gateway`,
  :mod:`.interactions`: the protocol;
- :mod:`.admin`: what a server's admins change (roles, nicknames, overrides), announced;
- :mod:`.server`: :class:`LocalDiscord` (start/stop, dispatch, quiet detection);
- :mod:`.driver` (with :mod:`.driver_components` and :mod:`.member_messages`): what a member
  does (post, run a command, click, fill a modal, start a forum post) and sees;
- :mod:`.runner`: runs the real bot against a :class:`LocalDiscord`.
"""

from bot.local_discord.driver import Driver, Shown
from bot.local_discord.errors import DiscordError
from bot.local_discord.server import LocalDiscord
from bot.local_discord.world import World, build_world

__all__ = ["DiscordError", "Driver", "LocalDiscord", "Shown", "World", "build_world"]
