"""Every table and column the bot stores, and what ``/mydata delete`` does with it.

A test walks the migrated schema (``sqlite_master`` and ``PRAGMA table_info``) and fails on any
column missing here, then seeds one member everywhere, deletes them, and searches every column
of every row for their id. A new table or column must be listed here with its handling:

- ``MEMBER_ROW``: the column names the member who owns the row; delete removes the row.
- ``ERASED``: another row mentions the member (who changed or resolved something); delete
  sets it to NULL.
- ``PSEUDONYMISED``: a record that must stay (a moderation decision); delete replaces the id
  with a per-server pseudonym (-1, -2, ... shown as "a former moderator").
- ``EVIDENCE``: the author of an open flag: kept as the community's safety record until a
  moderator decides or the retention period ends, then removed (README, Privacy).
- ``MEMBER_DATA``: personal content in a row that goes with the member (deleted or anonymised
  with it): notes, feedback text, flagged text, names.
- ``NOT_PERSONAL``: says nothing about a member (give the reason).

The README's privacy section explains the same, table by table, with how long each is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Handling(StrEnum):
    MEMBER_ROW = "member row"
    ERASED = "erased"
    PSEUDONYMISED = "pseudonymised"
    EVIDENCE = "evidence"
    MEMBER_DATA = "member data"
    NOT_PERSONAL = "not personal"


#: Handlings of a column that holds a member's Discord id.
HOLDS_USER_ID = frozenset(
    {Handling.MEMBER_ROW, Handling.ERASED, Handling.PSEUDONYMISED, Handling.EVIDENCE}
)


@dataclass(frozen=True)
class Column:
    handling: Handling
    why: str


def _row(why: str) -> Column:
    return Column(Handling.MEMBER_ROW, why)


def _erased(why: str) -> Column:
    return Column(Handling.ERASED, why)


def _pseudonym(why: str) -> Column:
    return Column(Handling.PSEUDONYMISED, why)


def _data(why: str) -> Column:
    return Column(Handling.MEMBER_DATA, why)


def _plain(why: str) -> Column:
    return Column(Handling.NOT_PERSONAL, why)


_SERVER = _plain("a server's id")
_CHANNEL = _plain("a channel's id")
_NUMBER = _plain("a row number")
_WHEN = _plain("a date, meaningful only with the row it belongs to")
_ARTICLE = _plain("part of an article or its search index (written by editors)")
_FLAG_FACT = _plain("a fact about the flag used for /modstats, kept without the author")

INVENTORY: dict[str, dict[str, Column]] = {
    "job_leases": {
        "job": _plain("the name of a background job"),
        "holder": _plain("a random id of the bot process doing the job"),
        "expires_at": _WHEN,
    },
    "schema_version": {
        "version": _plain("migration bookkeeping"),
        "name": _plain("migration bookkeeping"),
        "applied_at": _WHEN,
    },
    "bot_meta": {"key": _plain("bot bookkeeping"), "value": _plain("bot bookkeeping")},
    "guild_config": {
        "guild_id": _SERVER,
        "key": _plain("a setting's name"),
        "value": _plain("a server setting (numbers, channels, domain lists)"),
        "updated_by": _erased("who last changed the setting"),
        "updated_at": _WHEN,
    },
    "articles": {
        name: _ARTICLE
        for name in [
            "id",
            "slug",
            "title",
            "summary",
            "body",
            "takeaways",
            "tags",
            "sources",
            "last_reviewed",
            "url",
            "origin",
            "content_hash",
            "removed_at",
            "created_at",
            "updated_at",
        ]
    },
    "article_ratings": {
        "article_id": _ARTICLE,
        "user_id": _row("the member's rating"),
        "stars": _data("how they rated"),
        "rated_at": _WHEN,
    },
    "article_rating_stats": {
        "article_id": _ARTICLE,
        "count": _plain("a total over all members"),
        "total": _plain("a total over all members"),
    },
    "article_feedback": {
        "id": _NUMBER,
        "article_id": _ARTICLE,
        "guild_id": _SERVER,
        "user_id": _row("the member's feedback"),
        "stars": _data("the rating that came with it"),
        "text": _data("what they wrote"),
        "created_at": _WHEN,
        "resolved_at": _WHEN,
        "resolved_by": _erased("the editor who resolved it"),
    },
    "streak_members": {
        "user_id": _row("the member's streak settings"),
        "guild_id": _SERVER,
        "zone": _data("their time zone"),
        "day_end_hour": _data("their day-end setting"),
        "public": _data("whether they appear on the board"),
        "reminder_time": _data("their reminder time"),
        "next_reminder_at": _data("their next reminder"),
        "notice": _data("a note shown on their next command"),
        "active": _data("whether they still track"),
        "joined_at": _data("when they joined streaks"),
        "dm_channel_id": _data("the DM channel their reminders go to"),
        "language": _data("the language their reminders are written in (from their Discord app)"),
    },
    "streak_days": {
        "user_id": _row("the member's days"),
        "day": _data("a day they moved or rested"),
        "checkins": _data("check-ins that day"),
        "minutes": _data("minutes that day"),
        "rest_reason": _data("why they rested"),
    },
    "streak_checkins": {
        "id": _NUMBER,
        "user_id": _row("the member's check-ins"),
        "day": _data("the day"),
        "minutes": _data("minutes"),
        "activity": _data("what they did"),
        "note": _data("their note"),
        "created_at": _WHEN,
    },
    "streak_pauses": {
        "id": _NUMBER,
        "user_id": _row("the member's pauses"),
        "start_day": _data("pause start"),
        "end_day": _data("pause end"),
        "reason": _data("pause or travel"),
    },
    "streak_guild_state": {
        "guild_id": _SERVER,
        "last_summary_week": _plain("which weekly summary the server last received"),
    },
    "moderation_flags": {
        "id": _NUMBER,
        "guild_id": _SERVER,
        "channel_id": _CHANNEL,
        "message_id": _plain("the flagged message's id (says nothing once the author is gone)"),
        "author_id": Column(Handling.EVIDENCE, "the author of a flagged message"),
        "author_name": _data("the author's name"),
        "author_joined_at": _data("when the author joined the server"),
        "content": _data("the flagged text"),
        "score": _FLAG_FACT,
        "reasons": _data("signals and weights stay; the matched text goes"),
        "source": _FLAG_FACT,
        "report_count": _FLAG_FACT,
        "status": _FLAG_FACT,
        "hidden": _FLAG_FACT,
        "card_channel_id": _CHANNEL,
        "card_message_id": _plain("the bot's own card message"),
        "created_at": _WHEN,
        "closed_at": _WHEN,
        "closed_by": _pseudonym("the moderator who decided"),
        "close_detail": _plain("what the decision did ('for 1 day', 'already gone')"),
        "claimed_by": _erased("the moderator acting right now (cleared within a minute)"),
        "claimed_at": _WHEN,
        "erase_requested": _FLAG_FACT,
        "redacted": _FLAG_FACT,
        "card_redacted": _FLAG_FACT,
    },
    "moderation_reports": {
        "flag_id": _NUMBER,
        "reporter_id": _row("the member's report"),
        "reason": _data("what the reporter wrote"),
        "created_at": _WHEN,
    },
    "moderation_decisions": {
        "id": _NUMBER,
        "flag_id": _NUMBER,
        "guild_id": _SERVER,
        "moderator_id": _pseudonym("the moderator who decided"),
        "action": _FLAG_FACT,
        "detail": _plain("what the decision did, or the domain or phrase learned"),
        "created_at": _WHEN,
    },
    "moderation_guild_rules": {
        "guild_id": _SERVER,
        "kind": _plain("trusted or always-flagged"),
        "value": _plain("a domain or phrase the moderators chose"),
        "added_by": _pseudonym("the moderator who added the rule"),
        "added_at": _WHEN,
    },
    # Server learning (bot/moderation/learning.py): hashed features only, no text, no author.
    "moderation_learned_examples": {
        "guild_id": _SERVER,
        "example": _plain("a hash of the message id, so one message counts once"),
        "spam": _plain("the moderators' verdict: spam or not"),
        "features": _plain("CRC-32 numbers of the message's words and rules, no text"),
        "source": _plain("a flag decision or a Teach menu"),
        "created_at": _WHEN,
    },
    "moderation_learning": {
        "guild_id": _SERVER,
        "since": _WHEN,
    },
}


#: Each engine's own form of the article search index: SQLite's FTS5 tables, PostgreSQL's
#: ``articles.search`` document (a tsvector of the article's text).
ENGINE_INDEX: dict[str, dict[str, dict[str, Column]]] = {
    "sqlite": {
        "articles_fts": {name: _ARTICLE for name in ("title", "summary", "body", "tags")},
        "articles_fts_config": {"k": _ARTICLE, "v": _ARTICLE},
        "articles_fts_data": {"id": _ARTICLE, "block": _ARTICLE},
        "articles_fts_docsize": {"id": _ARTICLE, "sz": _ARTICLE},
        "articles_fts_idx": {"segid": _ARTICLE, "term": _ARTICLE, "pgno": _ARTICLE},
    },
    "postgresql": {"articles": {"search": _ARTICLE}},
}


def inventory(engine: str) -> dict[str, dict[str, Column]]:
    """Every table and column of the schema on ``engine`` ("sqlite" or "postgresql")."""
    merged = {table: dict(columns) for table, columns in INVENTORY.items()}
    for table, columns in ENGINE_INDEX[engine].items():
        merged.setdefault(table, {}).update(columns)
    return merged


def user_id_columns() -> list[tuple[str, str]]:
    """(table, column) of every column that holds a member's Discord id."""
    return [
        (table, column)
        for table, columns in INVENTORY.items()
        for column, entry in columns.items()
        if entry.handling in HOLDS_USER_ID
    ]
