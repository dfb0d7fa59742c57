"""/help's feature buttons and /config show's details menu, as members and admins press them."""

from __future__ import annotations

import discord
import pytest

from bot.local_discord import Driver, LocalDiscord, World
from bot.local_discord.model import Message
from bot.local_discord.options import InputError
from bot.local_discord.permissions import bits
from tests.phone import assert_fits_a_phone

pytestmark = pytest.mark.asyncio(loop_scope="session")


def buttons(message) -> list[str]:
    return [c["label"] for row in message.components for c in row["components"]]


async def test_help_buttons_show_each_features_commands_privately(d: Driver, world: World) -> None:
    shown = await d.run("/help")
    assert shown.reply.ephemeral and "What I can do" in shown.reply.text()
    labels = buttons(shown.reply)
    assert labels[-1] == "General" and {"Moderation", "Server settings"} <= set(labels)
    pages = {label: (await d.click(shown.reply, label)).reply for label in labels}
    for label, page in pages.items():
        assert page.ephemeral and page.embeds[0]["title"] == label
    moderation = pages["Moderation"].text()
    for usage in (
        "/moderation learning",
        "/moderation forget",
        "/moderation automod",
        "Message menu: Teach: spam",
        "Message menu: Report to moderators",
    ):
        assert usage in moderation, usage
    assert "/checkin" in pages["Exercise streaks"].text()


async def test_the_public_help_message_works_for_whoever_presses(
    d: Driver, world: World, local: LocalDiscord
) -> None:
    mention = await d.post("general", "member", f"<@{local.bot_user.id}> help")
    [answer] = [m for m in mention.messages if m.author.id == local.bot_user.id]
    assert answer in d.history("general")
    page = await d.click(answer, "Your data", who="moderator")
    assert page.reply.ephemeral and "/mydata export" in page.reply.text()


async def test_config_show_explains_a_setting_from_its_menu(d: Driver, world: World) -> None:
    await d.run("/config set", {"option": "moderation_threshold", "value": "3.5"}, who="owner")
    shown = await d.run("/config show", who="owner")
    assert "moderation_threshold: 3.5" in shown.reply.text()
    description = "Score at which a message is flagged"
    assert description not in shown.reply.text()  # one tap away
    detail = await d.select(shown.reply, ["moderation_threshold"], who="owner")
    text = detail.reply.text()
    assert detail.reply.ephemeral and description in text
    assert "Now: 3.5" in text and "Default: 3" in text and "Allowed: 0.5 to 50" in text
    assert "/config set option:moderation_threshold" in text
    channel = await d.select(shown.reply, ["moderation_review_channel"], who="owner")
    assert "/config channel option:moderation_review_channel" in channel.reply.text()


async def test_config_set_reset_and_bad_values(d: Driver, world: World, app) -> None:
    bad = await d.run(
        "/config set", {"option": "moderation_threshold", "value": "nan"}, who="owner"
    )
    assert bad.reply.ephemeral and "went wrong" not in bad.reply.text()
    unknown = await d.run("/config set", {"option": "colour_scheme", "value": "blue"}, who="owner")
    assert "no option called `colour_scheme`" in unknown.reply.text()
    await d.run("/config set", {"option": "moderation_threshold", "value": "4"}, who="admin")
    assert await app.config.get(world.guild.id, "moderation_threshold") == 4
    reset = await d.run("/config reset", {"option": "moderation_threshold"}, who="admin")
    assert "back to its default" in reset.reply.text()
    choices = await d.autocomplete("/config set", "option", {"option": "auto"}, who="owner")
    assert "moderation_automod" in [c["value"] for c in choices]


async def test_help_and_config_show_fit_a_phone(d: Driver, world: World) -> None:
    domains = ",".join(f"clinic-{n}.example.org" for n in range(12))
    await d.run(
        "/config set", {"option": "moderation_trusted_domains", "value": domains}, who="owner"
    )
    await d.run(
        "/config channel", {"option": "checkin_channel", "channel": "#checkins"}, who="owner"
    )
    overview = (await d.run("/help")).reply
    assert_fits_a_phone(discord.Embed.from_dict(overview.embeds[0]))
    for title in buttons(overview):
        assert f"{title}: " in overview.text(), title  # one line per feature
    shown = (await d.run("/config show", who="owner")).reply
    assert_fits_a_phone(discord.Embed.from_dict(shown.embeds[0]), lines=40, chars=60)
    assert "moderation_trusted_domains: 12 entries" in shown.text()


async def test_config_autocomplete_keeps_channels_and_values_apart(d: Driver, world: World) -> None:
    channels = {c["value"] for c in await d.autocomplete("/config channel", "option", who="owner")}
    values = {c["value"] for c in await d.autocomplete("/config set", "option", who="owner")}
    assert "moderation_review_channel" in channels and "moderation_threshold" in values
    assert not channels & values


async def test_a_channel_override_denying_manage_server_is_respected(
    d: Driver, world: World, app
) -> None:
    world.add_role("Managers", bits("manage_guild"), above="moderators")
    world.set_roles("moderator", "moderators", "managers")
    world.override("general", "managers", deny=bits("manage_guild"))
    with pytest.raises(InputError, match="access"):  # Discord hides it in this channel
        await d.run(
            "/config set", {"option": "moderation_threshold", "value": "4"}, who="moderator"
        )
    world.allow_command("config", "managers")  # shown anyway: the bot's own check refuses
    refused = await d.run(
        "/config set", {"option": "moderation_threshold", "value": "4"}, who="moderator"
    )
    assert "Manage Server permission" in refused.reply.text()
    assert await app.config.get(world.guild.id, "moderation_threshold") == 3
    allowed = await d.run(
        "/config set",
        {"option": "moderation_threshold", "value": "4"},
        who="moderator",
        where="checkins",
    )
    assert "moderation_threshold is now 4" in allowed.reply.text()
    assert await app.config.get(world.guild.id, "moderation_threshold") == 4


async def test_a_help_button_of_a_retired_feature_says_so(
    d: Driver, world: World, local: LocalDiscord
) -> None:
    """A /help posted by an older version, with a feature this version no longer has."""
    old = Message(
        local.ids.next(),
        world.channel("general").id,
        local.bot_user,
        world.guild.id,
        content="What I can do",
        components=[
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 1, "label": "Polls", "custom_id": "help:polls"}
                ],
            }
        ],
    )
    local.store(old)
    pressed = await d.click(old, "Polls")
    assert "not available any more" in pressed.reply.text() and pressed.reply.ephemeral


@pytest.mark.parametrize("locale", ["es-ES", "de"])
async def test_help_fits_a_phone_in_every_translated_language(
    d: Driver, world: World, locale: str
) -> None:
    d.speak("owner", locale)  # the owner sees every feature
    overview = (await d.run("/help", who="owner")).reply
    assert_fits_a_phone(discord.Embed.from_dict(overview.embeds[0]))
