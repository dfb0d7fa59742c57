"""Who may do what to whom: the one decision behind every moderation button and menu.

Pure: the cog gathers the facts from discord.py objects (the actor's permissions in the channel
where the action happens, top-role positions, the owner's id) and this module decides. It is
called when a button is pressed AND again when its follow-up (timeout menu, ban confirm) is
used, so a permission or role lost in between counts.

Discord's own rule for acting on a member: the actor's highest role must be above the target's
(the server owner excepted), and so must the bot's, since the bot does the act. On top of that,
the bot never bans or times out a moderator or the owner (that is for the team to settle), and
never acts on an author it does not know (erased on request, or removed after retention).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, _
from bot.permissions import permission_label, permission_refusal

#: action -> (status it closes the flag with, permission the acting member needs)
ACTIONS: dict[str, tuple[str, str]] = {
    "delete": ("deleted", "manage_messages"),
    "dismiss": ("dismissed", "manage_messages"),
    "timeout": ("timed_out", "moderate_members"),
    "ban": ("banned", "ban_members"),
    "restore": ("restored", "manage_messages"),
}
#: Actions on the author as a member of the server (not on their message).
MEMBER_ACTIONS = frozenset({"timeout", "ban"})
#: What the bot itself needs to carry an action out (Dismiss touches nothing on Discord).
BOT_NEEDS: dict[str, str] = {
    "delete": "manage_messages",
    "restore": "send_messages",
    "timeout": "moderate_members",
    "ban": "ban_members",
}


@dataclass(frozen=True)
class Standing:
    """Role facts about the actor, the bot and the target, as Discord reports them now."""

    owner_id: int
    actor_top_role: int
    bot_top_role: int
    #: None when the target is not (or no longer) a member of the server.
    target_top_role: int | None
    target_is_moderator: bool
    #: The bot's own permissions where the action happens; None when unknown.
    bot_permissions: frozenset[str] | None = None


@dataclass(frozen=True)
class ActionFacts:
    action: str
    actor_id: int
    #: The flagged message's author; 0 or None when erased or unknown.
    target_id: int | None
    #: The actor's permissions in the channel where the action happens.
    permissions: frozenset[str]
    #: None where the caller has no server to read roles from (the core driven without
    #: Discord): member actions are refused, and the refusal points to the card in Discord.
    standing: Standing | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    #: Shown to the moderator when refused: what is wrong and, where possible, what to do.
    reason: str = ""


ALLOW = Decision(True)


def decide(facts: ActionFacts) -> Decision:
    """Allow, or refuse with a reason the button shows. Checks run from cheapest to subtlest."""
    if facts.action not in ACTIONS:
        return Decision(False, _("Unknown action `{action}`.").format(action=facts.action[:20]))
    refusal = permission_refusal(facts.permissions, ACTIONS[facts.action][1])
    if refusal is not None:
        return Decision(False, refusal)
    standing = facts.standing
    if standing is not None and standing.bot_permissions is not None:
        needed = BOT_NEEDS.get(facts.action)
        if needed and not (
            needed in standing.bot_permissions or "administrator" in standing.bot_permissions
        ):
            return Decision(
                False,
                _(
                    "I need the {permission} permission here to do that. Ask a server admin to "
                    "grant it to the bot's role."
                ).format(permission=permission_label(needed)),
            )
    if facts.action in MEMBER_ACTIONS:
        return _member_action(facts)
    return ALLOW


#: Why a ban or a timeout is refused: one whole sentence per action (ban, timeout).
_REFUSALS = {
    "no_identity": (
        N_(
            "I can't ban the author: their identity was removed (erased on request or after the "
            "retention period). Delete or dismiss the message instead."
        ),
        N_(
            "I can't time out the author: their identity was removed (erased on request or "
            "after the retention period). Delete or dismiss the message instead."
        ),
    ),
    "offline": (
        N_("To ban someone, use the button on the card in Discord."),
        N_("To time out someone, use the button on the card in Discord."),
    ),
    "self": (N_("You can't ban yourself."), N_("You can't time out yourself.")),
    "owner": (
        N_("The server owner can't be banned through the bot."),
        N_("The server owner can't be timed out through the bot."),
    ),
    "team": (
        N_(
            "The author is a moderator or admin here; the bot does not ban team members. "
            "Please settle it within the team."
        ),
        N_(
            "The author is a moderator or admin here; the bot does not time out team members. "
            "Please settle it within the team."
        ),
    ),
    "actor_rank": (
        N_(
            "The author's highest role is the same as or above yours, so you can't ban them "
            "(Discord's role order). Ask someone with a higher role."
        ),
        N_(
            "The author's highest role is the same as or above yours, so you can't time out "
            "them (Discord's role order). Ask someone with a higher role."
        ),
    ),
    "bot_rank": (
        N_(
            "My highest role is not above the author's, so Discord won't let me ban them. A "
            "server admin can move the bot's role higher in Server Settings > Roles."
        ),
        N_(
            "My highest role is not above the author's, so Discord won't let me time out them. "
            "A server admin can move the bot's role higher in Server Settings > Roles."
        ),
    ),
}


def _refused(facts: ActionFacts, why: str) -> Decision:
    ban, timeout = _REFUSALS[why]
    sentence = ban if facts.action == "ban" else timeout
    return Decision(False, _(sentence))


def _member_action(facts: ActionFacts) -> Decision:
    if not facts.target_id:
        return _refused(facts, "no_identity")
    standing = facts.standing
    if standing is None:
        return _refused(facts, "offline")
    if facts.target_id == facts.actor_id:
        return _refused(facts, "self")
    if facts.target_id == standing.owner_id:
        return _refused(facts, "owner")
    if standing.target_is_moderator:
        return _refused(facts, "team")
    if standing.target_top_role is None:
        if facts.action == "timeout":
            return Decision(
                False, _("The author has left the server; there is no one to time out.")
            )
        return ALLOW  # a ban by id keeps someone who left from coming back; no roles to compare
    actor_is_owner = facts.actor_id == standing.owner_id
    if not actor_is_owner and standing.actor_top_role <= standing.target_top_role:
        return _refused(facts, "actor_rank")
    if standing.bot_top_role <= standing.target_top_role:
        return _refused(facts, "bot_rank")
    return ALLOW
