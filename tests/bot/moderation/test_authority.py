"""The one decision behind every moderation button: permission, rank, owner, team, unknown author."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.moderation.authority import ActionFacts, Standing, decide
from bot.permissions import is_moderator, permission_refusal

OWNER = 1
JUNIOR = 20
SENIOR = 30
AUTHOR = 40
EVERYTHING = frozenset({"manage_messages", "moderate_members", "ban_members"})
BOT_CAN_ALL = frozenset({"manage_messages", "moderate_members", "ban_members", "send_messages"})

# Role positions: junior moderator 10, senior admin 20, bot 50, a plain author 0.
STANDING = Standing(
    owner_id=OWNER,
    actor_top_role=10,
    bot_top_role=50,
    target_top_role=0,
    target_is_moderator=False,
    bot_permissions=BOT_CAN_ALL,
)


def facts(
    action: str,
    *,
    actor: int = JUNIOR,
    target: int | None = AUTHOR,
    permissions: frozenset[str] = EVERYTHING,
    **standing: object,
) -> ActionFacts:
    return ActionFacts(action, actor, target, permissions, replace(STANDING, **standing))


def refused(result_facts: ActionFacts) -> str:
    decision = decide(result_facts)
    assert not decision.allowed
    return decision.reason


@pytest.mark.parametrize("action", ["delete", "dismiss", "restore", "timeout", "ban"])
def test_moderator_with_rank_may_act_on_a_plain_member(action: str) -> None:
    assert decide(facts(action)).allowed


@pytest.mark.parametrize(
    ("action", "needed"),
    [
        ("delete", "Manage Messages"),
        ("dismiss", "Manage Messages"),
        ("restore", "Manage Messages"),
        ("timeout", "Moderate Members"),
        ("ban", "Ban Members"),
    ],
)
def test_plain_member_is_refused_every_action(action: str, needed: str) -> None:
    assert needed in refused(facts(action, permissions=frozenset()))


def test_administrator_implies_every_permission() -> None:
    assert decide(facts("ban", permissions=frozenset({"administrator"}))).allowed


@pytest.mark.parametrize("action", ["timeout", "ban"])
def test_junior_moderator_cannot_act_on_a_senior_admins_message(action: str) -> None:
    # The case: members can report an admin's message, and the bot's role is higher.
    reason = refused(facts(action, target=SENIOR, target_top_role=20))
    assert "same as or above yours" in reason


@pytest.mark.parametrize("action", ["timeout", "ban"])
def test_equal_top_roles_are_refused_as_in_discord(action: str) -> None:
    assert "same as or above" in refused(facts(action, target_top_role=10))


@pytest.mark.parametrize("action", ["timeout", "ban"])
def test_bot_below_the_target_is_refused_with_what_to_do(action: str) -> None:
    reason = refused(facts(action, actor=OWNER, actor_top_role=0, target_top_role=60))
    assert "My highest role" in reason and "Server Settings > Roles" in reason


def test_owner_may_act_above_their_own_roles_but_not_above_the_bot() -> None:
    assert decide(facts("ban", actor=OWNER, actor_top_role=0, target_top_role=30)).allowed


@pytest.mark.parametrize("action", ["timeout", "ban"])
def test_owner_is_never_a_target(action: str) -> None:
    reason = refused(facts(action, target=OWNER, actor_top_role=99, target_top_role=1))
    assert "server owner" in reason


@pytest.mark.parametrize("action", ["timeout", "ban"])
def test_moderators_are_never_banned_or_timed_out_even_from_above(action: str) -> None:
    reason = refused(facts(action, actor=OWNER, target_top_role=1, target_is_moderator=True))
    assert "moderator or admin" in reason


def test_moderators_messages_can_still_be_deleted_or_dismissed() -> None:
    for action in ("delete", "dismiss"):
        assert decide(facts(action, target_top_role=99, target_is_moderator=True)).allowed


@pytest.mark.parametrize("target", [0, None])
@pytest.mark.parametrize("action", ["timeout", "ban"])
def test_never_acts_on_an_erased_or_unknown_author(action: str, target: int | None) -> None:
    assert "identity was removed" in refused(facts(action, target=target))


def test_erased_author_message_can_still_be_deleted() -> None:
    assert decide(facts("delete", target=0)).allowed


def test_no_self_ban() -> None:
    assert "yourself" in refused(facts("ban", target=JUNIOR))


def test_author_who_left_can_be_banned_but_not_timed_out() -> None:
    assert decide(facts("ban", target_top_role=None)).allowed
    assert "left the server" in refused(facts("timeout", target_top_role=None))


def test_bot_missing_permission_is_named() -> None:
    reason = refused(facts("ban", bot_permissions=frozenset({"manage_messages"})))
    assert "I need the Ban Members permission" in reason
    reason = refused(facts("restore", bot_permissions=frozenset({"manage_messages"})))
    assert "Send Messages" in reason


def test_without_discord_facts_member_actions_are_refused() -> None:
    no_standing = ActionFacts("ban", JUNIOR, AUTHOR, EVERYTHING, None)
    assert not decide(no_standing).allowed
    assert decide(ActionFacts("dismiss", JUNIOR, AUTHOR, EVERYTHING, None)).allowed


def test_permission_refusal_names_the_permission_as_discord_does() -> None:
    assert permission_refusal(frozenset(), "manage_guild") == (
        "You need the Manage Server permission here to do that."
    )
    assert permission_refusal(frozenset({"manage_guild"}), "manage_guild") is None


def test_is_moderator() -> None:
    assert is_moderator(frozenset({"kick_members"}))
    assert not is_moderator(frozenset({"send_messages", "view_channel"}))
