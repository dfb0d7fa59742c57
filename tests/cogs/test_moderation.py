"""The moderation cog over the real core: scanning, cards, buttons, reports, commands."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.app import App
from bot.moderation.feature import service_of
from cogs._moderation_views import (
    BanConfirmView,
    FlagButton,
    RuleView,
    TimeoutView,
    card_view,
)
from cogs.moderation import Moderation
from tests.helpers import (
    admin_permissions,
    click,
    invoke,
    make_channel,
    make_guild,
    make_interaction,
    make_member,
)

SCAM = "Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp +234 813 555 1234"
REVIEW_ID = 555_000_000_000_000_001
MOD_TOP_ROLE = 10
GENERAL_ID = 555_000_000_000_000_002


class World:
    def __init__(self, app: App) -> None:
        self.app = app
        self.guild = make_guild()
        self.review = make_channel(REVIEW_ID, "mod-review", guild=self.guild)
        self.general = make_channel(GENERAL_ID, "general", guild=self.guild)
        self.card_message = MagicMock(spec=discord.Message)
        self.card_message.id = 777
        self.card_message.edit = AsyncMock()
        self.review.send = AsyncMock(return_value=self.card_message)
        self.partial = MagicMock()
        self.partial.delete = AsyncMock()
        self.partial.edit = AsyncMock()
        for channel in (self.review, self.general):
            channel.get_partial_message = MagicMock(return_value=self.partial)
        channels = {REVIEW_ID: self.review, GENERAL_ID: self.general}
        self.guild.get_channel = MagicMock(side_effect=channels.get)
        self.author = make_member(
            4242,
            "stranger",
            guild=self.guild,
            created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
        self.guild.get_member = MagicMock(return_value=self.author)
        self.guild.ban = AsyncMock()
        self.mod = make_member(
            9, "mod", guild=self.guild, permissions=admin_permissions(), top_role=MOD_TOP_ROLE
        )
        self.member = make_member(10, "member", guild=self.guild)
        bot = MagicMock()
        bot.app = app
        self.cog = Moderation(bot)

    def message(self, text: str, *, author: Any = None, message_id: int = 1001) -> MagicMock:
        message = MagicMock(spec=discord.Message)
        message.id = message_id
        message.content = text
        message.guild = self.guild
        message.channel = self.general
        message.author = author or self.author
        message.mentions = []
        message.mention_everyone = False
        message.embeds = []
        message.attachments = []
        message.poll = None
        message.delete = AsyncMock()
        return message

    def interaction(self, user: Any) -> MagicMock:
        return make_interaction(self.app, user=user, guild=self.guild, message=self.card_message)


@pytest.fixture
async def world(app: App) -> World:
    await app.config.set(1, "moderation_review_channel", str(REVIEW_ID))
    return World(app)


async def flag_scam(world: World) -> int:
    await world.cog.on_message(world.message(SCAM))
    row = await world.app.db.fetchone("SELECT id FROM moderation_flags")
    assert row is not None
    return int(row["id"])


def only_details(view: discord.ui.View | None) -> bool:
    """A decided card keeps only its Details button."""
    assert view is not None
    return [item.custom_id.split(":")[1] for item in view.children] == ["details"]  # type: ignore[attr-defined]


def card_text(embed: discord.Embed) -> str:
    parts = [embed.title or "", embed.description or ""]
    parts += [f"{f.name}: {f.value}" for f in embed.fields]
    return "\n".join(parts)


async def test_scam_posts_card_with_buttons(world: World) -> None:
    flag_id = await flag_scam(world)
    kwargs = world.review.send.await_args.kwargs
    text = card_text(kwargs["embed"])
    for expected in (
        "Flagged message",
        "stranger",
        "account 11 years old",
        f"<#{GENERAL_ID}>",
        "Jump to message",
        "phone number",
        "Open",
    ):
        assert expected in text
    ids = [item.custom_id for item in kwargs["view"].children]
    actions = ("delete", "dismiss", "timeout", "ban", "details")
    assert ids == [f"modflag:{a}:{flag_id}" for a in actions]
    assert kwargs["allowed_mentions"].users is False
    flag = await service_of(world.app).flag(1, flag_id)
    assert flag.card_message_id == 777


async def test_clean_moderator_and_bot_messages_are_ignored(world: World) -> None:
    await world.cog.on_message(world.message("Ocrevus infusion went fine today"))
    await world.cog.on_message(world.message(SCAM, author=world.mod))
    await world.cog.on_message(world.message(SCAM, author=make_member(5, bot=True)))
    world.review.send.assert_not_awaited()


async def test_edit_into_scam_is_flagged(world: World) -> None:
    before = world.message("hello everyone")
    after = world.message(SCAM)
    await world.cog.on_message_edit(before, after)
    world.review.send.assert_awaited_once()


async def test_dynamic_item_round_trip() -> None:
    match = re.fullmatch(FlagButton.__discord_ui_compiled_template__, "modflag:ban:42")
    assert match is not None
    button = await FlagButton.from_custom_id(MagicMock(), MagicMock(), match)
    assert (button.action, button.flag_id) == ("ban", 42)


async def test_delete_needs_permission_then_closes_once(world: World) -> None:
    flag_id = await flag_scam(world)
    denied = world.interaction(world.member)
    await click(FlagButton("delete", flag_id), denied)
    assert denied.sent[0].ephemeral and "Manage Messages" in denied.sent[0].content
    world.partial.delete.assert_not_awaited()

    ok = world.interaction(world.mod)
    await click(FlagButton("delete", flag_id), ok)
    world.partial.delete.assert_awaited_once()
    edit = ok.sent[0]
    assert edit.kind == "edit" and only_details(edit.view)
    assert "Message deleted by <@9>" in edit.text
    assert ok.sent[1].kind == "followup" and "Done" in ok.sent[1].text
    decisions = await world.app.db.fetchall("SELECT action FROM moderation_decisions")
    assert [d["action"] for d in decisions] == ["deleted"]

    again = world.interaction(world.mod)
    await click(FlagButton("dismiss", flag_id), again)
    assert "already handled" in again.sent[0].content


async def test_dismiss_offers_trust_and_learns(world: World) -> None:
    await world.cog.on_message(
        world.message(
            "Great recipes at https://myfoodblog.example.com check out my channel "
            "and https://other.example.org"
        )
    )
    flag_id = int(await world.app.db.fetchval("SELECT id FROM moderation_flags"))
    inter = world.interaction(world.mod)
    await click(FlagButton("dismiss", flag_id), inter)
    offer = inter.sent[1]
    assert isinstance(offer.view, RuleView)
    select = offer.view.children[0]
    labels = [o.label for o in select.options]
    assert "Trust domain: example.com" in labels
    select._values = [str(labels.index("Trust domain: example.com"))]
    choose = world.interaction(world.mod)
    await click(select, choose)
    assert "now a trusted domain" in choose.sent[0].content
    rules = await service_of(world.app).guild_rules(1)
    assert "example.com" in rules.trusted_domains


async def test_timeout_choose_duration(world: World) -> None:
    flag_id = await flag_scam(world)
    inter = world.interaction(world.mod)
    await click(FlagButton("timeout", flag_id), inter)
    view = inter.sent[0].view
    assert isinstance(view, TimeoutView) and inter.sent[0].ephemeral
    select = view.children[0]
    select._values = ["1 day"]
    pick = world.interaction(world.mod)
    await click(select, pick)
    world.author.timeout.assert_awaited_once()
    assert world.author.timeout.await_args.args[0] == dt.timedelta(days=1)
    assert "timed out for 1 day" in pick.sent[0].content
    world.card_message.edit.assert_awaited()
    assert only_details(card_view(await service_of(world.app).flag(1, flag_id)))


async def test_ban_has_confirm_step(world: World) -> None:
    flag_id = await flag_scam(world)
    inter = world.interaction(world.mod)
    await click(FlagButton("ban", flag_id), inter)
    view = inter.sent[0].view
    assert isinstance(view, BanConfirmView)
    world.guild.ban.assert_not_awaited()
    cancel = world.interaction(world.mod)
    await click(view.cancel, cancel)
    world.guild.ban.assert_not_awaited()
    confirm = world.interaction(world.mod)
    await click(view.confirm, confirm)
    world.guild.ban.assert_awaited_once()
    flag = await service_of(world.app).flag(1, flag_id)
    assert flag.status == "banned" and flag.closed_by == 9


async def test_ban_refused_without_ban_permission(world: World) -> None:
    flag_id = await flag_scam(world)
    helper = make_member(
        11, "helper", guild=world.guild, permissions=discord.Permissions(manage_messages=True)
    )
    inter = world.interaction(helper)
    await click(FlagButton("ban", flag_id), inter)
    assert "Ban Members" in inter.sent[0].content


async def test_report_flow_one_card_with_count(world: World) -> None:
    target = world.message("you are all idiots", message_id=3003)
    for reporter_id in (20, 21):
        reporter = make_member(reporter_id, f"r{reporter_id}", guild=world.guild)
        inter = make_interaction(world.app, user=reporter, guild=world.guild)
        await world.cog.report_message(inter, target)
        modal = inter.response.modal
        assert modal is not None
        modal.reason_input._value = "rude"  # what the member typed
        submit = make_interaction(world.app, user=reporter, guild=world.guild)
        await modal.on_submit(submit)
        assert submit.sent[0].ephemeral and "Thank you" in submit.sent[0].text
    assert world.review.send.await_count == 1  # one card, then edited
    world.partial.edit.assert_awaited()
    flag = await service_of(world.app).flag(1, 1)
    assert flag.report_count == 2 and flag.source == "report"
    world.author.send.assert_not_awaited()  # the author is never told


async def test_auto_hide_deletes_and_restore_reposts(world: World) -> None:
    await world.app.config.set(1, "moderation_auto_hide", "on")
    await world.app.config.set(1, "moderation_auto_hide_multiple", "1")
    message = world.message(SCAM)
    await world.cog.on_message(message)
    message.delete.assert_awaited_once()
    view = world.review.send.await_args.kwargs["view"]
    assert view.children[0].custom_id.startswith("modflag:restore:")
    inter = world.interaction(world.mod)
    await click(view.children[0], inter)
    sent = world.general.send.await_args
    assert SCAM in sent.args[0] and "<@4242>" in sent.args[0]
    assert "restored" in inter.sent[0].text.lower()


async def test_commands_need_manage_messages(world: World) -> None:
    denied = world.interaction(world.member)
    await invoke(Moderation.modqueue, world.cog, denied)
    assert "Manage Messages" in denied.sent[0].content
    await flag_scam(world)
    ok = world.interaction(world.mod)
    await invoke(Moderation.modqueue, world.cog, ok)
    assert "1 open" in ok.sent[0].text and ok.sent[0].ephemeral
    stats = world.interaction(world.mod)
    await invoke(Moderation.modstats, world.cog, stats, days=7)
    assert "last 7 days" in stats.sent[0].text
    check = world.interaction(world.mod)
    await invoke(Moderation.check, world.cog, check, text="visit ww w. someclinic. c om")
    assert "dodge" in check.sent[0].text


async def test_cog_load_registers_menu_and_persistent_buttons(app: App) -> None:
    from discord.ext import commands

    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())
    bot.app = app  # type: ignore[attr-defined]
    await bot.add_cog(Moderation(bot))
    menu = bot.tree.get_command("Report to moderators", type=discord.AppCommandType.message)
    assert menu is not None
    assert FlagButton in bot._connection._view_store._dynamic_items.values()
    names = {command.name for command in bot.tree.get_commands()}
    assert {"modqueue", "modstats", "moderation"} <= names
    await bot.remove_cog("Moderation")
    assert bot.tree.get_command("Report to moderators", type=discord.AppCommandType.message) is None


# -- edits of messages outside the cache, through discord.py's own gateway parsing --------------
RAW_GUILD_ID = 424_242_424_242_424_242
SCAMMER_ID = 525_252_525_252_525_252
MOD_ROLE_ID = 626_262_626_262_626_262
EDITED_AT = "2026-11-23T12:00:00.000000+00:00"


class Gateway:
    """A real ConnectionState with one real guild; records what it dispatches."""

    def __init__(self, app: App) -> None:
        self.client = discord.Client(intents=discord.Intents.default())
        self.state = self.client._connection
        everyone = {"id": str(RAW_GUILD_ID), "name": "@everyone", "permissions": "3072"}
        mods = {"id": str(MOD_ROLE_ID), "name": "mods", "permissions": "8192"}  # Manage Messages
        channels = [
            {"id": str(cid), "type": 0, "name": name, "position": i, "permission_overwrites": []}
            for i, (cid, name) in enumerate(((GENERAL_ID, "general"), (REVIEW_ID, "mod-review")))
        ]
        self.guild = discord.Guild(
            data={
                "id": str(RAW_GUILD_ID),
                "name": "MS friends",
                "owner_id": "1",
                "roles": [everyone, mods],
                "channels": channels,
                "member_count": 3,
            },  # type: ignore[typeddict-item]
            state=self.state,
        )
        self.state._add_guild(self.guild)
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        self.sent: list[tuple[discord.TextChannel, dict[str, Any]]] = []  # channel.send calls
        self.edited: list[int] = []  # ids of messages (cards) edited
        self.state.dispatch = lambda event, *args: self.events.append((event, args))  # type: ignore[method-assign]
        bot = MagicMock()
        bot.app = app
        self.cog = Moderation(bot)

    def message_data(
        self, content: str, *, roles: tuple[int, ...] = (), bot: bool = False, edited: bool = True
    ) -> dict[str, Any]:
        author = {
            "id": str(SCAMMER_ID),
            "username": "stranger",
            "discriminator": "0",
            "avatar": None,
        }
        if bot:
            author["bot"] = True  # type: ignore[assignment]
        return {
            "id": "999000000000000001",
            "channel_id": str(GENERAL_ID),
            "guild_id": str(RAW_GUILD_ID),
            "author": author,
            "member": {
                "roles": [str(r) for r in roles],
                "joined_at": "2026-11-20T00:00:00+00:00",
                "flags": 0,
            },
            "content": content,
            "timestamp": "2026-11-23T11:00:00.000000+00:00",
            "edited_timestamp": EDITED_AT if edited else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
        }

    async def deliver(self) -> None:
        """Hand every recorded event to the cog, as the bot's dispatcher would."""
        for event, args in self.events:
            listener = getattr(self.cog, f"on_{event}", None)
            if listener is not None:
                await listener(*args)
        self.events.clear()


@pytest.fixture
async def gateway(app: App, monkeypatch: pytest.MonkeyPatch) -> Gateway:
    await app.config.set(RAW_GUILD_ID, "moderation_review_channel", str(REVIEW_ID))
    gateway = Gateway(app)
    card = MagicMock(spec=discord.Message)
    card.id = 778

    async def send(channel: discord.TextChannel, *args: Any, **kwargs: Any) -> Any:
        gateway.sent.append((channel, kwargs))
        return card

    async def edit(message: discord.PartialMessage, **kwargs: Any) -> None:
        gateway.edited.append(message.id)

    monkeypatch.setattr(discord.TextChannel, "send", send)
    monkeypatch.setattr(discord.PartialMessage, "edit", edit)
    return gateway


async def test_uncached_edit_into_scam_is_flagged_from_gateway_data(gateway: Gateway) -> None:
    gateway.state.parse_message_update(gateway.message_data(SCAM))  # type: ignore[arg-type]
    assert [event for event, _ in gateway.events] == ["raw_message_edit"]  # not in the cache
    await gateway.deliver()
    assert [channel.id for channel, _ in gateway.sent] == [REVIEW_ID]
    assert "Flagged message" in card_text(gateway.sent[0][1]["embed"])
    flag = await service_of(gateway.cog.bot.app).flag(RAW_GUILD_ID, 1)
    assert flag.author_id == SCAMMER_ID and flag.channel_id == GENERAL_ID
    assert flag.content == SCAM and flag.author_joined_at is not None


async def test_uncached_edit_skips_bots_moderators_and_non_edits(gateway: Gateway) -> None:
    for data in (
        gateway.message_data(SCAM, bot=True),
        gateway.message_data(SCAM, roles=(MOD_ROLE_ID,)),
        gateway.message_data(SCAM, edited=False),  # e.g. a link preview arriving
    ):
        gateway.state.parse_message_update(data)  # type: ignore[arg-type]
        await gateway.deliver()
    assert gateway.sent == []
    assert await gateway.cog.bot.app.db.fetchval("SELECT COUNT(*) FROM moderation_flags") == 0


async def test_cached_edit_is_scanned_once(gateway: Gateway) -> None:
    gateway.state.parse_message_create(gateway.message_data("hello everyone", edited=False))  # type: ignore[arg-type]
    await gateway.deliver()
    gateway.state.parse_message_update(gateway.message_data(SCAM))  # type: ignore[arg-type]
    assert [event for event, _ in gateway.events] == ["raw_message_edit", "message_edit"]
    scan = AsyncMock(wraps=gateway.cog.scan)
    gateway.cog.scan = scan  # type: ignore[method-assign]
    await gateway.deliver()
    scan.assert_awaited_once()
    assert scan.await_args.kwargs == {"is_new": False}
    assert len(gateway.sent) == 1 and gateway.edited == []


async def test_update_with_the_dismissed_text_does_not_reopen(gateway: Gateway) -> None:
    service = service_of(gateway.cog.bot.app)
    gateway.state.parse_message_update(gateway.message_data(SCAM))  # type: ignore[arg-type]
    await gateway.deliver()
    await service.act(
        RAW_GUILD_ID, 1, "dismiss", moderator_id=9, permissions=frozenset({"manage_messages"})
    )
    gateway.state.parse_message_update(gateway.message_data(SCAM))  # e.g. the message is pinned
    await gateway.deliver()
    assert (await service.flag(RAW_GUILD_ID, 1)).status == "dismissed"
    gateway.state.parse_message_update(gateway.message_data(SCAM + " ask for the herbal formula"))
    await gateway.deliver()
    assert (await service.flag(RAW_GUILD_ID, 1)).is_open  # a real change still reopens it
