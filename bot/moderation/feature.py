"""Moderation feature: config keys, console commands, privacy section and the scan CLI."""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from bot.app import App, Feature
from bot.console.registry import ConsoleArgs, ConsoleContext
from bot.errors import UserError
from bot.guild_config import ConfigKey, ConfigKind
from bot.moderation import store
from bot.moderation.service import TIMEOUTS, ModerationService
from bot.moderation.signals.base import MessageFacts
from bot.privacy import PrivacySection
from bot.replies import Reply
from bot.settings import Settings

NAME = "moderation"
_CONSOLE_IDS = itertools.count(int(time.time() * 1000) << 22)


def service_of(app: App) -> ModerationService:
    return app.services[NAME]


def register(app: App) -> None:
    declare = app.config.declare
    declare(
        ConfigKey(
            "moderation_threshold",
            ConfigKind.FLOAT,
            3.0,
            "Score at which a message is flagged for moderators (lower flags more)",
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
            "Channel where flag cards are posted for moderators",
            NAME,
        )
    )
    declare(
        ConfigKey(
            "moderation_auto_hide",
            ConfigKind.BOOL,
            False,
            "Hide messages at once when they score far above the threshold",
            NAME,
        )
    )
    declare(
        ConfigKey(
            "moderation_auto_hide_multiple",
            ConfigKind.FLOAT,
            2.0,
            "Auto-hide only at this many times the threshold",
            NAME,
            minimum=1.0,
            maximum=10,
        )
    )
    for name, description in (
        ("moderation_trusted_domains", "Domains never counted as suspicious links (comma list)"),
        ("moderation_trusted_phrases", "Rule phrases this server does not count (comma list)"),
        ("moderation_flag_domains", "Domains whose links are always flagged (comma list)"),
    ):
        declare(ConfigKey(name, ConfigKind.TEXT_LIST, [], description, NAME, max_length=200))
    service = ModerationService(app)
    app.services[NAME] = service

    app.privacy.register(
        PrivacySection(
            NAME,
            "Flags about messages you wrote, and reports you made",
            export=lambda user_id: store.export_member(app.db, user_id),
            erase=lambda user_id: store.erase_member(app.db, user_id),
        )
    )

    console = app.console

    @console.on_message
    async def plain_message(ctx: ConsoleContext, text: str) -> Reply:
        verdict_reply = await service.explain_for_guild(ctx.guild_id, text)
        outcome = await service.check_message(
            MessageFacts(
                text=text,
                guild_id=ctx.guild_id,
                channel_id=ctx.channel_id,
                author_id=ctx.user_id,
                message_id=_console_message_id(app),
            ),
            author_name=ctx.user_name,
        )
        if outcome is not None:
            verdict_reply.footer = f"Stored as flag #{outcome.flag.id}; see /modqueue."
        return verdict_reply

    @console.command(
        "moderation check",
        "Show whether and why a message would be flagged",
        feature=NAME,
        usage="<text>",
    )
    async def check(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        if not args.raw.strip():
            raise UserError("Type the message to check, e.g. /moderation check hello")
        return await service.explain_for_guild(ctx.guild_id, args.raw.strip())

    @console.command("modqueue", "List open moderation flags", feature=NAME)
    async def modqueue(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        _require_mod(ctx)
        return await service.queue(ctx.guild_id)

    @console.command(
        "modstats", "Flags, confirmations and dismissals over time", feature=NAME, usage="[days]"
    )
    async def modstats(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        _require_mod(ctx)
        days = args.positional[0] if args.positional else "30"
        if not days.isdigit() or not 1 <= int(days) <= 365:
            raise UserError("Days must be a whole number from 1 to 365.")
        return await service.stats(ctx.guild_id, int(days))

    @console.command("modflag", "Show one flag's card", feature=NAME, usage="<flag id>")
    async def modflag(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        _require_mod(ctx)
        return service.card(await service.flag(ctx.guild_id, _flag_id(args)))

    @console.command(
        "modact",
        "Decide on a flag: delete, dismiss, timeout or ban",
        feature=NAME,
        usage="<flag id> <delete|dismiss|timeout|ban>",
    )
    async def modact(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        flag_id = _flag_id(args)
        action = args.positional[1].lower() if len(args.positional) > 1 else ""
        if action not in ("delete", "dismiss", "timeout", "ban"):
            raise UserError("Choose an action: delete, dismiss, timeout or ban.")
        detail = "for 1 hour (console)" if action == "timeout" else "from the console"
        flag = await service.act(
            ctx.guild_id,
            flag_id,
            action,
            moderator_id=ctx.user_id,
            permissions=ctx.permissions,
            detail=detail,
        )
        return service.card(flag)


def _flag_id(args: ConsoleArgs) -> int:
    if not args.positional or not args.positional[0].lstrip("#").isdigit():
        raise UserError("Give the flag number, e.g. 12 (see /modqueue).")
    return int(args.positional[0].lstrip("#"))


def _require_mod(ctx: ConsoleContext) -> None:
    if "manage_messages" not in ctx.permissions:
        raise UserError("You need the Manage Messages permission to do that.")


def _console_message_id(app: App) -> int:
    # Console messages need distinct ids like Discord's; derive one from the clock.
    return next(_CONSOLE_IDS)


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


__all__ = ["FEATURE", "TIMEOUTS"]

FEATURE = Feature(
    name=NAME,
    title="Moderation",
    register=register,
    start=start,
    stop=stop,
    add_cli=add_cli,
)
