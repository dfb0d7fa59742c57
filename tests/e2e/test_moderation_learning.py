"""Server learning as moderators use it: the Teach menus, /moderation learning and forget."""

from __future__ import annotations

import pytest

from bot.local_discord import Driver, World
from bot.local_discord.options import InputError
from tests.e2e.test_moderation import flag_a_scam

pytestmark = pytest.mark.asyncio(loop_scope="session")

PITCH = "Join the keto reset challenge masterclass, spots limited"


async def test_teach_menus_learn_from_any_message_and_forget_undoes_it(
    d: Driver, world: World
) -> None:
    [pitch] = (await d.post("general", "member", PITCH)).messages
    [genuine] = (await d.post("general", "member", "My keto week went fine")).messages
    with pytest.raises(InputError, match="access"):  # Manage Messages only: hidden
        await d.menu("Teach: spam", pitch, who="member")
    taught = await d.menu("Teach: spam", pitch, who="moderator")
    assert taught.reply.ephemeral and "Learned: this message is spam" in taught.reply.text()
    taught = await d.menu("Teach: not spam", genuine, who="moderator")
    assert "Learned: this message is not spam" in taught.reply.text()
    assert "1 spam and 1 genuine examples" in taught.reply.text()
    assert pitch in d.history("general")  # teaching decides nothing about the message

    status = await d.run("/moderation learning", who="moderator")
    assert "Server learning" in status.reply.text() and "1 spam and 1 genuine" in status.text
    assert status.reply.ephemeral

    kept = await d.run("/moderation forget", who="moderator")
    assert "Nothing was removed" in kept.reply.text()
    assert "1 spam" in (await d.run("/moderation learning", who="moderator")).text
    gone = await d.run("/moderation forget", {"confirm": True}, who="moderator")
    assert "Removed 2 examples" in gone.reply.text()
    assert "nothing learned yet" in (await d.run("/moderation learning", who="moderator")).text


async def test_decisions_on_cards_teach_too(d: Driver, world: World) -> None:
    _, card = await flag_a_scam(d)
    await d.click(card, "Delete message", who="moderator")
    status = await d.run("/moderation learning", who="moderator")
    assert "1 spam and 0 genuine examples" in status.reply.text()
