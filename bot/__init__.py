"""MS companion bot: the core. Nothing here imports discord.py except ``bot.discord_bot``."""

__version__ = "0.1.0"
