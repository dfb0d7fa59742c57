"""Members and servers in other languages, through real discord.py and the local Discord."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.local_discord import Driver, LocalDiscord, World
from tests.e2e.test_features import _daytime_zone
from tests.e2e.test_moderation import card_buttons

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def german_server(d: Driver, running, world: World) -> None:
    await d.set_server_locale("de")
    for _ in range(500):  # the bot has read the GUILD_UPDATE
        guild = running.bot.get_guild(world.guild.id)
        if guild is not None and str(guild.preferred_locale) == "de":
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bot never saw the server's new language")


async def test_a_spanish_member_gets_spanish_answers_and_buttons(d: Driver) -> None:
    d.speak("member", "es-ES")
    asked = await d.run("/streak join", {"zone": "Europe/Madrid"}, who="member")
    assert "¿Te unes a las rachas?" in asked.reply.text() and asked.reply.ephemeral
    joined = await d.click(asked.reply, "Sí, unirme", who="member")
    assert "¡Ya estás dentro!" in joined.text and "/registrar" in joined.text
    moved = await d.run("/checkin", {"minutes": 10}, who="member")
    assert "Registrado por hoy. Racha actual: 1 día." in moved.reply.text()
    helped = await d.run("/help", who="member")
    assert "Lo que puedo hacer" in helped.reply.text()
    page = await d.click(helped.reply, "Rachas de ejercicio", who="member")
    assert "/racha unirse" in page.reply.text()
    # Someone else's English Discord, same server: English.
    assert "What I can do" in (await d.run("/help", who="moderator")).reply.text()


async def test_an_error_is_said_in_the_members_language(d: Driver) -> None:
    d.speak("member", "de")
    refused = await d.run("/streak status", who="member")
    assert "Du machst bei den Serien noch nicht mit" in refused.reply.text()


async def test_a_german_servers_flag_card_is_in_german(d: Driver, world: World, running) -> None:
    await german_server(d, running, world)
    d.speak("moderator", "es-ES")
    _scam, card = await flag_a_scam_in_german(d)
    assert "**Nachricht:**" in card.text() and "Filter zu umgehen" in card.text()
    assert card_buttons(card)[:2] == ["Nachricht löschen", "Verwerfen (kein Spam)"]
    done = await d.click(card, "Nachricht löschen", who="moderator")
    # The card stays the team's (German); the moderator's own follow-up is in Spanish.
    assert "Nachricht gelöscht von" in card.text() and card_buttons(card) == ["Details"]
    assert "Borrado. ¿Se deben avisar siempre los enlaces" in done.text


async def flag_a_scam_in_german(d: Driver):
    review = d.channel("mod-review")
    await d.run(
        "/config channel",
        {"option": "moderation_review_channel", "channel": "#mod-review"},
        who="owner",
    )
    from tests.e2e.test_moderation import SCAM

    shown = await d.post("general", "member", SCAM)
    [scam] = shown.in_channel(d.channel("general"))
    card = await d.wait_for(
        lambda m: m.channel_id == review.id and "Markierte Nachricht" in m.text()
    )
    return scam, card


async def test_a_shared_article_is_in_the_servers_language_but_its_text_is_not(
    d: Driver, world: World, running
) -> None:
    await german_server(d, running, world)
    d.speak("member", "es-ES")
    shared = await d.run("/article share", {"article": "fatigue-and-weakness"}, who="member")
    post = shared.reply
    assert not post.ephemeral
    assert "Fatigue and weakness" in post.text()  # the article's own words stay as written
    assert "Geteilt von" in post.text() and "Bitte beachten" in post.text()
    rated = await d.click(post, "5 Sterne", who="member")  # the buttons are German too
    assert "Has valorado 5/5" in rated.reply.text()  # ...and the answer is the member's


async def test_a_reminder_dm_is_in_the_members_language(
    d: Driver, world: World, clock, running
) -> None:
    zone = _daytime_zone()
    at = (datetime.now(ZoneInfo(zone)) + timedelta(minutes=2)).strftime("%H:%M")
    d.speak("member", "de")
    asked = await d.run("/streak join", {"zone": zone, "reminder": f"{at} genau"}, who="member")
    joined = await d.click(asked.reply, "Ja, mitmachen", who="member")
    assert f"um genau {at} Uhr" in joined.text
    d.speak("member", "en-US")  # the DM comes later, with no interaction: the remembered one
    clock.shift(timedelta(minutes=5))
    await running.bot.get_cog("StreakCog").send_due_reminders()
    [reminder] = d.dms("member")
    assert "Täglicher Eintrag" in reminder.text()
    assert card_buttons(reminder) == [
        "Heute bewegt",
        "Ruhetag",
        "Erinnerungen eine Woche pausieren",
    ]
    moved = await d.click(reminder, "Heute bewegt", who="member")
    assert "Checked in for today" in moved.reply.text()  # the press itself is English now


async def test_command_sync_carries_the_translations(local: LocalDiscord) -> None:
    synced = {command.name: command.data for command in local.commands.get(None, [])}
    streak = synced["streak"]
    assert streak["name_localizations"]["es-ES"] == "racha"
    assert streak["name_localizations"]["de"] == "serie"
    assert streak["description_localizations"]["it"] == "Serie di esercizio"
    join = next(o for o in streak["options"] if o["name"] == "join")
    assert join["name_localizations"]["es-419"] == "unirse"
    assert join["description_localizations"]["de"].startswith("Deine Serie starten")
