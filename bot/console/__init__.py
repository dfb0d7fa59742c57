"""Offline console: the bot's commands in a local shell, over the same core and database."""
