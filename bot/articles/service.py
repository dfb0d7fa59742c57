"""Storing, finding and listing articles. SQL for articles lives here and in ``ratings.py``."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from rapidfuzz import fuzz, process

from bot.articles.models import Article, ArticleInput, normalise_tag, split_tags
from bot.articles.ratings import RatingService
from bot.articles.search import (
    PreparedQuery,
    Vocabulary,
    fuzzy_titles,
    prepare,
    vocabulary_words,
)
from bot.errors import NotFoundError, UserError
from bot.i18n import N_, _, join_list, ngettext, number
from bot.numbers import parse_id, valid_id
from bot.storage import Connection

if TYPE_CHECKING:
    from bot.app import App

Outcome = Literal["new", "updated", "unchanged", "restored"]
PAGE_SIZE = 10
SEARCH_LIMIT = 5
#: "Did you mean ...?" offers at most this many articles, each a button.
SUGGESTIONS = 3
SUGGEST_CUTOFF = 60
MAX_SUGGEST_QUERY = 200
#: Matches are counted only up to this: above it a query is "broad" ("over 1,000 articles").
BROAD_MATCHES = 1000
#: A broad query looks at this many of its newest matching articles (see ``_broad_ids``).
BROAD_WINDOW = 1000
BROAD_NOTE = N_(
    "Over {count} articles have these words; these are the newest with them in the title "
    "first. A more specific word narrows it down."
)
_ARTICLE_COLUMNS = (
    "a.id, a.slug, a.title, a.summary, a.body, a.takeaways, a.tags, a.sources, "
    "a.last_reviewed, a.url, a.removed_at, s.count, s.total"
)
TOO_GENERAL = N_(
    "“{query}” is too general to search for: words like “the” or “how” are in every "
    "article. Add a word about the topic, for example `fatigue` or `balance`."
)
_ARTICLE_FROM = "articles a LEFT JOIN article_rating_stats s ON s.article_id = a.id"
_ENTRY_COLUMNS = "id, slug, title, summary, body, takeaways, tags"
_NO_LONGER = N_(
    "That article is no longer in the library. Try /article search to find another one."
)


@dataclass(frozen=True)
class SearchHit:
    id: int
    slug: str
    title: str
    summary: str
    snippet: str


@dataclass(frozen=True)
class SearchResults:
    query: str
    prepared: PreparedQuery
    hits: list[SearchHit]
    #: How the hits were found, in words: shown above the results when not an exact match.
    note: str | None = None
    #: Matching articles, counted up to BROAD_MATCHES + 1 only (see ``match_count``).
    matches: int = 0

    @property
    def match_count(self) -> str:
        """'12 articles', or 'over 1,000 articles' for a broad query (never counted fully)."""
        if self.matches > BROAD_MATCHES:
            return _("over {count} articles").format(count=number(BROAD_MATCHES))
        return ngettext("{count} article", "{count} articles", self.matches).format(
            count=number(self.matches)
        )


@dataclass(frozen=True)
class Suggestion:
    """An article offered in "Did you mean ...?"."""

    id: int
    slug: str
    title: str


class ArticleSuggestions(NotFoundError):
    """No article has exactly that name; ``suggestions`` are the closest ones, for the member
    to pick (buttons on Discord). The message lists them too, for text-only front ends."""

    def __init__(self, query: str, suggestions: list[Suggestion]) -> None:
        titles = join_list(f"“{s.title}” ({s.slug})" for s in suggestions)
        super().__init__(
            _("I couldn't find an article called “{query}”. Did you mean {titles}?").format(
                query=query[:60], titles=titles
            )
        )
        self.query = query
        self.suggestions = suggestions


@dataclass(frozen=True)
class _Entry:
    """What the catalogue keeps of one live article."""

    id: int
    slug: str
    title: str
    tags: frozenset[str]
    words: frozenset[str]  # its vocabulary for typo correction

    @classmethod
    def of(
        cls,
        article_id: int,
        slug: str,
        title: str,
        summary: str,
        body: str,
        takeaways: str,
        tags: str,
    ) -> _Entry:
        """``takeaways`` and ``tags`` as stored (a JSON list, comma-separated)."""
        text = f"{title} {summary} {takeaways} {tags.replace('-', ' ')} {body}"
        return cls(
            article_id, slug, title, frozenset(split_tags(tags)), frozenset(vocabulary_words(text))
        )

    @classmethod
    def from_row(cls, row: Any) -> _Entry:
        return cls.of(
            row["id"],
            row["slug"],
            row["title"],
            row["summary"],
            row["body"],
            row["takeaways"],
            row["tags"],
        )

    @property
    def label(self) -> str:
        return f"{self.title} {' '.join(sorted(self.tags))}".lower()


class _Catalog:
    """Titles, tags and vocabulary of live articles, for autocomplete and typo tolerance.

    Built once from the whole library; after that each article change is applied on its own
    (:meth:`replace`), in the time that one article takes, so no search ever waits for a rebuild.
    """

    def __init__(self) -> None:
        self.titles: dict[int, str] = {}
        self.labels: dict[int, str] = {}  # "title tags" for fuzzy matching
        self.slugs: dict[str, int] = {}
        self.slug_of: dict[int, str] = {}
        self.vocabulary = Vocabulary()
        self._tag_uses: dict[str, int] = {}
        self._tags: dict[str, int] | None = None  # sorted view, rebuilt after a tag change

    @classmethod
    def build(cls, rows: list[Any]) -> _Catalog:
        catalog = cls()
        for row in rows:
            catalog.replace(None, _Entry.from_row(row))
        return catalog

    @property
    def tags(self) -> dict[str, int]:
        """tag -> number of live articles, alphabetical."""
        if self._tags is None:
            self._tags = dict(sorted(self._tag_uses.items()))
        return self._tags

    def replace(self, old: _Entry | None, new: _Entry | None) -> None:
        """One article changed: ``old`` is what was live before (if any), ``new`` what is now."""
        old_words = old.words if old else frozenset()
        new_words = new.words if new else frozenset()
        self.vocabulary.discard(old_words - new_words)
        self.vocabulary.add(new_words - old_words)
        old_tags = old.tags if old else frozenset()
        new_tags = new.tags if new else frozenset()
        if old_tags != new_tags:
            for tag in old_tags - new_tags:
                self._tag_uses[tag] -= 1
                if not self._tag_uses[tag]:
                    del self._tag_uses[tag]
            for tag in new_tags - old_tags:
                self._tag_uses[tag] = self._tag_uses.get(tag, 0) + 1
            self._tags = None
        if old is not None:
            del self.titles[old.id], self.labels[old.id], self.slug_of[old.id]
            del self.slugs[old.slug]
        if new is not None:
            self.titles[new.id] = new.title
            self.labels[new.id] = new.label
            self.slugs[new.slug] = new.id
            self.slug_of[new.id] = new.slug


class ArticleService:
    def __init__(self, app: App) -> None:
        self.app = app
        self.db = app.db
        self.ratings = RatingService(app, self)
        self._catalog: _Catalog | None = None
        #: Database.external_changes() when the catalogue was read: another process (the CLI
        #: importing articles) changed the library if it differs.
        self._catalog_read_at = 0
        self._catalog_lock = asyncio.Lock()  # changes here wait for a (re)build, never searches
        self._rebuild: asyncio.Task[None] | None = None

    # -- catalogue ------------------------------------------------------------------------
    async def catalog(self) -> _Catalog:
        """The catalogue, built once (at start-up); changes made here are applied to it article
        by article. After a change by another process it is rebuilt in the background while
        this one keeps serving, so no search ever waits for a rebuild."""
        external = await self.db.external_changes()
        if self._catalog is None:
            async with self._catalog_lock:
                if self._catalog is None:
                    await self._build(external)
        elif external != self._catalog_read_at and (self._rebuild is None or self._rebuild.done()):
            self._rebuild = asyncio.create_task(self._rebuild_for(external))
        assert self._catalog is not None
        return self._catalog

    async def catalog_rebuilt(self) -> _Catalog:
        """The catalogue once a background rebuild under way (if any) has finished."""
        catalog = await self.catalog()
        if self._rebuild is not None:
            await self._rebuild
        return self._catalog or catalog

    async def close(self) -> None:
        """Stop a background rebuild (the bot is stopping)."""
        if self._rebuild is not None and not self._rebuild.done():
            self._rebuild.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._rebuild

    async def _rebuild_for(self, external: int) -> None:
        async with self._catalog_lock:
            if external != self._catalog_read_at:
                await self._build(external)

    async def _build(self, external: int) -> None:
        """Read the whole library (with the catalogue lock held, so that no change made here
        lands between the read and the swap). ``external`` is taken before reading: a change
        by another process during the read triggers one more rebuild."""
        rows = await self.db.fetchall(
            f"SELECT {_ENTRY_COLUMNS} FROM articles WHERE removed_at IS NULL"
        )
        # CPU-bound for a large library: keep the event loop (and the bot) responsive.
        self._catalog = await asyncio.to_thread(_Catalog.build, rows)
        self._catalog_read_at = external

    async def _live_entry(self, conn: Connection, where: str, key: object) -> _Entry | None:
        """The catalogue entry of a live article before it changes (only once the catalogue
        exists: until then there is nothing to update)."""
        if self._catalog is None:
            return None
        row = await conn.fetchone(
            f"SELECT {_ENTRY_COLUMNS} FROM articles WHERE {where} AND removed_at IS NULL", (key,)
        )
        return None if row is None else _Entry.from_row(row)

    # -- writes (imports) -----------------------------------------------------------------
    async def upsert(self, item: ArticleInput, origin: str) -> Outcome:
        """Insert or update by slug; unchanged content is skipped by hash. Ratings are kept
        because an edited article keeps its id."""
        item.validate()
        digest = item.content_hash
        now = self.app.clock().isoformat()
        values = (
            item.title,
            item.summary,
            item.body,
            json.dumps(list(item.takeaways), ensure_ascii=False),
            ",".join(item.tags),
            json.dumps(list(item.sources), ensure_ascii=False),
            item.last_reviewed.isoformat() if item.last_reviewed else None,
            item.url,
            origin,
            digest,
        )
        # The catalogue lock keeps changes in commit order and out of the first build.
        async with self._catalog_lock:
            async with self.db.write() as conn:
                existing = await conn.fetchone(
                    "SELECT id, content_hash, removed_at, origin FROM articles WHERE slug = ?"
                    + conn.dialect.for_update,
                    (item.slug,),
                )
                old: _Entry | None = None
                if existing is None:
                    article_id = await conn.insert(
                        "INSERT INTO articles (title, summary, body, takeaways, tags, sources, "
                        "last_reviewed, url, origin, content_hash, slug, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*values, item.slug, now, now),
                    )
                    outcome: Outcome = "new"
                elif existing["content_hash"] == digest and existing["removed_at"] is None:
                    if existing["origin"] != origin:
                        await conn.execute(
                            "UPDATE articles SET origin = ? WHERE id = ?", (origin, existing["id"])
                        )
                    return "unchanged"
                else:
                    article_id = existing["id"]
                    old = await self._live_entry(conn, "id = ?", article_id)
                    await conn.execute(
                        "UPDATE articles SET title = ?, summary = ?, body = ?, takeaways = ?, "
                        "tags = ?, sources = ?, last_reviewed = ?, url = ?, origin = ?, "
                        "content_hash = ?, removed_at = NULL, updated_at = ? WHERE id = ?",
                        (*values, now, article_id),
                    )
                    outcome = "restored" if existing["removed_at"] is not None else "updated"
            # After the commit, outside the write lock: one article's words, never the library's.
            if self._catalog is not None:
                self._catalog.replace(old, _Entry.of(article_id, item.slug, *values[:5]))
        return outcome

    async def remove_missing(self, origin_prefix: str, keep_slugs: set[str]) -> list[str]:
        """Soft-remove articles from ``origin_prefix`` not seen in the latest import."""
        rows = await self.db.fetchall(
            "SELECT slug FROM articles WHERE origin LIKE ? ESCAPE '\\' AND removed_at IS NULL",
            (origin_prefix.replace("%", "\\%").replace("_", "\\_") + "%",),
        )
        gone = [r["slug"] for r in rows if r["slug"] not in keep_slugs]
        for slug in gone:
            await self.remove(slug)
        return gone

    async def remove(self, slug: str) -> None:
        """Take an article out of the library; its ratings and feedback are kept."""
        async with self._catalog_lock:
            async with self.db.write() as conn:
                old = await self._live_entry(conn, "slug = ?", slug)
                cursor = await conn.execute(
                    "UPDATE articles SET removed_at = ? WHERE slug = ? AND removed_at IS NULL",
                    (self.app.clock().isoformat(), slug),
                )
                if cursor.rowcount == 0:
                    raise NotFoundError(
                        _("There is no article `{slug}` to remove.").format(slug=slug[:60])
                    )
            if self._catalog is not None:
                self._catalog.replace(old, None)

    # -- reads ----------------------------------------------------------------------------
    async def get(self, article_id: int, *, include_removed: bool = False) -> Article:
        if valid_id(article_id) is None:  # past SQLite's range: no such row, not OverflowError
            raise NotFoundError(_(_NO_LONGER))
        row = await self.db.fetchone(
            f"SELECT {_ARTICLE_COLUMNS} FROM {_ARTICLE_FROM} WHERE a.id = ?", (article_id,)
        )
        if row is None or (row["removed_at"] is not None and not include_removed):
            raise NotFoundError(_(_NO_LONGER))
        return Article.from_row(row)

    async def resolve(self, text: str) -> Article:
        """The article the member named exactly: its slug (what an autocomplete choice sends),
        its title in any case, or its number (``#12``). Never a guess: anything else raises
        :class:`ArticleSuggestions` ("Did you mean ...?") or :class:`NotFoundError`, so nothing
        is shown or rated by accident (``/article rate weak 2`` once rated the top hit)."""
        query = " ".join(text.split())
        if not query:
            raise UserError(_("Tell me which article: type part of its title, e.g. `fatigue`."))
        catalog = await self.catalog()
        candidate = query.casefold()
        article_id = parse_id(candidate)
        if article_id is not None and article_id in catalog.titles:
            return await self.get(article_id)
        if candidate in catalog.slugs:
            return await self.get(catalog.slugs[candidate])
        for article_id, title in catalog.titles.items():
            if title.casefold() == candidate:
                return await self.get(article_id)
        suggestions = await self.suggest(query)
        if suggestions:
            raise ArticleSuggestions(query, suggestions)
        raise NotFoundError(
            _(
                "I couldn't find an article called “{query}”. Try /article search or "
                "/article list to browse."
            ).format(query=query[:60])
        )

    async def suggest(self, query: str, limit: int = SUGGESTIONS) -> list[Suggestion]:
        """The articles nearest to ``query``: close titles first, then search hits."""
        catalog = await self.catalog()
        # A title is at most 200 characters: a longer query cannot be closer to one, and
        # fuzzy matching costs length x length, so a 4,000-character paste stays cheap.
        short = query[:MAX_SUGGEST_QUERY].casefold()
        ids = [
            key
            for _, _, key in process.extract(
                short,
                catalog.titles,
                scorer=fuzz.WRatio,
                processor=str.casefold,
                limit=limit,
                score_cutoff=SUGGEST_CUTOFF,
            )
        ]
        if len(ids) < limit:
            try:
                results = await self.search(query[:MAX_SUGGEST_QUERY], limit=limit)
            except UserError:  # no searchable words: the close titles are all there is
                results = None
            if results is not None:
                ids += [hit.id for hit in results.hits]
        unique = list(dict.fromkeys(i for i in ids if i in catalog.slug_of))[:limit]
        return [Suggestion(i, catalog.slug_of[i], catalog.titles[i]) for i in unique]

    async def autocomplete(self, current: str, limit: int = 25) -> list[tuple[str, str]]:
        """(label, slug) pairs matching titles and tags, best first."""
        catalog = await self.catalog()
        current = current.strip().lower()
        if not current:
            ids = sorted(catalog.titles, key=lambda i: catalog.titles[i].lower())[:limit]
        else:
            prefix = [i for i, label in catalog.labels.items() if current in label]
            fuzzy = [
                key
                for _, _, key in process.extract(
                    current,
                    catalog.labels,
                    scorer=fuzz.WRatio,
                    limit=limit,
                    score_cutoff=60,
                )
            ]
            ids = list(dict.fromkeys([*prefix, *fuzzy]))[:limit]
        return [(catalog.titles[i], catalog.slug_of[i]) for i in ids]

    async def search(self, query: str, *, limit: int = SEARCH_LIMIT) -> SearchResults:
        if not query.strip():
            raise UserError(_("Type a word or two to search for, for example `fatigue`."))
        catalog = await self.catalog()
        prepared = prepare(query, catalog.vocabulary)
        if not prepared.terms:
            raise UserError(
                _(
                    "I couldn't find any words to search for in that. Try plain words, for "
                    "example `weak legs`."
                )
            )
        if prepared.too_general:
            raise UserError(_(TOO_GENERAL).format(query=query.strip()[:60]))
        note = None  # a corrected word is said by the reply (prepared.corrections)
        fulltext = self.db.dialect.search
        hits, matches = await self._fts(fulltext.match(prepared.corrected, any_word=False), limit)
        if not hits and len(prepared.corrected) > 1:
            any_word = fulltext.match(prepared.corrected, any_word=True)
            hits, matches = await self._fts(any_word, limit)
            note = _("No article has all of those words; these have some of them.")
        if matches > BROAD_MATCHES:
            broad = _(BROAD_NOTE).format(count=number(BROAD_MATCHES))
            note = f"{note or ''} {broad}".strip()
        if not hits:
            ids = fuzzy_titles(" ".join(prepared.corrected), catalog.labels, limit=limit)
            hits = [await self._hit(i) for i in ids]
            note = _("No close match in the text; these titles come nearest.") if hits else None
        if prepared.truncated:
            truncated = _("Only the first words of your search were used.")
            note = f"{note or ''} {truncated}".strip()
        return SearchResults(query, prepared, hits, note, matches)

    async def _fts(self, match: str, limit: int) -> tuple[list[SearchHit], int]:
        """The best ``limit`` hits and the number of matches (counted up to BROAD_MATCHES + 1
        only: counting every match of a common word grows with the library).

        Rank first, then build snippets for the few winners only: computing a snippet for
        every matching row before the sort is what makes naive FTS queries slow."""
        if not match:
            return [], 0
        fulltext = self.db.dialect.search
        matches = int(await self.db.fetchval(*fulltext.count(match, BROAD_MATCHES + 1)))
        if matches > BROAD_MATCHES:
            ids = await self._broad_ids(match, limit)
        else:
            ids = [int(r[0]) for r in await self.db.fetchall(*fulltext.ranked(match, limit))]
        return await self._hits(match, ids), matches

    async def _broad_ids(self, match: str, limit: int) -> list[int]:
        """A broad query (words in most articles): the newest BROAD_WINDOW matching articles,
        those with the words in the title first, then in the summary or tags, then anywhere.

        bm25 would cost time in proportion to the library (it even walks the whole index to
        weigh each word), and for words this common it says little anyway. Walking the index
        newest first within the window costs the same at any library size."""
        fulltext = self.db.dialect.search
        floor = await self.db.fetchval(*fulltext.newest_floor(match, BROAD_WINDOW - 1))
        ids: list[int] = []
        for tier in range(3):  # the words in the title, in the summary or tags, anywhere
            rows = await self.db.fetchall(*fulltext.broad(tier, match, floor or 0, limit))
            ids = list(dict.fromkeys([*ids, *(int(r[0]) for r in rows)]))
            if len(ids) >= limit:
                break
        return ids[:limit]

    async def _hits(self, match: str, ids: list[int]) -> list[SearchHit]:
        if not ids:
            return []
        rows = await self.db.fetchall(*self.db.dialect.search.hits(match, ids))
        by_id = {
            r["id"]: SearchHit(r["id"], r["slug"], r["title"], r["summary"], r["snip"])
            for r in rows
        }
        return [by_id[i] for i in ids if i in by_id]

    async def _hit(self, article_id: int) -> SearchHit:
        article = await self.get(article_id)
        return SearchHit(article.id, article.slug, article.title, article.summary, article.summary)

    async def tags(self) -> dict[str, int]:
        return (await self.catalog()).tags

    async def list_articles(
        self, tag: str | None = None, page: int = 1, per_page: int = PAGE_SIZE
    ) -> tuple[list[Article], int, int, str | None]:
        """(articles on the page, total matching, page count, the tag used after typo
        correction). Page numbers start at 1."""
        where, params = "a.removed_at IS NULL", []
        wanted: str | None = None
        if tag is not None and tag.strip():
            wanted = await self._resolve_tag(tag)
            where += " AND (',' || a.tags || ',') LIKE ?"
            params.append(f"%,{wanted},%")
        total = int(
            await self.db.fetchval(f"SELECT COUNT(*) FROM articles a WHERE {where}", params)
        )
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        rows = await self.db.fetchall(
            f"SELECT {_ARTICLE_COLUMNS} FROM {_ARTICLE_FROM} WHERE {where} "
            "ORDER BY LOWER(a.title), a.id LIMIT ? OFFSET ?",
            (*params, per_page, (page - 1) * per_page),
        )
        return [Article.from_row(r) for r in rows], total, pages, wanted

    async def _resolve_tag(self, tag: str) -> str:
        known = await self.tags()
        wanted = normalise_tag(tag)
        if wanted in known:
            return wanted
        match = process.extractOne(wanted, list(known), scorer=fuzz.ratio, score_cutoff=75)
        if match is not None:
            return str(match[0])
        listing = ", ".join(list(known)[:30]) or _("none yet")
        raise NotFoundError(
            _("No article is tagged “{tag}”. Tags in use: {tags}.").format(
                tag=tag[:40], tags=listing
            )
        )

    async def top(
        self, limit: int = 10, prior_mean: float = 3.0, prior_weight: float = 5.0
    ) -> list[tuple[Article, float]]:
        """Best rated by Bayesian average: each article's ratings are blended with
        ``prior_weight`` imaginary ratings of ``prior_mean`` (the middle of the scale), so a
        single 5-star vote cannot outrank forty ratings averaging 4.5. A fixed prior, not the
        library-wide mean: with few rated articles that mean is itself pulled up by the
        article being ranked."""
        rows = await self.db.fetchall(
            f"SELECT {_ARTICLE_COLUMNS}, (CAST(? AS DOUBLE PRECISION) + s.total) / "
            "(CAST(? AS DOUBLE PRECISION) + s.count) AS score "
            f"FROM {_ARTICLE_FROM} WHERE a.removed_at IS NULL AND s.count > 0 "
            "ORDER BY score DESC, s.count DESC, a.title LIMIT ?",
            (prior_weight * prior_mean, prior_weight, limit),
        )
        return [(Article.from_row(r), float(r["score"])) for r in rows]
