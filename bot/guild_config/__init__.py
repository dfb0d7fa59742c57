"""Per-guild options (channels, thresholds, switches) that features declare and moderators set."""

from bot.guild_config.keys import ConfigKey, ConfigKind
from bot.guild_config.service import GuildConfigService

__all__ = ["ConfigKey", "ConfigKind", "GuildConfigService"]
