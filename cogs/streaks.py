"""/streak and /checkin: thin Discord front end of ``bot.streaks``.

The reminder scheduler lives here only as a loop and a DM transport: the claim and the
concurrent, rate-limited sender are in the core (``bot.streaks.reminders`` and ``.delivery``).
Reminder and pinned buttons are DynamicItems (in ``cogs/_streaks_views.py``), registered in
``cog_load``, so they keep working after a restart.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import i18n
from bot.discord_bot import retry_after
from bot.errors import UserError
from bot.i18n import _
from bot.replies import Reply, Tone
from bot.streaks import rules, zones
from bot.streaks.community import PIN_TEXT
from bot.streaks.delivery import (
    DmClosedError,
    ReminderSender,
    RetryLaterError,
    UnknownChannelError,
)
from bot.streaks.feature import streaks_of
from bot.streaks.reminders import DueReminder
from cogs._language import in_server_language
from cogs._permissions import require_here
from cogs._streaks_views import (
    DYNAMIC_ITEMS,
    MovedButton,
    RestButton,
    SnoozeButton,
    announce,
    pin_view,
    reminder_view,
    send_outcome,
    streaks_for,
)
from cogs._ui import (
    CONFIRM_DELETE_STREAK_HISTORY,
    CONFIRM_JOIN,
    ask_to_confirm,
    reply_to_embed,
    respond,
)

log = logging.getLogger(__name__)

__all__ = ["CheckinCog", "MovedButton", "RestButton", "SnoozeButton", "StreakCog", "announce"]

#: The reminders' share of the bot's request budget (``bot.discord_bot``): 100,000 reminders
#: due in one minute all leave within 53 minutes, and the rest of the budget stays free.
REMINDER_REQUESTS_PER_SECOND = 32
SUMMARY_CHECK_MINUTES = 60


async def zone_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=z, value=z) for z in zones.search_zones(current)]


async def activity_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return _suggestions(rules.ACTIVITIES, current)


def _suggestions(words: tuple[str, ...], current: str) -> list[app_commands.Choice[str]]:
    """Suggested words in the member's language (stored in English, the key)."""
    needle = current.lower()
    choices = [(rules.choice_label(w), w) for w in words]
    return [
        app_commands.Choice(name=label, value=word)
        for label, word in choices
        if needle in label.lower() or needle in word
    ][:25]


async def reason_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return _suggestions(rules.REST_REASONS, current)


class DiscordDms:
    """Reminder DMs through discord.py: one request each when the DM channel is known."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def open_dm(self, user_id: int) -> int:
        try:
            with delivery_errors():
                channel = await self.bot.create_dm(discord.Object(user_id))
        except UnknownChannelError as exc:  # the account is gone: nobody left to remind
            raise DmClosedError() from exc
        return channel.id

    async def send(self, channel_id: int, reminder: DueReminder) -> None:
        channel = self.bot.get_partial_messageable(channel_id, type=discord.ChannelType.private)
        with i18n.using(reminder.language):  # no interaction here: the remembered language
            embed = reply_to_embed(Reply(title=_("Daily check-in"), body=reminder.text))
            view = reminder_view(reminder.user_id)
        with delivery_errors():
            await channel.send(embed=embed, view=view)


@contextlib.contextmanager
def delivery_errors() -> Iterator[None]:
    """discord.py's failures as what the sender does about them (an error nothing can fix is
    raised as it is, and logged by the sender)."""
    try:
        yield
    except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
        error = delivery_error(exc)
        if error is None:
            raise
        raise error from exc


def delivery_error(exc: BaseException) -> Exception | None:
    """What a failed DM means: closed, gone, worth retrying, or (None) a real error."""
    if isinstance(exc, discord.Forbidden):
        return DmClosedError()
    if isinstance(exc, discord.NotFound):
        return UnknownChannelError()
    if isinstance(exc, discord.RateLimited):
        return RetryLaterError(exc.retry_after)
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return RetryLaterError(retry_after(exc))
        return RetryLaterError() if exc.status >= 500 else None
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        return RetryLaterError()
    return None


class StreakCog(commands.GroupCog, group_name="streak", group_description="Exercise streaks"):
    feature = "streaks"

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        app = self.bot.app  # type: ignore[attr-defined]
        self.reminder_loop.change_interval(seconds=app.settings.reminder_tick_seconds)
        self.reminder_loop.start()
        self.summary_loop.start()

    async def cog_unload(self) -> None:
        self.reminder_loop.cancel()
        self.summary_loop.cancel()
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    # -- scheduler -------------------------------------------------------------------------
    @tasks.loop(seconds=60)
    async def reminder_loop(self) -> None:
        try:
            await self.send_due_reminders()
        except Exception:  # an error would stop discord.py's loop, and every later reminder
            log.exception("Sending reminders failed; trying again at the next tick")

    @reminder_loop.before_loop
    async def _before_reminders(self) -> None:
        await self.bot.wait_until_ready()

    async def send_due_reminders(self) -> int:
        """Claim and DM every due reminder, concurrently within the reminders' rate share;
        returns DMs sent."""
        s = streaks_of(self.bot.app)  # type: ignore[attr-defined]
        budget = self.bot.rate_budget  # type: ignore[attr-defined]
        share = budget.share("reminders", REMINDER_REQUESTS_PER_SECOND, burst=4)
        return (await ReminderSender(s.reminders, DiscordDms(self.bot), share).drain()).sent

    @tasks.loop(minutes=SUMMARY_CHECK_MINUTES)
    async def summary_loop(self) -> None:
        await self.post_weekly_summaries()

    @summary_loop.before_loop
    async def _before_summary(self) -> None:
        await self.bot.wait_until_ready()

    async def post_weekly_summaries(self) -> None:
        """Each bot process posts for the servers on its own shards (a server lives on one
        shard); the claim in the database is a compare-and-set, so even two processes that
        both see a server (a shard moving between them) post its summary once."""
        app = self.bot.app  # type: ignore[attr-defined]
        for guild in self.bot.guilds:
            channel_id = await app.config.get(guild.id, "checkin_channel")
            channel = guild.get_channel(int(channel_id)) if channel_id else None
            if not isinstance(channel, discord.abc.Messageable):
                continue
            summary = await self._weekly_summary(guild)
            if summary is None:
                continue
            with contextlib.suppress(discord.HTTPException):
                await channel.send(
                    embed=reply_to_embed(summary), allowed_mentions=discord.AllowedMentions.none()
                )

    async def _weekly_summary(self, guild: discord.Guild) -> Reply | None:
        community = streaks_of(self.bot.app).community  # type: ignore[attr-defined]
        with in_server_language(guild):  # posted for everyone: the server's language
            return await community.claim_weekly_summary(guild.id)

    # -- commands --------------------------------------------------------------------------
    @app_commands.command(name="join", description="Start tracking your streak (opt-in)")
    @app_commands.describe(
        zone="Your time zone, like Europe/Paris",
        reminder="Optional daily reminder around HH:MM (add 'exactly' for that very minute)",
    )
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def join(
        self, interaction: discord.Interaction, zone: str, reminder: str | None = None
    ) -> None:
        s = streaks_for(interaction)
        preview = s.core.join_preview(zone, reminder)[2]  # validate before asking
        if not await ask_to_confirm(interaction, preview, CONFIRM_JOIN):
            return
        guild_id = interaction.guild_id or 0
        await respond(interaction, await s.core.join(interaction.user.id, guild_id, zone, reminder))

    @app_commands.command(name="rest", description="Declare a rest day (today or yesterday)")
    @app_commands.describe(reason="Why (optional)", day="Today, or yesterday")
    @app_commands.autocomplete(reason=reason_autocomplete)
    @app_commands.choices(
        day=[
            app_commands.Choice(name="today", value="today"),
            app_commands.Choice(name="yesterday", value="yesterday"),
        ]
    )
    async def rest(
        self,
        interaction: discord.Interaction,
        reason: app_commands.Range[str, 1, rules.MAX_REASON_CHARS] | None = None,
        day: str = "today",
    ) -> None:
        outcome = await streaks_for(interaction).core.rest(
            interaction.user.id, reason, yesterday=day == "yesterday"
        )
        await send_outcome(interaction, outcome)

    @app_commands.command(name="pause", description="Pause your streak and reminders (1-8 weeks)")
    @app_commands.describe(weeks="How many weeks, 1 to 8")
    async def pause(self, interaction: discord.Interaction, weeks: int = 1) -> None:
        await respond(
            interaction, await streaks_for(interaction).core.pause(interaction.user.id, weeks)
        )

    @app_commands.command(name="resume", description="End your pause")
    async def resume(self, interaction: discord.Interaction) -> None:
        await respond(interaction, await streaks_for(interaction).core.resume(interaction.user.id))

    @app_commands.command(name="status", description="Your streak and the last 8 weeks")
    async def status(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await streaks_for(interaction).core.status(interaction.user.id)
        try:
            await respond(interaction, reply)
        finally:
            if reply.image_path is not None:
                reply.image_path.unlink(missing_ok=True)

    @app_commands.command(
        name="board", description="Active days in the last 7 days (public members)"
    )
    @app_commands.guild_only()
    async def board(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await respond(
            interaction, await streaks_for(interaction).community.board(interaction.guild_id)
        )

    @app_commands.command(name="settings", description="Show or change your streak settings")
    @app_commands.describe(
        public="Show you on the board and celebrate milestones in the channel",
        reminder="Daily reminder around HH:MM ('19:30 exactly' for that very minute), or off",
        day_end_hour="When your day ends: 0 (midnight) to 4 am",
        zone="Your time zone",
    )
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def settings(
        self,
        interaction: discord.Interaction,
        public: bool | None = None,
        reminder: str | None = None,
        day_end_hour: int | None = None,
        zone: str | None = None,
    ) -> None:
        s = streaks_for(interaction)
        if public is None and reminder is None and day_end_hour is None and zone is None:
            reply = s.account.show(await s.core.require_member(interaction.user.id))
        else:
            reply = await s.account.update(
                interaction.user.id,
                public=public,
                reminder=reminder,
                day_end_hour=day_end_hour,
                zone=zone,
            )
        await respond(interaction, reply)

    @app_commands.command(name="leave", description="Stop tracking; optionally delete history")
    async def leave(self, interaction: discord.Interaction) -> None:
        s = streaks_for(interaction)
        stopped = await s.account.leave(interaction.user.id)
        if await ask_to_confirm(interaction, stopped, CONFIRM_DELETE_STREAK_HISTORY):
            await respond(interaction, await s.account.leave(interaction.user.id, delete=True))

    @app_commands.command(name="pin", description="Post the 'I moved today' button (Manage Server)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def pin(self, interaction: discord.Interaction) -> None:
        require_here(interaction, "manage_guild")
        assert interaction.guild is not None
        channel_id = await streaks_for(interaction).community.pin_channel(interaction.guild.id)
        channel = interaction.guild.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise UserError(
                _("I can't see the check-in channel. Check its permissions or choose another.")
            )
        with i18n.public():  # the pinned message is for everyone: the server's language
            embed, view = reply_to_embed(Reply(body=_(PIN_TEXT))), pin_view()
        await channel.send(embed=embed, view=view)
        await respond(
            interaction,
            Reply(
                body=_("Posted the check-in button in <#{channel}>.").format(channel=channel_id),
                tone=Tone.SUCCESS,
            ),
        )


class CheckinCog(commands.Cog):
    feature = "streaks"

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="checkin", description="Check in: you moved today")
    @app_commands.describe(
        minutes="Minutes, 1 to 600 (optional: moving at all counts)",
        activity="What you did (optional)",
        note="A short note for yourself (optional, up to 300 characters)",
    )
    @app_commands.autocomplete(activity=activity_autocomplete)
    async def checkin(
        self,
        interaction: discord.Interaction,
        minutes: int | None = None,
        activity: str | None = None,
        note: app_commands.Range[str, 1, rules.MAX_NOTE_CHARS] | None = None,
    ) -> None:
        outcome = await streaks_for(interaction).core.checkin(
            interaction.user.id, minutes, activity, note
        )
        await send_outcome(interaction, outcome)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(StreakCog(bot))
    await bot.add_cog(CheckinCog(bot))
