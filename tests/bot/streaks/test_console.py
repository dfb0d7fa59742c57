"""The streak commands in the offline console (same core, plain-text rendering)."""

from __future__ import annotations

from bot.app import App
from bot.console.shell import ConsoleSession
from bot.replies import render_text


async def run(session: ConsoleSession, line: str) -> str:
    return "\n".join(render_text(r) for r in await session.handle(line))


async def test_console_streak_flow(sapp: App) -> None:
    session = ConsoleSession(sapp)
    assert "/streak join" in await run(session, "/checkin minutes:10")
    preview = await run(session, "/streak join Europe/Paris 19:30")
    assert "type: /streak join Europe/Paris 19:30 yes" in preview
    assert await sapp.db.fetchval("SELECT COUNT(*) FROM streak_members") == 0
    assert "HH:MM" in await run(session, "/streak join Europe/Paris 25:00 yes")
    assert "You're in" in await run(session, "/streak join Europe/Paris reminder:19:30 yes")
    out = await run(session, '/checkin minutes:10 activity:walking note:"slow but fine"')
    assert "Current streak: 1 day" in out
    assert "1 to 600" in await run(session, "/checkin minutes:0")
    assert "whole number" in await run(session, "/checkin minutes:ten")
    assert "already checked in" in await run(session, "/streak moved")
    # Joined today: yesterday is before the streak began, so it can't become a rest day.
    assert "before your streak began" in await run(session, "/streak rest heat day:yesterday")
    assert "Saved: public: on, reminder at 20:00" in await run(
        session, "/streak settings public on reminder 20:00"
    )
    assert "not a setting" in await run(session, "/streak settings colour blue")
    assert "1 to 8 weeks" in await run(session, "/streak pause 12")
    assert "paused until" in await run(session, "/streak pause 2")
    assert "running again" in await run(session, "/streak resume")
    status = await run(session, "/streak status")
    assert "Current streak: 1 day" in status and "[image:" in status
    assert "<@1000>: 1 of 7 days" in await run(session, "/streak board")
    assert "check-in channel first" in await run(session, "/streak pin")
    assert "Europe/Paris" in await run(session, "/streak zones paris")
    assert "history is kept" in await run(session, "/streak leave")
    assert "deleted" in await run(session, "/streak leave delete")
