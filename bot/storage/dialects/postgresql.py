"""PostgreSQL's side of every engine difference (see ``bot.storage.dialects``).

Full-text search reads ``articles.search``, a stored ``tsvector`` the database computes from the
title (weight A), tags (B), summary (C) and body (D) of live articles, through the ``msbot``
text search configuration (English stemming, accents folded: the twin of FTS5's
``porter unicode61 remove_diacritics``); see ``migrations/postgresql/0002_articles.sql``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.storage.dialects import Dialect, Statement

#: ts_rank's weights for D, C, B, A: body 1, summary 4, tags 6, title 10 (as SQLite's bm25).
RANK_WEIGHTS = "{0.1, 0.4, 0.6, 1.0}"
_QUERY = "websearch_to_tsquery('msbot', ?)"
#: The broad query's tiers: words in the title, then in the summary or tags, then anywhere.
_TIERS = (
    "ts_filter(search, '{a}') @@ q",
    "ts_filter(search, '{b,c}') @@ q",
    "search @@ q",
)
_HEADLINE = "StartSel=[[, StopSel=]], MaxWords=14, MinWords=6, MaxFragments=1, FragmentDelimiter=…"


class TSVectorSearch:
    def match(self, terms: Sequence[str], *, any_word: bool) -> str:
        # Terms are \w+ words (never "or", a stop word): websearch syntax cannot be injected.
        return (" or " if any_word else " ").join(terms)

    def count(self, match: str, cap: int) -> Statement:
        return (
            "SELECT COUNT(*) FROM (SELECT 1 FROM articles "
            f"WHERE search @@ {_QUERY} LIMIT ?) AS found",
            (match, cap),
        )

    def ranked(self, match: str, limit: int) -> Statement:
        return (
            f"SELECT id FROM articles, {_QUERY} AS q WHERE search @@ q "
            f"ORDER BY ts_rank('{RANK_WEIGHTS}', search, q) DESC, id LIMIT ?",
            (match, limit),
        )

    def newest_floor(self, match: str, offset: int) -> Statement:
        return (
            f"SELECT id FROM articles WHERE search @@ {_QUERY} ORDER BY id DESC LIMIT 1 OFFSET ?",
            (match, offset),
        )

    def broad(self, tier: int, match: str, floor: int, limit: int) -> Statement:
        return (
            f"SELECT id FROM articles, {_QUERY} AS q WHERE {_TIERS[tier]} AND id >= ? "
            "ORDER BY id DESC LIMIT ?",
            (match, floor, limit),
        )

    def hits(self, match: str, ids: Sequence[int]) -> Statement:
        # As FTS5's snippet(): the fragment of the column with the most matches (summary,
        # body, then tags on a tie; a title is shown anyway).
        marks = ", ".join("?" * len(ids))
        fragments = ", ".join(
            f"({n}, ts_headline('msbot', a.{column}, q, '{_HEADLINE}'))"
            for n, column in enumerate(("summary", "body", "tags"))
        )
        return (
            "SELECT a.id, a.slug, a.title, a.summary, "
            f"(SELECT h FROM (VALUES {fragments}) AS f (n, h) "
            "ORDER BY LENGTH(h) - LENGTH(REPLACE(h, '[[', '')) DESC, n LIMIT 1) AS snip "
            f"FROM articles a, {_QUERY} AS q WHERE a.id IN ({marks})",
            (match, *ids),
        )


POSTGRESQL = Dialect(
    name="postgresql",
    for_update=" FOR UPDATE",
    skip_locked=" FOR UPDATE SKIP LOCKED",
    search=TSVectorSearch(),
)
