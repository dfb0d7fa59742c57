"""SQLite's side of every engine difference (see ``bot.storage.dialects``)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.storage.dialects import Dialect, Statement

#: title, summary, body, tags: a title hit counts ten times a body hit.
BM25_WEIGHTS = (10.0, 4.0, 1.0, 6.0)
#: FTS5 column filters of the broad query's tiers: title, then summary or tags, then anywhere.
_TIERS = ("{title} : ", "{summary tags} : ", "")


class FTS5Search:
    def match(self, terms: Sequence[str], *, any_word: bool) -> str:
        quoted = [f'"{term}"' for term in terms]  # quoted: `NEAR(`, `AND`, `*` are plain words
        return (" OR " if any_word else " ").join(quoted)

    def count(self, match: str, cap: int) -> Statement:
        return (
            "SELECT COUNT(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
            (match, cap),
        )

    def ranked(self, match: str, limit: int) -> Statement:
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        return (
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
            f"ORDER BY bm25(articles_fts, {weights}) LIMIT ?",
            (match, limit),
        )

    def newest_floor(self, match: str, offset: int) -> Statement:
        return (
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (match, offset),
        )

    def broad(self, tier: int, match: str, floor: int, limit: int) -> Statement:
        return (
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? "
            "ORDER BY rowid DESC LIMIT ?",
            (f"{_TIERS[tier]}({match})", floor, limit),
        )

    def hits(self, match: str, ids: Sequence[int]) -> Statement:
        marks = ", ".join("?" * len(ids))
        return (
            "SELECT a.id, a.slug, a.title, a.summary, "
            "snippet(articles_fts, -1, '[[', ']]', '…', 14) AS snip "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            f"WHERE articles_fts MATCH ? AND articles_fts.rowid IN ({marks})",
            (match, *ids),
        )


SQLITE = Dialect(name="sqlite", for_update="", skip_locked="", search=FTS5Search())
