import io
from pathlib import Path

from bot.app import App, Feature
from bot.console.registry import ConsoleArgs, ConsoleContext
from bot.console.shell import ConsoleSession, run_console
from bot.errors import UserError
from bot.replies import Reply, render_text
from bot.settings import Settings


def _register(app: App) -> None:
    @app.console.command(
        "demo echo", "Echo words back", feature="demo", usage="<words>", options=("times",)
    )
    async def echo(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        if not args.positional:
            raise UserError("Say something to echo.")
        times = int(args.option("times", "1") or 1)
        return Reply(body=" ".join([args.text] * times) + f" from {ctx.user_id}")

    @app.console.command("demo crash", "Always fails", feature="demo")
    async def crash(ctx: ConsoleContext, args: ConsoleArgs) -> Reply:
        raise RuntimeError("boom")

    @app.console.on_message
    async def flag(ctx: ConsoleContext, text: str) -> Reply | None:
        return Reply(body=f"checked: {text}") if "spam" in text else None


def _app(settings: Settings) -> App:
    return App(settings, features=[Feature("demo", "Demo", register=_register)])


async def _lines(session: ConsoleSession, line: str) -> str:
    return "\n".join(render_text(r) for r in await session.handle(line))


async def test_commands_options_and_quotes(settings: Settings) -> None:
    async with _app(settings) as app:
        session = ConsoleSession(app)
        assert (
            await _lines(session, '/demo echo "hi there" times:2') == "hi there hi there from 1000"
        )
        assert "hi from 42" in (
            await _lines(session, "/as 42 sam") + await _lines(session, "/demo echo hi")
        )


async def test_bad_input_is_answered_never_raised(settings: Settings, caplog) -> None:
    async with _app(settings) as app:
        session = ConsoleSession(app)
        assert "Say something" in await _lines(session, "/demo echo")
        assert "/help" in await _lines(session, "/nothing here")
        assert "Usage" in await _lines(session, "/as nobody")
        crashed = await _lines(session, "/demo crash")
        assert "error id" in crashed
        error_id = crashed.split("error id ")[1].split(")")[0]
        assert error_id in caplog.text  # the same id is in the log, with the traceback
        assert '"unbalanced' in await _lines(session, '/demo echo "unbalanced')
        assert await session.handle("   ") == []


async def test_plain_messages_go_to_message_handlers(settings: Settings) -> None:
    async with _app(settings) as app:
        session = ConsoleSession(app)
        assert "checked: buy spam" in await _lines(session, "buy spam")
        assert "nothing to answer" in await _lines(session, "hello")


async def test_help_is_grouped_by_feature(settings: Settings) -> None:
    async with _app(settings) as app:
        text = await _lines(ConsoleSession(app), "/help")
        assert "Demo:" in text
        assert "/demo echo <words>: Echo words back" in text


async def test_piped_input_runs_each_line_and_exits(settings: Settings) -> None:
    async with _app(settings) as app:
        out = io.StringIO()
        code = await run_console(
            app, io.StringIO("/demo echo one\n\n/demo echo two\n/quit\n/demo echo never\n"), out
        )
    assert code == 0
    text = out.getvalue()
    assert "one from 1000" in text and "two from 1000" in text
    assert "never" not in text


async def test_console_shares_the_database_with_the_bot(tmp_path: Path) -> None:
    settings = Settings(database_path=tmp_path / "shared.sqlite3", _env_file=None)  # type: ignore[call-arg]
    async with App(settings) as app:
        session = ConsoleSession(app)
        await session.handle("/mydata export")
    assert settings.database_path.exists()
