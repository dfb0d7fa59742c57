"""The one confirm pattern: a question, "Yes, <what happens>" and "Cancel", the same everywhere.

Answering is tested end to end (the buttons disabled in place: ``tests/e2e``); left here is
what Discord cannot stage in a test run: the 2-minute timeout, and a second member pressing
the buttons of a private question (Discord shows it to the asker only).
"""

from __future__ import annotations

import asyncio

import discord

import cogs._ui as ui
from bot.app import App
from bot.replies import Reply
from cogs._ui import Confirmation, ask_to_confirm
from tests.helpers import click, make_interaction, make_member

CONFIRMATIONS = [value for value in vars(ui).values() if isinstance(value, Confirmation)]


def test_every_confirm_step_uses_the_same_words() -> None:
    assert len(CONFIRMATIONS) >= 3  # join, delete streak history, erase my data
    for confirmation in CONFIRMATIONS:
        assert confirmation.confirm_label.startswith("Yes, "), confirmation
        assert confirmation.cancelled.startswith("Cancelled: "), confirmation
        assert len(confirmation.confirm_label) <= 80  # Discord's button label limit


async def test_no_answer_counts_as_cancel_and_says_what_was_kept(app: App) -> None:
    interaction = make_interaction(app, user=make_member(1000))
    question = Reply(title="Do it?", body="A question.")
    answer = await ask_to_confirm(
        interaction, question, ui.CONFIRM_ERASE_MY_DATA, answer_within=0.01
    )
    assert answer is False
    assert interaction.sent[-1].text == "Cancelled: nothing was erased."
    [call] = interaction.edit_original_response.await_args_list
    view = call.kwargs["view"]
    assert all(item.disabled for item in view.children)


async def test_only_the_asker_can_answer(app: App) -> None:
    interaction = make_interaction(app, user=make_member(1000))
    task = asyncio.create_task(
        ask_to_confirm(interaction, Reply(body="Sure?"), ui.CONFIRM_DELETE_STREAK_HISTORY)
    )
    await asyncio.sleep(0.01)
    view = interaction.sent[0].view
    stranger = make_interaction(app, user=make_member(2000))
    await click(view.confirm, stranger)
    assert view.value is None and "belong to the member who asked" in stranger.sent[0].content
    await click(view.confirm, make_interaction(app, user=make_member(1000)))
    assert await task is True
    assert isinstance(view.confirm.style, discord.ButtonStyle)
