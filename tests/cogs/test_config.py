import discord
import pytest

from bot.app import App
from bot.guild_config import ConfigKey, ConfigKind
from cogs.config import ConfigCog, channel_options, value_options
from tests.helpers import (
    admin_permissions,
    click,
    invoke,
    make_channel,
    make_interaction,
    make_member,
    override_permissions,
)
from tests.phone import assert_fits_a_phone


@pytest.fixture
def cog(app: App) -> ConfigCog:
    # Options of our own, so the tests do not depend on which features declare what.
    app.config.declare(ConfigKey("test_channel", ConfigKind.CHANNEL, None, "A channel", "test"))
    app.config.declare(
        ConfigKey("test_number", ConfigKind.INT, 2, "A number", "test", minimum=0, maximum=9)
    )
    return ConfigCog(bot=None)  # type: ignore[arg-type]


def _admin(app: App):
    return make_interaction(app, user=make_member(permissions=admin_permissions()))


async def test_show_requires_manage_server_server_side(app: App, cog: ConfigCog) -> None:
    interaction = make_interaction(
        app, user=make_member(permissions=discord.Permissions(send_messages=True))
    )
    await invoke(ConfigCog.show, cog, interaction)
    [sent] = interaction.sent
    assert sent.ephemeral
    assert "Manage Server permission" in sent.text


async def test_admin_sets_and_shows(app: App, cog: ConfigCog) -> None:
    interaction = _admin(app)
    await invoke(ConfigCog.set_, cog, interaction, option="test_number", value="7")
    assert "test_number is now 7" in interaction.sent[0].text
    assert await app.config.get(1, "test_number") == 7
    show = _admin(app)
    await invoke(ConfigCog.show, cog, show)
    assert "test_number: 7" in show.sent[0].text
    reset = _admin(app)
    await invoke(ConfigCog.reset, cog, reset, option="test_number")
    assert await app.config.get(1, "test_number") == 2


async def test_channel_option(app: App, cog: ConfigCog) -> None:
    interaction = _admin(app)
    channel = make_channel(555555555555555555)
    await invoke(ConfigCog.channel, cog, interaction, option="test_channel", channel=channel)
    assert "<#555555555555555555>" in interaction.sent[0].text
    assert await app.config.get(1, "test_channel") == 555555555555555555


async def test_unknown_option_and_bad_value_are_friendly(app: App, cog: ConfigCog) -> None:
    interaction = _admin(app)
    await invoke(ConfigCog.set_, cog, interaction, option="colour_scheme", value="blue")
    assert "no option called `colour_scheme`" in interaction.sent[0].text
    assert interaction.sent[0].ephemeral


async def test_value_errors_change_nothing(app: App, cog: ConfigCog) -> None:
    interaction = _admin(app)
    await invoke(ConfigCog.set_, cog, interaction, option="test_number", value="12")
    assert "between 0 and 9" in interaction.sent[0].text
    assert await app.config.get(1, "test_number") == 2


async def test_autocomplete_separates_channels_from_values(app: App, cog: ConfigCog) -> None:
    interaction = _admin(app)
    channel_names = {c.value for c in await channel_options(interaction, "")}
    value_names = {c.value for c in await value_options(interaction, "")}
    assert not channel_names & value_names
    assert "test_channel" in channel_names
    assert "test_number" in value_names


# -- permission checks (issue 11, items 3 and 4) -----------------------------------------------
async def test_plain_member_cannot_set_or_reset(app: App, cog: ConfigCog) -> None:
    await app.config.set(1, "test_number", "5", actor_id=8)
    member = make_member(permissions=discord.Permissions(send_messages=True))
    setting = make_interaction(app, user=member)
    await invoke(ConfigCog.set_, cog, setting, option="test_number", value="1")
    assert "Manage Server permission" in setting.sent[0].text
    resetting = make_interaction(app, user=member)
    await invoke(ConfigCog.reset, cog, resetting, option="test_number")
    assert "Manage Server permission" in resetting.sent[0].text
    assert await app.config.get(1, "test_number") == 5  # untouched


async def test_channel_override_denying_manage_server_is_respected(
    app: App, cog: ConfigCog
) -> None:
    admin = make_member(permissions=admin_permissions())
    channel = make_channel(7)
    override_permissions(channel, admin, discord.Permissions(send_messages=True))
    interaction = make_interaction(app, user=admin, channel=channel)
    await invoke(ConfigCog.set_, cog, interaction, option="test_number", value="1")
    assert "Manage Server permission" in interaction.sent[0].text
    assert await app.config.get(1, "test_number") == 2


async def test_show_lines_fit_a_phone_and_details_are_one_choice_away(
    app: App, cog: ConfigCog
) -> None:
    domains = ",".join(f"clinic-{n}.example.org" for n in range(12))
    await app.config.set(1, "moderation_trusted_domains", domains)
    await app.config.set_value(1, "checkin_channel", 555555555555555555)
    show = _admin(app)
    await invoke(ConfigCog.show, cog, show)
    [embed] = show.sent[0].embeds
    assert_fits_a_phone(embed, lines=40, chars=60)
    assert "moderation_trusted_domains: 12 entries" in show.sent[0].text
    assert "Rest days per rolling" not in show.sent[0].text  # descriptions are one tap away
    select = show.sent[0].view.select
    assert {o.label for o in select.options} >= {"test_number", "moderation_threshold"}
    select._values = ["test_number"]  # what Discord fills in when the admin chooses
    press = _admin(app)
    await click(select, press)
    [detail] = press.sent
    assert detail.ephemeral
    assert "A number" in detail.text and "0 to 9" in detail.text
    assert "/config set option:test_number" in detail.text
