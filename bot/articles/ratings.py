"""Ratings (one per member per article) and the feedback that low ratings invite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.articles.models import RatingStats
from bot.errors import NotFoundError, UserError
from bot.i18n import N_, _
from bot.numbers import valid_id
from bot.permissions import require_permission

if TYPE_CHECKING:
    from bot.app import App
    from bot.articles.service import ArticleService

MAX_FEEDBACK = 1000
#: Editors list and resolve feedback; checked in the channel where they do it, at every click.
EDITOR_PERMISSION = "manage_messages"
_GONE = N_(
    "That article has been taken out of the library, so it can't be rated any more. "
    "Nothing else changed; try /article search for another one."
)
#: Ratings at or below this open the "How could we improve this article?" form.
FEEDBACK_THRESHOLD = 2


@dataclass(frozen=True)
class RatingOutcome:
    article_id: int
    title: str
    stars: int
    previous: int | None
    stats: RatingStats

    @property
    def asks_feedback(self) -> bool:
        return self.stars <= FEEDBACK_THRESHOLD

    def describe(self) -> str:
        if self.previous not in (None, self.stars):
            rated = _("You rated {stars}/5 (was {previous}/5)").format(
                stars=self.stars, previous=self.previous
            )
        else:
            rated = _("You rated {stars}/5").format(stars=self.stars)
        return f"{rated} · {self.stats.describe()}"


@dataclass(frozen=True)
class Feedback:
    id: int
    article_id: int
    article_title: str
    guild_id: int | None
    user_id: int
    stars: int
    text: str
    created_at: str
    resolved_at: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> Feedback:
        return cls(
            id=int(row["id"]),
            article_id=int(row["article_id"]),
            article_title=row["title"],
            guild_id=row["guild_id"],
            user_id=int(row["user_id"]),
            stars=int(row["stars"]),
            text=row["text"],
            created_at=row["created_at"],
            resolved_at=row["resolved_at"],
        )


def _no_feedback(feedback_id: int) -> str:
    return _(
        "There is no feedback #{number} in this server. Use /article feedback to see the open ones."
    ).format(number=str(feedback_id)[:20])


def _in_guild(column: str, guild_id: int | None) -> tuple[str, tuple[int, ...]]:
    """``column`` is this server, or NULL for feedback sent from DMs (``IS ?`` is SQLite's)."""
    if guild_id is None:
        return f"{column} IS NULL", ()
    return f"{column} = ?", (guild_id,)


def clean_feedback(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.strip()
    if len(cleaned) > MAX_FEEDBACK:
        raise UserError(
            _(
                "Feedback can be at most {limit} characters; yours has {length}. Please shorten "
                "it and send it again."
            ).format(limit=MAX_FEEDBACK, length=len(cleaned))
        )
    return cleaned or None


class RatingService:
    def __init__(self, app: App, articles: ArticleService) -> None:
        self.app = app
        self.db = app.db
        self.articles = articles

    async def stats(self, article_id: int) -> RatingStats:
        row = await self.db.fetchone(
            "SELECT count, total FROM article_rating_stats WHERE article_id = ?", (article_id,)
        )
        return RatingStats(int(row["count"]), int(row["total"])) if row else RatingStats()

    async def user_rating(self, article_id: int, user_id: int) -> int | None:
        value = await self.db.fetchval(
            "SELECT stars FROM article_ratings WHERE article_id = ? AND user_id = ?",
            (article_id, user_id),
        )
        return None if value is None else int(value)

    async def rate(self, article_id: int, user_id: int, stars: int) -> RatingOutcome:
        """Record or replace a member's rating. One transaction: the UPSERT and the stats the
        member is shown are consistent even with hundreds of members rating at once."""
        if not 1 <= stars <= 5:
            raise UserError(_("A rating is a whole number of stars from 1 to 5."))
        if valid_id(article_id) is None:
            raise NotFoundError(_(_GONE))
        now = self.app.clock().isoformat()
        async with self.db.write() as conn:
            article = await conn.fetchone(
                "SELECT title, removed_at FROM articles WHERE id = ?", (article_id,)
            )
            if article is None or article["removed_at"] is not None:
                raise NotFoundError(_(_GONE))
            previous_row = await conn.fetchone(
                "SELECT stars FROM article_ratings WHERE article_id = ? AND user_id = ?"
                + conn.dialect.for_update,
                (article_id, user_id),
            )
            await conn.execute(
                "INSERT INTO article_ratings (article_id, user_id, stars, rated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (article_id, user_id) DO UPDATE SET "
                "stars = excluded.stars, rated_at = excluded.rated_at",
                (article_id, user_id, stars, now),
            )
            row = await conn.fetchone(
                "SELECT count, total FROM article_rating_stats WHERE article_id = ?",
                (article_id,),
            )
        assert row is not None  # the insert trigger guarantees a stats row
        return RatingOutcome(
            article_id,
            article["title"],
            stars,
            int(previous_row["stars"]) if previous_row else None,
            RatingStats(int(row["count"]), int(row["total"])),
        )

    # -- feedback ---------------------------------------------------------------------------
    async def add_feedback(
        self, article_id: int, user_id: int, guild_id: int | None, stars: int, text: str | None
    ) -> Feedback | None:
        """Store optional feedback; ``None`` when the member left the form empty."""
        cleaned = clean_feedback(text)
        if cleaned is None:
            return None
        article = await self.articles.get(article_id, include_removed=True)
        now = self.app.clock().isoformat()
        async with self.db.write() as conn:
            feedback_id = await conn.insert(
                "INSERT INTO article_feedback (article_id, guild_id, user_id, stars, text, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (article_id, guild_id, user_id, stars, cleaned, now),
            )
        return Feedback(
            feedback_id, article_id, article.title, guild_id, user_id, stars, cleaned, now
        )

    async def open_feedback(self, guild_id: int | None, limit: int = 25) -> list[Feedback]:
        where, params = _in_guild("f.guild_id", guild_id)
        rows = await self.db.fetchall(
            "SELECT f.*, a.title FROM article_feedback f JOIN articles a ON a.id = f.article_id "
            f"WHERE {where} AND f.resolved_at IS NULL ORDER BY f.id LIMIT ?",
            (*params, limit),
        )
        return [Feedback.from_row(r) for r in rows]

    async def count_open(self, guild_id: int | None) -> int:
        where, params = _in_guild("guild_id", guild_id)
        return int(
            await self.db.fetchval(
                f"SELECT COUNT(*) FROM article_feedback WHERE {where} AND resolved_at IS NULL",
                params,
            )
        )

    async def resolve_feedback(
        self, guild_id: int | None, feedback_id: int, actor_id: int, *, permissions: frozenset[str]
    ) -> Feedback:
        """Mark feedback resolved. ``permissions`` are the editor's at this moment (checked
        here, so a menu shown earlier cannot outlive the permission)."""
        require_permission(permissions, EDITOR_PERMISSION)
        if valid_id(feedback_id) is None:
            raise NotFoundError(_no_feedback(feedback_id))
        where, params = _in_guild("f.guild_id", guild_id)
        async with self.db.write() as conn:
            row = await conn.fetchone(
                "SELECT f.*, a.title FROM article_feedback f JOIN articles a "
                f"ON a.id = f.article_id WHERE f.id = ? AND {where}{conn.dialect.for_update}",
                (feedback_id, *params),
            )
            if row is None:
                raise NotFoundError(_no_feedback(feedback_id))
            if row["resolved_at"] is not None:
                raise UserError(
                    _("Feedback #{number} was already resolved.").format(number=feedback_id)
                )
            await conn.execute(
                "UPDATE article_feedback SET resolved_at = ?, resolved_by = ? WHERE id = ?",
                (self.app.clock().isoformat(), actor_id, feedback_id),
            )
        return Feedback.from_row(row)

    # -- privacy ----------------------------------------------------------------------------
    async def export_user(self, user_id: int) -> dict[str, Any]:
        ratings = await self.db.fetchall(
            "SELECT a.slug, a.title, r.stars, r.rated_at FROM article_ratings r "
            "JOIN articles a ON a.id = r.article_id WHERE r.user_id = ? ORDER BY r.rated_at",
            (user_id,),
        )
        feedback = await self.db.fetchall(
            "SELECT f.id, a.slug, f.stars, f.text, f.created_at, f.resolved_at "
            "FROM article_feedback f JOIN articles a ON a.id = f.article_id "
            "WHERE f.user_id = ? ORDER BY f.id",
            (user_id,),
        )
        resolved = await self.db.fetchall(
            "SELECT id, guild_id, resolved_at FROM article_feedback WHERE resolved_by = ? "
            "ORDER BY id",
            (user_id,),
        )
        return {
            "ratings": [dict(r) for r in ratings],
            "feedback": [dict(r) for r in feedback],
            "feedback_you_resolved": [dict(r) for r in resolved],
        }

    async def erase_user(self, user_id: int) -> int:
        async with self.db.write() as conn:
            ratings = await conn.execute(
                "DELETE FROM article_ratings WHERE user_id = ?", (user_id,)
            )
            feedback = await conn.execute(
                "DELETE FROM article_feedback WHERE user_id = ?", (user_id,)
            )
            # An editor's id on feedback they resolved is about them too.
            resolved = await conn.execute(
                "UPDATE article_feedback SET resolved_by = NULL WHERE resolved_by = ?", (user_id,)
            )
            return int(ratings.rowcount) + int(feedback.rowcount) + int(resolved.rowcount)
