"""Moderation feature: config keys, privacy section and the scan CLI."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.app import App, Feature
from bot.errors import UserError
from bot.guild_config import ConfigKey, ConfigKind
from bot.i18n import N_
from bot.moderation import privacy_store
from bot.moderation.service import TIMEOUTS, ModerationService
from bot.privacy import PrivacySection
from bot.settings import PROJECT_ROOT, Settings

NAME = "moderation"


def service_of(app: App) -> ModerationService:
    return app.services[NAME]


def register(app: App) -> None:
    declare = app.config.declare
    declare(
        ConfigKey(
            "moderation_threshold",
            ConfigKind.FLOAT,
            3.0,
            N_("Score at which a message is flagged for moderators (lower flags more)"),
            NAME,
            minimum=0.5,
            maximum=50,
        )
    )
    declare(
        ConfigKey(
            "moderation_review_channel",
            ConfigKind.CHANNEL,
            None,
            N_("Channel where flag cards are posted for moderators"),
            NAME,
        )
    )
    declare(
        ConfigKey(
            "moderation_auto_hide",
            ConfigKind.BOOL,
            False,
            N_("Hide messages at once when they score far above the threshold"),
            NAME,
        )
    )
    declare(
        ConfigKey(
            "moderation_auto_hide_multiple",
            ConfigKind.FLOAT,
            2.0,
            N_("Auto-hide only at this many times the threshold"),
            NAME,
            minimum=1.0,
            maximum=10,
        )
    )
    declare(
        ConfigKey(
            "moderation_automod",
            ConfigKind.BOOL,
            False,
            N_(
                "Also block always-flagged domains and dodged links with a Discord AutoMod rule "
                "(the bot needs Manage Server)"
            ),
            NAME,
        )
    )
    for name, description in (
        (
            "moderation_trusted_domains",
            N_("Domains never counted as suspicious links (comma list)"),
        ),
        ("moderation_trusted_phrases", N_("Rule phrases this server does not count (comma list)")),
        ("moderation_flag_domains", N_("Domains whose links are always flagged (comma list)")),
    ):
        declare(ConfigKey(name, ConfigKind.TEXT_LIST, [], description, NAME, max_length=200))
    service = ModerationService(app)
    app.services[NAME] = service

    days = app.settings.moderation_retention_days
    app.privacy.register(
        PrivacySection(
            NAME,
            "Flags about messages you wrote, reports you made, and decisions as a moderator",
            export=lambda user_id: privacy_store.export_member(app.db, user_id),
            erase=lambda user_id: privacy_store.erase_member(app.db, user_id),
            label=N_("moderation records"),
            # Open flags are the community's safety records, not the author's own data.
            kept=N_(
                "If moderators have reports about you that they have not reviewed yet, those "
                "are kept until they are, at most {days} days."
            ),
            kept_days=days,
        )
    )


async def start(app: App) -> None:
    service_of(app).start_retention()


async def stop(app: App) -> None:
    await service_of(app).stop_retention()


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(NAME, help="Moderation tools")
    commands = parser.add_subparsers(dest="moderation_command", required=True)
    scan = commands.add_parser(
        "scan",
        help="Run the detector over a DiscordChatExporter JSON export or a JSONL of {text,label}",
    )
    scan.add_argument("file", type=Path)
    scan.add_argument("--json", action="store_true", help="one JSON object per row on stdout")
    scan.add_argument("--threshold", type=float, default=3.0, help="flag at this score (3.0)")
    scan.add_argument("--split", choices=("dev", "test"), help="only rows of this split")
    scan.set_defaults(handler=_scan)
    train = commands.add_parser(
        "train",
        help="Fit the learned layer on the dev splits and the project's own cases (needs the "
        "'train' extra: scikit-learn); prints cross-validated, test and held-out figures",
    )
    train.add_argument(
        "--datasets",
        type=Path,
        default=PROJECT_ROOT.parent / "shared" / "datasets",
        help="folder of labelled JSONL files; only their dev rows are trained on",
    )
    train.add_argument(
        "--output", type=Path, help="model file to write (default: model.json in the rules folder)"
    )
    train.add_argument(
        "--dry-run", action="store_true", help="print the figures without writing the model"
    )
    train.set_defaults(handler=_train)


async def _scan(args: argparse.Namespace, settings: Settings) -> int:
    # The backtest needs only the rules, not the database: build them directly.
    from bot.moderation.detector import Detector
    from bot.moderation.rules import load_rules
    from bot.moderation.scan import run_scan
    from bot.moderation.tracker import RecentTracker

    if args.threshold <= 0:
        print("The threshold must be above 0.")
        return 2
    detector = Detector(load_rules(settings.moderation_rules_dir), RecentTracker())
    try:
        run_scan(args.file, detector, threshold=args.threshold, as_json=args.json, split=args.split)
    except UserError as exc:
        print(exc.message)
        return 2
    return 0


async def _train(args: argparse.Namespace, settings: Settings) -> int:
    import sys

    from bot.moderation.model import MODEL_FILE
    from bot.moderation.rules import load_rules
    from bot.moderation.training import train

    rules_dir = settings.moderation_rules_dir
    output = None if args.dry_run else (args.output or rules_dir / MODEL_FILE)
    try:
        train(load_rules(rules_dir), args.datasets, rules_dir, sys.stdout, output=output)
    except UserError as exc:
        print(exc.message)
        return 2
    return 0


__all__ = ["FEATURE", "TIMEOUTS"]

FEATURE = Feature(
    name=NAME,
    title=N_("Moderation"),
    register=register,
    start=start,
    stop=stop,
    add_cli=add_cli,
)
