"""The member's language is remembered on their streak row, so a reminder DM is in it."""

from __future__ import annotations

import json

from bot import i18n
from bot.app import App
from bot.streaks import texts
from bot.streaks.feature import Streaks
from tests.bot.streaks.conftest import MovableClock

GUILD = 1


async def test_a_spanish_member_gets_spanish_reminders(s: Streaks, clock: MovableClock) -> None:
    with i18n.using("es-ES"):
        await s.core.join(1, GUILD, "Europe/Madrid", "19:00 exactly")
    await s.core.join(2, GUILD, "Europe/Madrid", "19:00 exactly")
    clock.set(2026, 3, 2, 18, 0)
    sent = {r.user_id: r for r in (await s.reminders.claim_due()).to_send}
    assert sent[1].language == "es"
    assert sent[1].text in {i18n.translations("es").gettext(t) for t in texts.REMINDERS}
    assert sent[2].language == "en" and sent[2].text in texts.REMINDERS


async def test_the_last_streak_command_sets_the_language(s: Streaks, sapp: App) -> None:
    with i18n.using("de"):
        await s.core.join(1, GUILD, "Europe/Berlin", None)
    assert (await s.core.member(1)).language == "de"  # type: ignore[union-attr]
    with i18n.using("es-419"):
        await s.core.checkin(1, 10)
    assert (await s.core.member(1)).language == "es"  # type: ignore[union-attr]
    await s.account.update(1, public=True)  # English Discord now: nothing stored
    assert (await s.core.member(1)).language is None  # type: ignore[union-attr]


async def test_the_language_is_member_data(s: Streaks, sapp: App) -> None:
    with i18n.using("de"):
        await s.core.join(1, GUILD, "Europe/Berlin", None)
    exported = json.loads(await sapp.privacy.export_json(1))
    assert exported["streaks"]["settings"]["language"] == "de"
    await sapp.privacy.erase(1)
    assert await s.core.member(1) is None
