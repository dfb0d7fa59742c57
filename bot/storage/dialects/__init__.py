"""Where the two engines' SQL differs: one small module per engine, and the stores call it.

Everything else is written once, in SQL both engines run (``?`` placeholders, which the
PostgreSQL engine numbers; ``ON CONFLICT``; ``CASE`` instead of SQLite's two-argument ``MAX``).
A store never asks which engine it is on: it asks the connection's :class:`Dialect`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Statement = tuple[str, tuple[Any, ...]]


class ArticleSearch(Protocol):
    """The article library's full-text index: SQLite's FTS5 with bm25, or PostgreSQL's
    ``tsvector`` with ``ts_rank``. Each method returns a statement and its parameters; the
    search logic (capped counts, the broad-query window, snippets for the winners only) lives
    once, in ``bot.articles.service``."""

    def match(self, terms: Sequence[str], *, any_word: bool) -> str:
        """The bound value that matches every term (or any, with ``any_word``); terms are
        plain words, never operators: no member text reaches a query syntax."""

    def count(self, match: str, cap: int) -> Statement:
        """One row: how many live articles match, counted up to ``cap`` only."""

    def ranked(self, match: str, limit: int) -> Statement:
        """Ids of the best ``limit`` matches, weighted by field (title > tags > summary > body)."""

    def newest_floor(self, match: str, offset: int) -> Statement:
        """One row: the id of the ``offset``-th newest match (None: fewer matches)."""

    def broad(self, tier: int, match: str, floor: int, limit: int) -> Statement:
        """Ids of the newest matches at or above ``floor``: tier 0 with the words in the title,
        1 in the summary or tags, 2 anywhere."""

    def hits(self, match: str, ids: Sequence[int]) -> Statement:
        """id, slug, title, summary and a snippet (matches in ``[[ ]]``) of these articles."""


@dataclass(frozen=True)
class Dialect:
    name: str
    #: Appended to a SELECT inside ``Database.write()`` whose rows decide what is written: on
    #: PostgreSQL the rows stay locked until the commit, so another process cannot change them
    #: in between. Empty on SQLite, where ``BEGIN IMMEDIATE`` already holds the whole file.
    for_update: str
    #: The same, skipping rows another transaction holds (claims: two processes take disjoint
    #: rows instead of waiting for each other). SQLite: one writer at a time, nothing to skip.
    skip_locked: str
    search: ArticleSearch
