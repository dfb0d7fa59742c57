import json
from unittest.mock import AsyncMock, MagicMock

import discord

from bot.app import App
from bot.privacy import PrivacySection
from cogs.mydata import MyData
from tests.helpers import click, invoke, make_interaction, make_member


def _register_fake_section(app: App, store: dict[int, list[str]]) -> None:
    async def export(user_id: int) -> list[str]:
        return store.get(user_id, [])

    async def erase(user_id: int) -> int:
        return len(store.pop(user_id, []))

    app.privacy.register(PrivacySection("notes", "test notes", export, erase))


async def test_export_is_sent_by_dm(app: App) -> None:
    _register_fake_section(app, {1000: ["a note"]})
    user = make_member(1000)
    interaction = make_interaction(app, user=user)
    await invoke(MyData.export, MyData(None), interaction)  # type: ignore[arg-type]
    file = user.send.await_args.kwargs["file"]
    data = json.loads(file.fp.read())
    assert data["notes"] == ["a note"]
    assert "direct message" in interaction.sent[-1].text


async def test_export_falls_back_when_dms_closed(app: App) -> None:
    user = make_member(1000)
    user.send = AsyncMock(side_effect=discord.Forbidden(MagicMock(status=403), "closed"))
    interaction = make_interaction(app, user=user)
    await invoke(MyData.export, MyData(None), interaction)  # type: ignore[arg-type]
    last = interaction.sent[-1]
    assert last.ephemeral and last.files and "closed" in last.text


async def test_delete_needs_the_confirm_button(app: App) -> None:
    store = {1000: ["x", "y"]}
    _register_fake_section(app, store)
    interaction = make_interaction(app, user=make_member(1000))
    import asyncio

    task = asyncio.create_task(invoke(MyData.delete, MyData(None), interaction))  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    view = interaction.sent[0].view
    assert store  # nothing erased before the click
    stranger = make_interaction(app, user=make_member(2000))
    await click(view.confirm, stranger)
    assert "belong to the member who asked" in stranger.sent[0].text
    await click(view.confirm, make_interaction(app, user=make_member(1000)))
    await task
    assert 1000 not in store
    assert "erased (2 records" in interaction.sent[-1].text


async def test_cancel_erases_nothing(app: App) -> None:
    store = {1000: ["x"]}
    _register_fake_section(app, store)
    interaction = make_interaction(app, user=make_member(1000))
    import asyncio

    task = asyncio.create_task(invoke(MyData.delete, MyData(None), interaction))  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    await click(interaction.sent[0].view.cancel, make_interaction(app, user=make_member(1000)))
    await task
    assert store == {1000: ["x"]}
    assert "Nothing was erased" in interaction.sent[-1].text
