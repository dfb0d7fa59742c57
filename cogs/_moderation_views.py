"""Persistent flag-card buttons, the timeout/ban/rule follow-ups and the report modal.

Split from ``cogs/moderation.py`` (which keeps the cog, its listeners and commands); the leading
underscore keeps this module from being loaded as an extension. Card buttons are DynamicItems
whose custom_id carries the flag id, so they keep working after a restart.

Thin: this module only gathers facts from discord.py (permissions in the channel where the
action happens, role positions, the owner) into a ``Standing``; ``ModerationService`` decides,
claims the flag, runs the Discord action passed to it, and records the decision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord

from bot import i18n
from bot.errors import UserError
from bot.i18n import N_, _
from bot.moderation.authority import MEMBER_ACTIONS
from bot.moderation.explain import duration_label
from bot.moderation.feature import service_of
from bot.moderation.service import TIMEOUTS, ModerationService
from bot.moderation.store import Flag
from bot.permissions import require_permission
from cogs._errors import handle_interaction_error
from cogs._language import SpeaksMemberLanguage
from cogs._moderation_facts import Facts, MemberPerform, actor_permissions, channel_of, gather
from cogs._ui import (
    CANCEL_LABEL,
    DynamicItemsView,
    GuardedModal,
    OwnerOnlyView,
    app_of,
    reply_to_embed,
    respond,
)

if TYPE_CHECKING:
    from cogs.moderation import Moderation

log = logging.getLogger(__name__)

BUTTONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "delete": (N_("Delete message"), discord.ButtonStyle.danger),
    "dismiss": (N_("Dismiss (not spam)"), discord.ButtonStyle.secondary),
    "timeout": (N_("Timeout author"), discord.ButtonStyle.primary),
    "ban": (N_("Ban author"), discord.ButtonStyle.danger),
    "restore": (N_("Restore message"), discord.ButtonStyle.success),
    "details": (N_("Details"), discord.ButtonStyle.secondary),
}


class FlagButton(
    SpeaksMemberLanguage,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"modflag:(?P<action>delete|dismiss|timeout|ban|restore|details):"
    r"(?P<flag_id>[0-9]{1,19})",
):
    def __init__(self, action: str, flag_id: int) -> None:
        label, style = BUTTONS[action]
        super().__init__(
            discord.ui.Button(label=_(label), style=style, custom_id=f"modflag:{action}:{flag_id}")
        )
        self.action = action
        self.flag_id = flag_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Button[Any],
        match: Any,
    ) -> FlagButton:
        return cls(match["action"], int(match["flag_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await flag_action(interaction, self.action, self.flag_id)
        except Exception as error:
            await handle_interaction_error(interaction, error)


def card_view(flag: Flag) -> discord.ui.View:
    """Decision buttons while the flag is open; Details always (the record stays readable)."""
    actions: list[str] = []
    if flag.is_open:
        actions = ["restore" if flag.hidden else "delete", "dismiss", "timeout", "ban"]
    return DynamicItemsView([FlagButton(action, flag.id) for action in [*actions, "details"]])


def card_embed(service: ModerationService, flag: Flag) -> discord.Embed:
    return reply_to_embed(service.card(flag))


async def guild_context(interaction: discord.Interaction) -> tuple[ModerationService, int]:
    if interaction.guild is None or interaction.guild_id is None:
        raise UserError(_("This works only in a server."))
    return service_of(app_of(interaction)), interaction.guild_id


# -- the card buttons --------------------------------------------------------------------------
async def flag_action(interaction: discord.Interaction, action: str, flag_id: int) -> None:
    service, guild_id = await guild_context(interaction)
    flag = await service.flag(guild_id, flag_id)
    if action == "details":
        require_permission(actor_permissions(interaction, flag, action), "manage_messages")
        await respond(interaction, service.details(flag), private=True)
        return
    facts = await gather(interaction, flag, action)
    moderator_id = interaction.user.id
    if action in MEMBER_ACTIONS:
        # Refuse at once when the rank or permission is missing; the follow-up checks again.
        flag = await service.check_action(
            guild_id,
            flag_id,
            action,
            moderator_id=moderator_id,
            permissions=facts.permissions,
            standing=facts.standing,
        )
        await _ask_member_action(interaction, action, flag)
        return
    guild = interaction.guild

    async def perform(claimed: Flag) -> str:
        if action == "delete":
            return await _delete_message(guild, claimed)
        if action == "restore":
            return await _restore_message(guild, claimed)
        return ""

    flag = await service.act(
        guild_id,
        flag_id,
        action,
        moderator_id=moderator_id,
        permissions=facts.permissions,
        standing=facts.standing,
        perform=perform,
    )
    with i18n.public():  # the card is the team's: in the server's language
        embed, view = card_embed(service, flag), card_view(flag)
    await interaction.response.edit_message(embed=embed, view=view)
    await _offer_rules(interaction, flag, action)


async def _ask_member_action(interaction: discord.Interaction, action: str, flag: Flag) -> None:
    if action == "timeout":
        await interaction.response.send_message(
            _("How long should {member} be timed out?").format(member=f"<@{flag.author_id}>"),
            view=TimeoutView(interaction.user.id, flag.id, interaction.message),
            ephemeral=True,
        )
        return
    await interaction.response.send_message(
        _("Ban {member} from the server? Their messages of the last day are removed too.").format(
            member=f"<@{flag.author_id}>"
        ),
        view=BanConfirmView(interaction.user.id, flag.id, interaction.message),
        ephemeral=True,
    )


async def _delete_message(guild: Any, flag: Flag) -> str:
    channel = channel_of(guild, flag)
    if channel is None:
        return N_("the channel is gone")  # stored in English, shown translated
    try:
        await channel.get_partial_message(flag.message_id).delete()
    except discord.NotFound:
        return N_("the message was already gone")
    return ""


async def _restore_message(guild: Any, flag: Flag) -> str:
    channel = channel_of(guild, flag)
    if channel is None or not flag.content:
        raise UserError(_("I can't restore it: the channel or the kept text is gone."))
    with i18n.public():  # posted for everyone in that channel
        intro = _(
            "A message from {member}, hidden by mistake and restored by the moderators:"
        ).format(member=f"<@{flag.author_id}>")
    await channel.send(
        f"{intro}\n>>> {flag.content[:1800]}", allowed_mentions=discord.AllowedMentions.none()
    )
    return N_("reposted by the bot")


async def _offer_rules(interaction: discord.Interaction, flag: Flag, action: str) -> None:
    """Dismiss offers "trust this domain/phrase"; Delete offers "always flag this domain"."""
    options: list[tuple[str, str]] = []
    if action == "dismiss":
        options = [("trusted_domain", d) for d in flag.domains]
        options += [("trusted_phrase", p) for p in flag.phrases]
        prompt = _("Dismissed. Should the server trust any of these from now on?")
    elif action == "delete":
        options = [("flag_domain", d) for d in flag.domains]
        prompt = _("Deleted. Should links to any of these domains always be flagged?")
    if not options:
        await interaction.followup.send(_(RECORDED[action]).format(number=flag.id), ephemeral=True)
        return
    view = RuleView(interaction.user.id, flag.id, options[:25])
    await interaction.followup.send(prompt, view=view, ephemeral=True)


#: Said once a decision without follow-up is recorded, one whole sentence per action.
RECORDED = {
    "delete": N_("Done: delete recorded for flag #{number}."),
    "dismiss": N_("Done: dismiss recorded for flag #{number}."),
    "restore": N_("Done: restore recorded for flag #{number}."),
}
RULE_CHOICE_LABELS = {
    "trusted_domain": N_("Trust domain: {value}"),
    "trusted_phrase": N_("Trust phrase: {value}"),
    "flag_domain": N_("Always flag domain: {value}"),
}


class RuleSelect(discord.ui.Select[Any]):
    def __init__(self, flag_id: int, options: list[tuple[str, str]]) -> None:
        super().__init__(
            placeholder=_("Choose what to add (optional)"),
            min_values=1,
            max_values=len(options),
            options=[
                discord.SelectOption(
                    label=_(RULE_CHOICE_LABELS[kind]).format(value=value)[:100], value=str(i)
                )
                for i, (kind, value) in enumerate(options)
            ],
        )
        self.flag_id = flag_id
        self.choices = options

    async def callback(self, interaction: discord.Interaction) -> None:
        service, guild_id = await guild_context(interaction)
        flag = await service.flag(guild_id, self.flag_id)
        permissions = actor_permissions(interaction, flag, "dismiss")  # read at this click
        replies = []
        for index in self.values:
            kind, value = self.choices[int(index)]
            replies.append(
                await service.add_rule(
                    guild_id,
                    kind,
                    value,
                    moderator_id=interaction.user.id,
                    permissions=permissions,
                    flag_id=self.flag_id,
                )
            )
        body = "\n".join(r.body for r in replies)
        await interaction.response.edit_message(content=body, view=None)


class RuleView(OwnerOnlyView):
    def __init__(self, owner_id: int, flag_id: int, options: list[tuple[str, str]]) -> None:
        super().__init__(owner_id, timeout=600)
        self.add_item(RuleSelect(flag_id, options))


async def _edit_card(card: Any, service: ModerationService, flag: Flag) -> None:
    if card is None:
        return
    with i18n.public():  # the card is the team's: in the server's language
        embed, view = card_embed(service, flag), card_view(flag)
    try:
        await card.edit(embed=embed, view=view)
    except discord.HTTPException:
        log.warning("Could not update the card of flag %s", flag.id)


class TimeoutSelect(discord.ui.Select[Any]):
    def __init__(self, flag_id: int, card: Any) -> None:
        super().__init__(
            placeholder=_("Choose a duration"),
            options=[
                discord.SelectOption(label=duration_label(label), value=label) for label in TIMEOUTS
            ],
        )
        self.flag_id = flag_id
        self.card = card

    async def callback(self, interaction: discord.Interaction) -> None:
        label = self.values[0]

        async def perform(flag: Flag, facts: Facts) -> str:
            if facts.target is None:
                raise UserError(_("That member has left the server; nothing to time out."))
            await facts.target.timeout(TIMEOUTS[label], reason=f"Moderation flag #{flag.id}")
            return f"for {label}"  # stored in English, shown translated (explain.py)

        await _member_action(
            interaction,
            "timeout",
            self.flag_id,
            self.card,
            perform,
            lambda author_id: _("Done: {member} is timed out for {duration}.").format(
                member=f"<@{author_id}>", duration=duration_label(label)
            ),
        )


class TimeoutView(OwnerOnlyView):
    def __init__(self, owner_id: int, flag_id: int, card: Any) -> None:
        super().__init__(owner_id, timeout=300)
        self.add_item(TimeoutSelect(flag_id, card))


class BanConfirmView(OwnerOnlyView):
    def __init__(self, owner_id: int, flag_id: int, card: Any) -> None:
        super().__init__(owner_id, timeout=120)
        self.flag_id = flag_id
        self.card = card

    @discord.ui.button(label=N_("Yes, ban"), style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        async def perform(flag: Flag, facts: Facts) -> str:
            await interaction.guild.ban(  # type: ignore[union-attr]
                discord.Object(id=flag.author_id),
                reason=f"Moderation flag #{flag.id}",
                delete_message_seconds=86400,
            )
            return ""

        await _member_action(
            interaction,
            "ban",
            self.flag_id,
            self.card,
            perform,
            lambda author_id: _("Done: {member} is banned.").format(member=f"<@{author_id}>"),
        )

    @discord.ui.button(label=CANCEL_LABEL, style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.edit_message(content=_("Nothing was done."), view=None)


async def _member_action(
    interaction: discord.Interaction,
    action: str,
    flag_id: int,
    card: Any,
    perform: MemberPerform,
    done: Callable[[int], str],
) -> None:
    """Timeout or ban from its follow-up: facts re-read at this click, then ``act``."""
    service, guild_id = await guild_context(interaction)
    flag = await service.flag(guild_id, flag_id)
    facts = await gather(interaction, flag, action)
    author_id = flag.author_id  # before the decision, which may anonymise the flag

    async def run(claimed: Flag) -> str:
        return await perform(claimed, facts)

    flag = await service.act(
        guild_id,
        flag_id,
        action,
        moderator_id=interaction.user.id,
        permissions=facts.permissions,
        standing=facts.standing,
        perform=run,
    )
    await interaction.response.edit_message(content=done(author_id), view=None)
    await _edit_card(card, service, flag)


class ReportModal(GuardedModal, title=N_("Report to moderators")):
    # A Label wraps the input: the label argument of TextInput is deprecated since 2.6.
    reason: discord.ui.Label[ReportModal] = discord.ui.Label(
        text=N_("What is wrong with it? (optional)"),
        component=discord.ui.TextInput(
            style=discord.TextStyle.paragraph, required=False, max_length=300
        ),
    )

    def __init__(self, cog: Moderation, message: discord.Message) -> None:
        super().__init__()
        self.cog = cog
        self.message = message

    @property
    def reason_input(self) -> discord.ui.TextInput[ReportModal]:
        text_input = self.reason.component
        assert isinstance(text_input, discord.ui.TextInput)
        return text_input

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.file_report(interaction, self.message, str(self.reason_input.value or ""))
