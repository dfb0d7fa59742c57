"""A small Discord on loopback that real, unmodified discord.py connects to.

It serves the REST API (aiohttp) and the gateway websocket (JSON) for exactly what this bot uses,
keeps the state a server would (guilds, roles, channel overwrites, members, message history,
DMs, bans, timeouts, application commands, interactions) and validates like Discord: its limits,
its permissions and role hierarchy, the interaction deadlines, answering Discord's error JSON.

It is not a feature (no ``feature.py``) and no feature imports it. Together with
``bot/discord_bot.py`` it is the only place that knows discord.py's internals: the API base
(``discord.http.Route.BASE``, see :mod:`bot.local_discord.runner`) and the gateway address that
``GET /gateway/bot`` returns.

Modules:
- :mod:`.model`: the state and its JSON payloads; :mod:`.world`: the default server;
- :mod:`.permissions`: Discord's permission computation and role hierarchy;
- :mod:`.validation` and :mod:`.errors`: Discord's limits and error JSON;
- :mod:`.rest`, :mod:`.gateway`, :mod:`.interactions`: the protocol;
- :mod:`.server`: :class:`LocalDiscord` (start/stop, dispatch, quiet detection);
- :mod:`.driver`: what a member does (post, run a command, click, fill a modal) and sees;
- :mod:`.runner`: runs the real bot against a :class:`LocalDiscord`.
"""

from bot.local_discord.driver import Driver, Shown
from bot.local_discord.errors import DiscordError
from bot.local_discord.server import LocalDiscord
from bot.local_discord.world import World, build_world

__all__ = ["DiscordError", "Driver", "LocalDiscord", "Shown", "World", "build_world"]
