"""Moderation review flow: scan messages, post flag cards, one-click decisions, member reports.

Thin: every decision, permission rule and stored fact lives in ``bot.moderation``; this module
turns Discord events into core calls and renders the result. The card buttons, follow-up views
and the report modal live in ``cogs/_moderation_views.py``.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.errors import UserError
from bot.i18n import N_, _
from bot.moderation.feature import service_of
from bot.moderation.service import ModerationService
from bot.moderation.signals.base import MessageFacts
from bot.moderation.store import Flag
from bot.replies import Reply, Tone
from cogs._language import in_server_language
from cogs._moderation_automod import sync_rule
from cogs._moderation_parts import display_name, message_parts, scanned_text
from cogs._moderation_redaction import CardRedactor
from cogs._moderation_views import (
    FlagButton,
    ReportModal,
    card_embed,
    card_view,
    guild_context,
)
from cogs._permissions import here, require_here
from cogs._ui import respond

log = logging.getLogger(__name__)

#: What /moderation automod did, by what ``sync_automod`` returns.
AUTOMOD_DONE = {
    "off": N_("AutoMod mirroring is off. Turn it on with `/config set moderation_automod on`."),
    "created": N_(
        "Created the AutoMod rule: always-flagged domains and dodged links are now blocked "
        "before anyone sees them."
    ),
    "updated": N_("Updated the AutoMod rule with this server's always-flagged domains."),
    "unchanged": N_("The AutoMod rule is already up to date."),
    "removed": N_("Removed the AutoMod rule (the switch is off)."),
}


class Moderation(commands.Cog):
    """Flags spam and miracle-cure posts for moderators; they decide with one click."""

    feature = "moderation"

    moderation = app_commands.Group(
        name="moderation",
        description="Moderation tools",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.report_menu = app_commands.ContextMenu(
            name="Report to moderators", callback=self.report_message
        )
        self.report_menu.guild_only = True
        self.redactor = CardRedactor(bot)
        # Server learning from any message (Manage Messages): see bot/moderation/learning.py.
        self.teach_menus = [
            app_commands.ContextMenu(name="Teach: spam", callback=self.teach_spam),
            app_commands.ContextMenu(name="Teach: not spam", callback=self.teach_not_spam),
        ]
        for menu in self.teach_menus:
            menu.guild_only = True
            menu.default_permissions = discord.Permissions(manage_messages=True)
        self.context_menus = [self.report_menu, *self.teach_menus]  # listed by /help
        #: The AutoMod spec last synced per server (servers with the switch off: not listed).
        #: Per process: a server lives on one shard, so only its process syncs it (no lease).
        self._automod_synced: dict[int, object] = {}

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(FlagButton)
        self.bot.tree.add_command(self.report_menu)
        for menu in self.teach_menus:
            self.bot.tree.add_command(menu)
        self.redactor.start()
        self.automod_loop.start()

    async def cog_unload(self) -> None:
        self.automod_loop.cancel()
        self.redactor.stop()
        self.bot.remove_dynamic_items(FlagButton)
        self.bot.tree.remove_command(self.report_menu.name, type=self.report_menu.type)
        for menu in self.teach_menus:
            self.bot.tree.remove_command(menu.name, type=menu.type)

    @property
    def service(self) -> ModerationService:
        return service_of(self.bot.app)  # type: ignore[attr-defined]

    # -- scanning ------------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        await self.scan(message, is_new=True)

    @commands.Cog.listener()
    async def on_message_edit(self, before: discord.Message, after: discord.Message) -> None:
        # Also when only the parts changed: Discord adds a link's preview (its embed, whose
        # title and description the linked site controls) in an update after the message.
        if before.content != after.content or message_parts(before) != message_parts(after):
            await self.scan(after, is_new=False)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """Edits of messages no longer in the cache (older, or sent before a restart).

        Scammers post something harmless and edit it later, often after the message has left
        the cache, where ``on_message_edit`` never fires. discord.py builds ``payload.message``
        from the gateway data alone (content, author with their member roles, channel, guild),
        so no API call is needed; ``scan`` then skips bots, moderators and DMs as usual.
        """
        if payload.cached_message is not None:
            return  # on_message_edit handles it, with the old text to compare
        if payload.guild_id is None:
            return  # a DM
        if payload.data.get("edited_timestamp") is None and not payload.data.get("embeds"):
            return  # neither an edit nor a link preview appearing (a pin, say)
        await self.scan(payload.message, is_new=False)

    async def scan(self, message: discord.Message, *, is_new: bool) -> None:
        author = message.author
        if message.guild is None or author.bot:
            return
        perms = getattr(author, "guild_permissions", None)
        if perms is None or perms.manage_messages:
            return  # webhooks and moderators are not scanned
        parts = message_parts(message)
        if not message.content and not parts:
            return
        service = self.service
        facts = MessageFacts(
            text=message.content,
            guild_id=message.guild.id,
            channel_id=message.channel.id,
            author_id=author.id,
            message_id=message.id,
            account_created_at=author.created_at,
            joined_at=getattr(author, "joined_at", None),
            user_mentions=len(message.mentions),
            mentions_everyone=message.mention_everyone,
            now=service.app.clock(),
            is_new=is_new,
            parts=parts,
            display_name=display_name(author),
        )
        outcome = await service.check_message(facts, author_name=str(author))
        if outcome is None:
            return
        if outcome.hide:
            try:
                await message.delete()
            except (discord.Forbidden, discord.NotFound):
                log.warning("Could not auto-hide message %s", message.id)
        await self.post_card(message.guild, outcome.flag)

    async def post_card(self, guild: discord.Guild, flag: Flag) -> None:
        settings = await self.service.guild_settings(guild.id)
        if settings.review_channel_id is None:
            log.info("Flag %s stored; no review channel set in guild %s", flag.id, guild.id)
            return
        channel = guild.get_channel(settings.review_channel_id)
        if channel is None:
            log.warning(
                "Review channel %s of guild %s is gone", settings.review_channel_id, guild.id
            )
            return
        # Claimed while the card is written: a moderator acting right now, or a second report
        # arriving, must not race this edit (buttons back on a closed card, two cards). The card
        # is for the whole team: in the server's language, whoever's message or report it was.
        async with self.service.card_refresh(guild.id, flag.id) as fresh:
            if fresh is None:
                return  # closed or being decided: the moderator's decision renders the card
            with in_server_language(guild):
                embed, view = card_embed(self.service, fresh), card_view(fresh)
            if fresh.card_message_id is not None and fresh.card_channel_id == channel.id:
                try:
                    await channel.get_partial_message(fresh.card_message_id).edit(  # type: ignore[union-attr]
                        embed=embed, view=view
                    )
                    return
                except discord.NotFound:
                    pass  # the card was deleted: post a new one
            sent = await channel.send(  # type: ignore[union-attr]
                embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none()
            )
            await self.service.set_card(fresh.id, channel.id, sent.id)

    # -- Discord AutoMod (optional, /config set moderation_automod on) -------------------------
    async def sync_automod(self, guild: discord.Guild) -> str:
        """Bring the server's AutoMod rule in step with its settings; says what was done."""
        spec = await self.service.automod_spec(guild.id)
        if spec is None and guild.id not in self._automod_synced:
            return "off"
        if self._automod_synced.get(guild.id, ...) == spec:
            return "unchanged"
        done = await sync_rule(guild, spec)
        if spec is None:
            self._automod_synced.pop(guild.id, None)
        else:
            self._automod_synced[guild.id] = spec
        return done

    @tasks.loop(minutes=10)
    async def automod_loop(self) -> None:
        """Picks up the switch and new "always flag" domains without a restart. Each process
        syncs the servers on its own shards (``bot.guilds``): every server once, in one place."""
        for guild in list(self.bot.guilds):
            try:
                await self.sync_automod(guild)
            except discord.HTTPException as error:
                log.warning("AutoMod rule of guild %s not synced: %s", guild.id, error.status)

    @automod_loop.before_loop
    async def _before_automod(self) -> None:
        await self.bot.wait_until_ready()

    @commands.Cog.listener()
    async def on_automod_action(self, execution: discord.AutoModAction) -> None:
        """What AutoMod blocked lands in the same review queue (one card per blocked message)."""
        if execution.action.type is not discord.AutoModRuleActionType.block_message:
            return  # the alert and timeout actions of the same hit would make duplicates
        guild = execution.guild
        member = execution.member
        flag = await self.service.record_automod(
            guild_id=guild.id,
            channel_id=execution.channel_id or 0,
            message_id=execution.message_id,
            author_id=execution.user_id,
            author_name=str(member) if member is not None else str(execution.user_id),
            content=execution.content,
            matched=execution.matched_keyword or execution.matched_content or "",
            rule_name=await self._rule_name(execution),
        )
        if flag is not None:
            await self.post_card(guild, flag)

    async def _rule_name(self, execution: discord.AutoModAction) -> str:
        try:
            return (await execution.fetch_rule()).name
        except discord.HTTPException:
            return f"rule {execution.rule_id}"

    # -- server learning -----------------------------------------------------------------------
    async def teach_spam(self, interaction: discord.Interaction, message: discord.Message) -> None:
        await self.teach(interaction, message, spam=True)

    async def teach_not_spam(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        await self.teach(interaction, message, spam=False)

    async def teach(
        self, interaction: discord.Interaction, message: discord.Message, *, spam: bool
    ) -> None:
        service, guild_id = await guild_context(interaction)
        reply = await service.teach(
            guild_id,
            message.id,
            scanned_text(message),
            spam=spam,
            permissions=here(interaction),
        )
        await respond(interaction, reply, private=True)

    # -- reports -----------------------------------------------------------------------------
    async def report_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        if interaction.guild is None:
            raise UserError(_("Reports work only in a server."))
        if message.author.bot:
            raise UserError(_("That message is from a bot; tell a moderator directly if needed."))
        await interaction.response.send_modal(ReportModal(self, message))

    async def file_report(
        self, interaction: discord.Interaction, message: discord.Message, reason: str
    ) -> None:
        service, guild_id = await guild_context(interaction)
        flag, _created, new_reporter = await service.report(
            guild_id=guild_id,
            channel_id=message.channel.id,
            message_id=message.id,
            author_id=message.author.id,
            author_name=str(message.author),
            content=message.content,
            reporter_id=interaction.user.id,
            reason=reason,
            author_joined_at=getattr(message.author, "joined_at", None),
        )
        if flag.is_open:
            await self.post_card(interaction.guild, flag)  # type: ignore[arg-type]
        body = (
            _("Thank you. The moderators will look at it; the author is not told who reported.")
            if new_reporter
            else _("Thank you; you had already reported this message, so it counts once.")
        )
        await respond(interaction, Reply(body=body, tone=Tone.SUCCESS, private=True))

    # -- commands ------------------------------------------------------------------------------
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # The context menu is for every member; the slash commands are for moderators.
        command = interaction.command
        if command is not None and command.name == self.report_menu.name:
            return True
        require_here(interaction, "manage_messages")
        return True

    @app_commands.command(name="modqueue", description="List open moderation flags")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    async def modqueue(self, interaction: discord.Interaction) -> None:
        service, guild_id = await guild_context(interaction)
        await respond(interaction, await service.queue(guild_id))

    @app_commands.command(
        name="modstats", description="Flags, confirmations and dismissals over time"
    )
    @app_commands.describe(days="How many days back (1 to 365, default 30)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    async def modstats(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30
    ) -> None:
        service, guild_id = await guild_context(interaction)
        await respond(interaction, await service.stats(guild_id, days))

    @moderation.command(
        name="automod",
        description="Sync the optional Discord AutoMod rule now (switch: moderation_automod)",
    )
    async def automod(self, interaction: discord.Interaction) -> None:
        if interaction.guild is None:
            raise UserError(_("This works only in a server."))
        try:
            done = await self.sync_automod(interaction.guild)
        except discord.Forbidden:
            raise UserError(
                _("I need the Manage Server permission to manage an AutoMod rule.")
            ) from None
        await respond(
            interaction, Reply(body=_(AUTOMOD_DONE[done]), tone=Tone.SUCCESS, private=True)
        )

    @moderation.command(
        name="learning", description="What this server has taught the detector so far"
    )
    async def learning(self, interaction: discord.Interaction) -> None:
        service, guild_id = await guild_context(interaction)
        await respond(interaction, await service.learning_status(guild_id))

    @moderation.command(
        name="forget", description="Undo server learning: the shipped model alone decides again"
    )
    @app_commands.describe(confirm="Choose True to forget everything this server taught")
    async def forget(self, interaction: discord.Interaction, confirm: bool = False) -> None:
        service, guild_id = await guild_context(interaction)
        if not confirm:
            raise UserError(
                _(
                    "Nothing was removed. Run `/moderation forget confirm:True` to remove every "
                    "example this server taught (decisions on flags stay recorded)."
                )
            )
        await respond(
            interaction,
            await service.forget_learning(guild_id, here(interaction)),
        )

    @moderation.command(name="check", description="Show whether and why a text would be flagged")
    @app_commands.describe(text="The message text to test")
    async def check(self, interaction: discord.Interaction, text: str) -> None:
        service, guild_id = await guild_context(interaction)
        await respond(interaction, await service.explain_for_guild(guild_id, text))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Moderation(bot))
