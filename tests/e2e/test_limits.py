"""Discord's limits: the local Discord enforces them, and the bot stays inside them.

The first tests send over-limit payloads with the bot's own discord.py objects and check the
answer is Discord's error JSON naming the field. The others drive the bot to its extremes (the
longest article, a flag with every reason, /help with every command); the ``world`` fixture then
fails the test if Discord refused anything the bot sent.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp
import discord
import pytest

from bot.articles.feature import service_of
from bot.articles.importer import import_folder
from bot.local_discord import Driver, LocalDiscord, World
from bot.local_discord.runner import RunningBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _refused(local: LocalDiscord, send) -> discord.HTTPException:
    with pytest.raises(discord.HTTPException) as caught:
        await send()
    local.take_rejected()
    return caught.value


def _embed(**fields: object) -> dict:
    return {"type": "rich", **fields}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [_embed(title="t")] * 11}, "embeds"),
        ({"embeds": [_embed(title="x" * 257)]}, "embeds.0.title"),
        ({"embeds": [_embed(description="x" * 4097)]}, "embeds.0.description"),
        ({"embeds": [_embed(footer={"text": "x" * 2049})]}, "embeds.0.footer.text"),
        (
            {"embeds": [_embed(fields=[{"name": "n", "value": "x" * 1025}])]},
            "embeds.0.fields.0.value",
        ),
        (
            {"embeds": [_embed(fields=[{"name": "x" * 257, "value": "v"}])]},
            "embeds.0.fields.0.name",
        ),
        ({"embeds": [_embed(description="x" * 4000)] * 2}, "embeds"),
        (
            {
                "content": "x",
                "components": [
                    {
                        "type": 1,
                        "components": [{"type": 2, "style": 1, "label": "ok", "custom_id": "a"}],
                    }
                ]
                * 6,
            },
            "components",
        ),
    ],
)
async def test_message_limits_answer_invalid_form_body(
    local: LocalDiscord, world: World, payload: dict, field: str
) -> None:
    await assert_form_error(
        local, f"/channels/{world.channel('general').id}/messages", payload, field
    )


async def assert_form_error(local: LocalDiscord, path: str, body: dict, field: str) -> None:
    """POST ``body`` with the bot's token: Discord's 50035 naming ``field`` comes back."""
    headers = {"Authorization": f"Bot {local.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(local.api_base + path, json=body, headers=headers) as answer,
    ):
        error = await answer.json()
    local.take_rejected()
    assert answer.status == 400 and error["code"] == 50035
    assert error["message"] == "Invalid Form Body"
    node = error["errors"]
    for part in field.split("."):
        node = node[part]
    assert node["_errors"][0]["message"]


async def test_the_bots_error_path_sees_discords_message(
    local: LocalDiscord, running: RunningBot, world: World
) -> None:
    channel = running.bot.get_channel(world.channel("general").id)
    embed = discord.Embed().add_field(name="n", value="x" * 1025)
    error = await _refused(local, lambda: channel.send(embed=embed))
    assert error.code == 50035 and "In embeds.0.fields.0.value: Must be 1024" in str(error)
    error = await _refused(local, lambda: channel.send(""))  # nothing to send
    assert error.code == 50006


async def test_component_and_field_count_limits(
    local: LocalDiscord, running: RunningBot, world: World
) -> None:
    channel = running.bot.get_channel(world.channel("general").id)
    too_many = discord.Embed()
    for n in range(26):
        too_many.add_field(name=str(n), value="v")
    error = await _refused(local, lambda: channel.send(embed=too_many))
    assert "In embeds.0.fields:" in str(error)

    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="x" * 81, custom_id="a"))
    view.add_item(discord.ui.Button(label="ok", custom_id="b" * 101))
    error = await _refused(local, lambda: channel.send("hi", view=view))
    assert "components.0.components.0.label" in str(error)
    assert "components.0.components.1.custom_id" in str(error)

    select = discord.ui.View()
    select.add_item(
        discord.ui.Select(options=[discord.SelectOption(label=str(n)) for n in range(25)])
    )
    select.children[0].options.append(discord.SelectOption(label="26"))  # type: ignore[attr-defined]
    error = await _refused(local, lambda: channel.send("pick", view=select))
    assert "components.0.components.0.options" in str(error)


async def test_one_response_per_interaction_and_token_checks(
    d: Driver, local: LocalDiscord
) -> None:
    shown = await d.run("/help")
    pending = shown.pending
    url = f"{local.api_base}/interactions/{pending.id}/{pending.token}/callback"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as answer:
            assert answer.status == 400 and (await answer.json())["code"] == 40060
        async with session.post(url.replace(pending.token, "nope"), json={"type": 4}) as answer:
            assert answer.status == 404 and (await answer.json())["code"] == 10062
    local.timing.token_lifetime, saved = 0.0, local.timing.token_lifetime
    try:
        hook = f"{local.api_base}/webhooks/{local.application_id}/{pending.token}"
        async with (
            aiohttp.ClientSession() as session,
            session.post(hook, json={"content": "late"}) as answer,
        ):
            assert answer.status == 401 and (await answer.json())["code"] == 50027
    finally:
        local.timing.token_lifetime = saved
    local.take_rejected()


async def test_the_bot_cannot_ban_the_owner_or_outrank_an_admin(
    local: LocalDiscord, running: RunningBot, world: World
) -> None:
    guild = running.bot.get_guild(world.guild.id)
    for persona in ("owner", "admin"):
        error = await _refused(local, lambda p=persona: guild.ban(discord.Object(world.user(p).id)))
        assert isinstance(error, discord.Forbidden) and error.code == 50013
    member = await guild.fetch_member(world.user("admin").id)
    error = await _refused(local, lambda: member.timeout(discord.utils.utcnow()))
    assert error.code == 50013


async def test_the_longest_article_stays_inside_every_limit(d: Driver, app, tmp_path: Path) -> None:
    from bot.articles.models import MAX_BODY, MAX_SUMMARY, MAX_TAGS, MAX_TITLE

    part = "## Part {n}\n" + "Gentle exercise helps many people with MS. " * 60
    body = "\n\n".join(part.format(n=n) for n in range(MAX_BODY // len(part)))[: MAX_BODY - 10]
    takeaways = "\n".join(f"  - Takeaway number {n} " + "is long " * 30 for n in range(30))
    tags = ", ".join(f"tag{n}" for n in range(MAX_TAGS))
    title = ("A very long title about weakness " * 10)[:MAX_TITLE].strip()
    summary = ("A summary that goes on and on. " * 40)[:MAX_SUMMARY].strip()
    (tmp_path / "longest.md").write_text(
        "---\nslug: the-longest-article\n"
        f"title: {title}\nsummary: {summary}\n"
        f"takeaways:\n{takeaways}\ntags: [{tags}]\nlast_reviewed: 2026-11-01\n"
        f"url: https://example.org/{'x' * 300}\n---\n{body}\n"
    )
    report = await import_folder(service_of(app), tmp_path)
    assert not report.failures, report.failures
    shown = await d.run("/article show", {"article": "the-longest-article"})
    page = shown.reply
    for _ in range(3):
        page = (await d.click(page, "Next page")).reply
    await d.run("/article share", {"article": "the-longest-article"})
    await d.run("/article search", {"query": "gentle exercise weakness"})
    await d.run("/article list")
    # The world fixture fails the test if Discord refused any of these payloads.


async def test_a_flag_with_every_reason_fits_on_its_card(d: Driver, world: World) -> None:
    await d.run(
        "/config channel",
        {"option": "moderation_review_channel", "channel": "#mod-review"},
        who="owner",
    )
    text = (
        "PROVEN herbal cure that reversed my MS!!! Dr Ogala's natural formula healed me, "
        "contact him on WhatsApp +2348012345678 or drogala (at) gmail (dot) com, "
        "visit ww w. herbalcure. c om and bit.ly/abc123 or discord.gg/freecure, "
        "telegram @herbdoc, free gift for the first 10, click here now, 100% guaranteed, "
        "stem cell clinic, no prescription needed, my husband's MS was cured by his herbs. "
    ) * 4
    await d.post("general", "member", text[:2000])
    review = world.channel("mod-review")
    card = await d.wait_for(lambda m: m.channel_id == review.id and "Flagged" in m.text())
    assert "Why" in card.text()


async def test_help_lists_every_command_the_bot_synced(d: Driver, local: LocalDiscord) -> None:
    shown = await d.run("/help")  # an overview; each feature's button shows its commands
    buttons = [c["label"] for row in shown.reply.components for c in row["components"]]
    pages = [await d.click(shown.reply, label) for label in buttons]
    text = "\n".join(page.reply.text() for page in pages)
    for command in local.commands.get(None, []):
        subs = [o for o in command.data.get("options") or [] if o["type"] == 1]
        names = [f"/{command.name} {o['name']}" for o in subs] or [command.name]
        for name in names:
            assert name in text, name
    mention = await d.post("general", "member", f"<@{local.bot_user.id}> help")
    [answer] = [m for m in mention.messages if m.author.id == local.bot_user.id]
    assert "What I can do" in answer.text()
    ordinary = await d.post("general", "member", "good morning everyone, rough night with spasms")
    assert [m.author.id for m in ordinary.messages] == [d.user("member").id]  # no answer


def _keyword_rule(**changes: object) -> dict:
    rule: dict = {
        "name": "Links",
        "event_type": 1,
        "trigger_type": 1,
        "trigger_metadata": {"keyword_filter": ["*scam.example*"], "regex_patterns": []},
        "actions": [{"type": 1, "metadata": {"custom_message": "Blocked."}}],
        "enabled": True,
    }
    for key, value in changes.items():
        if key in ("keyword_filter", "regex_patterns"):
            rule["trigger_metadata"][key] = value
        else:
            rule[key] = value
    return rule


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_keyword_rule(name="x" * 101), "name"),
        (_keyword_rule(keyword_filter=["k" * 61]), "trigger_metadata.keyword_filter.0"),
        (_keyword_rule(regex_patterns=["a"] * 11), "trigger_metadata.regex_patterns"),
        (_keyword_rule(regex_patterns=["a" * 261]), "trigger_metadata.regex_patterns.0"),
        (_keyword_rule(regex_patterns=["(unclosed"]), "trigger_metadata.regex_patterns.0"),
        (
            _keyword_rule(actions=[{"type": 1, "metadata": {"custom_message": "x" * 151}}]),
            "actions.0.metadata.custom_message",
        ),
        (_keyword_rule(actions=[]), "actions"),
        (_keyword_rule(event_type=9), "event_type"),
    ],
)
async def test_automod_rule_limits_answer_invalid_form_body(
    local: LocalDiscord, world: World, body: dict, field: str
) -> None:
    from bot.local_discord.permissions import bits
    from bot.local_discord.world import BOT_ROLE

    world.edit_role("bot", BOT_ROLE | bits("manage_guild"))
    await assert_form_error(local, f"/guilds/{world.guild.id}/auto-moderation/rules", body, field)
    assert not world.guild.automod_rules


async def test_automod_rules_need_manage_server_and_a_free_slot(
    local: LocalDiscord, running: RunningBot, world: World
) -> None:
    from bot.local_discord.permissions import bits
    from bot.local_discord.world import BOT_ROLE

    guild = running.bot.get_guild(world.guild.id)
    trigger = discord.AutoModTrigger(keyword_filter=["*scam.example*"])
    action = [discord.AutoModRuleAction(custom_message="Blocked.")]

    async def create(n: int) -> discord.AutoModRule:
        return await guild.create_automod_rule(
            name=f"rule {n}",
            event_type=discord.AutoModRuleEventType.message_send,
            trigger=trigger,
            actions=action,
        )

    error = await _refused(local, lambda: create(0))
    assert isinstance(error, discord.Forbidden) and error.code == 50013
    world.edit_role("bot", BOT_ROLE | bits("manage_guild"))
    for n in range(6):  # Discord allows 6 keyword rules a server
        await create(n)
    error = await _refused(local, lambda: create(6))
    assert error.code == 50035 and "trigger_type" in str(error)
    rule = await guild.fetch_automod_rule(next(iter(world.guild.automod_rules)))
    await rule.delete()
    error = await _refused(local, lambda: guild.fetch_automod_rule(rule.id))
    assert isinstance(error, discord.NotFound)


async def test_command_permission_overrides_are_read_as_discord_answers_them(
    local: LocalDiscord, running: RunningBot, world: World
) -> None:
    tree = running.bot.tree
    world.add_role("Helpers")
    world.allow_command("config", "helpers")
    guild = discord.Object(world.guild.id)
    [config] = [c for c in await tree.fetch_commands() if c.name == "config"]
    permissions = await config.fetch_permissions(guild)
    [entry] = permissions.permissions
    assert entry.target.id == world.roles["helpers"].id and entry.permission
    [modqueue] = [c for c in await tree.fetch_commands() if c.name == "modqueue"]
    error = await _refused(local, lambda: modqueue.fetch_permissions(guild))
    assert isinstance(error, discord.NotFound) and error.code == 10066


async def test_a_route_this_discord_lacks_is_reported_as_a_gap(
    local: LocalDiscord, world: World
) -> None:
    url = f"{local.api_base}/guilds/{world.guild.id}/webhooks"
    headers = {"Authorization": f"Bot {local.token}"}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as answer:
        assert answer.status == 404
    gaps, local.internal_errors[:] = list(local.internal_errors), []
    assert gaps == [f"unknown route: GET /api/v10/guilds/{world.guild.id}/webhooks"]
