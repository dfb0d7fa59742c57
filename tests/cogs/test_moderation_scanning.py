"""The cog gathers everything a scammer controls; Teach menus and /moderation forget."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import discord
import pytest

from bot.app import App
from cogs._moderation_parts import forum_post_title, message_parts
from tests.cogs.test_moderation import REVIEW_ID, SCAM, World, card_text
from tests.helpers import invoke, make_member

CLEAN = "Lovely weather for a walk today"


@pytest.fixture
async def world(app: App) -> World:
    await app.config.set(1, "moderation_review_channel", str(REVIEW_ID))
    return World(app)


def embed(title: str = "", description: str = "") -> discord.Embed:
    return discord.Embed(title=title or None, description=description or None)


def attachment(filename: str) -> Any:
    item = MagicMock(spec=discord.Attachment)
    item.filename = filename
    return item


def poll(question: str, *answers: str) -> Any:
    item = MagicMock(spec=discord.Poll)
    item.question = question
    item.answers = [MagicMock(spec=discord.PollAnswer, text=a) for a in answers]
    return item


async def flagged_card(world: World, message: Any) -> str:
    await world.cog.on_message(message)
    world.review.send.assert_awaited_once()
    return card_text(world.review.send.await_args.kwargs["embed"])


async def test_scam_in_an_embed_is_flagged_with_its_own_reason(world: World) -> None:
    message = world.message("")
    message.embeds = [embed("Miracle news", SCAM)]
    text = await flagged_card(world, message)
    assert "(in the embed description)" in text and "[embed description]" in text


async def test_scam_in_an_attachment_name(world: World) -> None:
    message = world.message(CLEAN)
    message.attachments = [attachment("dr_okoh_cured_my_ms_whatsapp_+2348135551234.png")]
    assert "(in the attachment name)" in await flagged_card(world, message)


async def test_scam_in_a_poll(world: World) -> None:
    message = world.message("")
    message.poll = poll(
        "Which herbal cure worked?", "Dr Okoh cured my MS, whatsapp him +2348135551234"
    )
    assert "(in the poll)" in await flagged_card(world, message)


async def test_forum_post_title_is_scanned_on_the_first_message(world: World) -> None:
    forum = MagicMock(spec=discord.ForumChannel)
    thread = MagicMock(spec=discord.Thread)
    thread.id = 1001
    thread.parent = forum
    thread.name = "Herbal cure for MS, WhatsApp Dr Okoh +234 813 555 1234"
    message = world.message(CLEAN, message_id=1001)
    message.channel = thread
    assert forum_post_title(message) == thread.name
    assert "(in the forum post title)" in await flagged_card(world, message)
    reply = world.message(CLEAN, message_id=1002)
    reply.channel = thread
    assert forum_post_title(reply) == ""  # replies in the post do not repeat the title


async def test_display_name_that_advertises(world: World) -> None:
    author = make_member(4243, "ogala", guild=world.guild)
    author.display_name = "Dr Ogala Herbal Home WhatsApp +2348135551234"
    text = await flagged_card(world, world.message("hi everyone", author=author))
    assert "(in the author's display name)" in text


async def test_clean_parts_flag_nothing(world: World) -> None:
    message = world.message(CLEAN)
    message.embeds = [embed("MS Society", "Fatigue management tips")]
    message.attachments = [attachment("my_walk.jpg")]
    assert message_parts(message) == (
        ("embed title", "MS Society"),
        ("embed description", "Fatigue management tips"),
        ("attachment name", "my walk.jpg"),
    )
    await world.cog.on_message(message)
    world.review.send.assert_not_awaited()


async def test_teach_menus_need_manage_messages(world: World) -> None:
    target = world.message("Join the keto reset challenge masterclass, spots limited")
    member = world.interaction(world.member)
    await invoke_menu(world, world.cog.teach_menus[0], member, target)
    assert "Manage Messages" in member.sent[0].text
    mod = world.interaction(world.mod)
    await invoke_menu(world, world.cog.teach_menus[0], mod, target)
    assert mod.sent[0].ephemeral and "Learned: this message is spam" in mod.sent[0].text
    assert [m.default_permissions for m in world.cog.teach_menus] == [
        discord.Permissions(manage_messages=True)
    ] * 2


async def test_forget_needs_confirmation(world: World) -> None:
    mod = world.interaction(world.mod)
    await invoke(world.cog.forget, world.cog, mod)
    assert "Nothing was removed" in mod.sent[0].text
    mod = world.interaction(world.mod)
    await invoke(world.cog.forget, world.cog, mod, confirm=True)
    assert "Removed 0 examples" in mod.sent[0].text


async def invoke_menu(world: World, menu: Any, interaction: Any, message: Any) -> None:
    from cogs._errors import handle_interaction_error

    try:
        if not await world.cog.interaction_check(interaction):
            return
        await menu.callback(interaction, message)
    except Exception as error:
        await handle_interaction_error(interaction, error)
