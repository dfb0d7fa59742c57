from bot.app import App
from bot.console.shell import ConsoleSession
from bot.replies import render_text


async def test_console_help_lists_foundation_commands(app: App) -> None:
    session = ConsoleSession(app)
    [reply] = await session.handle("/help")
    text = render_text(reply)
    assert "/config show" in text
    assert "/mydata export" in text
