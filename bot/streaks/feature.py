"""Streaks: registration (config keys, privacy section) and the ``streaks due`` CLI."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from bot.app import App, Feature
from bot.guild_config import ConfigKey, ConfigKind
from bot.i18n import N_
from bot.settings import Settings
from bot.streaks.account import AccountService
from bot.streaks.community import CommunityService
from bot.streaks.reminders import ReminderService
from bot.streaks.service import REST_LIMIT_KEY, StreakService

NAME = "streaks"


@dataclass
class Streaks:
    """Everything streaks offers, on ``app.services["streaks"]``."""

    core: StreakService
    account: AccountService
    reminders: ReminderService
    community: CommunityService


def streaks_of(app: App) -> Streaks:
    return app.services[NAME]  # type: ignore[no-any-return]


def register(app: App) -> None:
    core = StreakService(app)
    account = AccountService(core)
    service = Streaks(core, account, ReminderService(app), CommunityService(app))
    app.services[NAME] = service
    app.config.declare(
        ConfigKey(
            REST_LIMIT_KEY,
            ConfigKind.INT,
            2,
            N_("Rest days per rolling 7 days that keep a streak alive"),
            NAME,
            minimum=0,
            maximum=7,
        )
    )
    app.config.declare(
        ConfigKey(
            "checkin_channel",
            ConfigKind.CHANNEL,
            None,
            N_("Channel for the check-in button, milestones and the weekly summary"),
            NAME,
        )
    )
    app.privacy.register(account.privacy_section())


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(NAME, help="Streak maintenance")
    sub = parser.add_subparsers(dest="streak_command", required=True)
    due = sub.add_parser("due", help="How many reminders are due now")
    due.set_defaults(handler=_cli_due)


async def _cli_due(args: argparse.Namespace, settings: Settings) -> int:
    async with App(settings) as app:
        count = await streaks_of(app).reminders.due_count()
    print(f"{count} reminders are due now.")
    return 0


FEATURE = Feature(name=NAME, title=N_("Exercise streaks"), register=register, add_cli=add_cli)
