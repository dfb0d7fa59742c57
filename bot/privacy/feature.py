"""The "your data" feature: its title for /help, log protection, and the server-settings section.

Every feature registers its own export/erase section with ``app.privacy``; the Discord side is
``cogs/mydata.py``; the registry and the erase summary are in ``bot/privacy/registry.py``.
"""

from __future__ import annotations

from bot.app import App, Feature
from bot.guild_config import privacy_store as config_privacy
from bot.i18n import N_
from bot.privacy import PrivacySection
from bot.privacy.logs import protect_logs


def register(app: App) -> None:
    # Every App (bot, console, CLI, tests) keeps members' words out of the log.
    protect_logs()
    # The "changed by" of server settings (guild_config belongs to no feature's privacy).
    app.privacy.register(
        PrivacySection(
            "server_settings",
            "Server settings you changed (as an admin)",
            export=lambda user_id: config_privacy.export_member(app.db, user_id),
            erase=lambda user_id: config_privacy.erase_member(app.db, user_id),
            label=N_("server settings you changed"),
        )
    )


FEATURE = Feature(name="privacy", title=N_("Your data"), register=register, order=1)
