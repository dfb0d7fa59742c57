"""Command line: ``python -m bot [run|console|backup|migrate|<feature> ...]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from bot.app import App, discover_features
from bot.errors import ConfigurationError, UserError
from bot.privacy.logs import protect_logs
from bot.settings import Settings, load_settings
from bot.storage import DatabaseTooNewError


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_bot import run_bot, setup_logging  # discord.py only when really connecting

    token = settings.require_token()
    setup_logging(settings.log_level)
    await run_bot(App(settings), token)
    return 0


async def _console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.shell import run_console  # the real bot on a local Discord

    return await run_console(settings, verbose=args.verbose)


async def _backup(args: argparse.Namespace, settings: Settings) -> int:
    async with App(settings) as app:
        path = await app.db.backup(Path(args.path))
    print(f"Backup written to {path}")
    return 0


async def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    async with App(settings) as app:
        version = await app.db.schema_version()
    print(f"Database {app.db.describe()} is at schema version {version}")
    return 0


async def _migrate_data(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from bot.storage.postgresql import PostgreSQLDatabase
    from bot.storage.sqlite import SQLiteDatabase
    from bot.storage.transfer import transfer

    if not args.to.startswith(("postgresql://", "postgres://")):
        raise UserError("--to takes a PostgreSQL URL: postgresql://USER:PASSWORD@HOST/DATABASE")
    if not settings.database_path.is_file():
        raise UserError(f"There is no SQLite database at {settings.database_path} to copy.")
    source, target = SQLiteDatabase(settings.database_path), PostgreSQLDatabase(args.to)
    try:
        for database in (source, target):
            await database.open()
            await database.migrate()
        print(f"Copying {source.describe()} to {target.describe()}")
        with contextlib.ExitStack() as stack:
            report = await transfer(
                source,
                target,
                lambda total: stack.enter_context(tqdm(total=total, unit="row", desc="Copying")),
            )
    finally:
        await target.close()
        await source.close()
    for table, (before, after) in report.counts.items():
        print(
            f"  {table:<32} {before:>10,} -> {after:>10,}{'' if before == after else '  DIFFERS'}"
        )
    if report.mismatched:
        print(f"Row counts differ in {', '.join(report.mismatched)}: do not switch over yet.")
        return 1
    print(
        f"All {report.rows:,} rows copied and counted. Point the bot at it with "
        "MSBOT_DATABASE_URL (see .env.example) and start it; keep the SQLite file as a backup."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="MS companion bot for Discord communities."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="connect to Discord (needs MSBOT_TOKEN); the default").set_defaults(
        handler=_run
    )
    console = sub.add_parser(
        "console", help="the real bot on a local Discord, in your terminal (no token needed)"
    )
    console.add_argument("--verbose", action="store_true", help="show the bot's log lines")
    console.set_defaults(handler=_console)
    backup = sub.add_parser("backup", help="consistent online copy of the database")
    backup.add_argument("path", help="file to write (must not exist)")
    backup.set_defaults(handler=_backup)
    sub.add_parser("migrate", help="apply database migrations and print the version").set_defaults(
        handler=_migrate
    )
    copy = sub.add_parser(
        "migrate-data",
        help="copy everything from the SQLite file into an empty PostgreSQL database",
    )
    copy.add_argument("--to", required=True, metavar="URL", help="postgresql://user@host/db")
    copy.set_defaults(handler=_migrate_data)
    for feature in discover_features():
        if feature.add_cli is not None:
            feature.add_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    protect_logs()  # before anything logs: no member words in the log, at any level
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", _run)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=getattr(logging, settings.log_level), format="%(levelname)s %(name)s: %(message)s"
        )
        return asyncio.run(handler(args, settings))
    except (ConfigurationError, DatabaseTooNewError) as exc:
        print(f"error: {getattr(exc, 'message', str(exc))}", file=sys.stderr)
        return 2
    except UserError as exc:  # a CLI argument the user can fix (a backup path, a file to import)
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
