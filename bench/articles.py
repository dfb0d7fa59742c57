"""Articles benchmark: search, show and rating throughput on a generated library.

``python -m bench articles`` runs the issue's size (10,000 articles, 100,000 ratings).
``python -m bench.articles --articles 2000 --ratings 20000`` runs a smaller one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench._engines import SideBySide, add_engine_argument, chosen, servers, settings_for
from bot.app import App
from bot.articles import ArticleService
from bot.articles.models import ArticleInput
from bot.articles.render import article_page
from bot.errors import UserError
from bot.settings import DATA_DIR

SEED = 20261123


def _vocabulary(rng: random.Random) -> list[str]:
    """Real words from the shipped articles, padded with made-up ones, in Zipf order."""
    words: dict[str, None] = {}
    for path in sorted((DATA_DIR / "articles").glob("*.md")):
        for word in re.findall(r"[a-z]{3,}", path.read_text(encoding="utf-8").lower()):
            words.setdefault(word)
    found = list(words)
    rng.shuffle(found)
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vi", "so", "pe", "da"]
    found += ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(3000)]
    return found


def _text(rng: random.Random, vocab: list[str], weights: list[float], n: int) -> str:
    return " ".join(rng.choices(vocab, weights=weights, k=n))


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _report(name: str, seconds: list[float], table: SideBySide | None = None) -> None:
    ms = [s * 1000 for s in seconds]
    p50, p99 = statistics.median(ms), _percentile(ms, 99)
    print(f"{name}: n={len(ms)} p50={p50:.2f} ms p99={p99:.2f} ms max={max(ms):.2f} ms")
    if table is not None:
        table.record(f"{name} p50", p50)
        table.record(f"{name} p99", p99)


@dataclass(frozen=True)
class Library:
    """A generated library's word lists: common words, topic words and the topics."""

    general: list[str]
    content: list[str]
    topics: list[list[str]]
    general_weights: list[float]


def make_library(rng: random.Random, n_articles: int) -> Library:
    vocab = _vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    # A library has topics: bodies mix common words with their topic's own words,
    # titles and tags come mostly from the topic.
    general, content = vocab[:300], vocab[300:]
    topics = [rng.sample(content, 25) for _ in range(max(20, n_articles // 40))]
    return Library(general, content, topics, weights[:300])


def make_article(library: Library, rng: random.Random, index: int) -> ArticleInput:
    general, topics = library.general, library.topics
    topic = rng.choice(topics) + rng.choice(topics)[:10]
    words = rng.randint(200, 900)
    body = rng.choices(general, weights=library.general_weights, k=words * 7 // 10)
    body += rng.choices(topic, k=words * 3 // 10)
    rng.shuffle(body)
    title = " ".join(rng.sample(topic, rng.randint(2, 4)) + rng.sample(general[:50], 2))
    return ArticleInput(
        slug=f"article-{index}",
        title=title.capitalize(),
        summary=" ".join(rng.choices(topic + general[:100], k=rng.randint(15, 30))),
        body=" ".join(body),
        tags=tuple(rng.sample(topic[:8], 3)),
    )


async def import_library(
    service: ArticleService, library: Library, rng: random.Random, n_articles: int
) -> None:
    for i in range(n_articles):
        await service.upsert(make_article(library, rng, i), "bench:")


def make_queries(library: Library, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """(content queries, misspelt words, broad queries). A broad query uses the commonest
    words left after stop words (each matches most of the library): the worst case."""
    queries = [
        " ".join(rng.sample(rng.choice(library.topics), rng.randint(1, 3))) for _ in range(400)
    ]
    broad = [" ".join(rng.sample(library.general[:60], rng.randint(1, 2))) for _ in range(200)]
    typos = []
    for word in rng.sample(library.content, 200):
        if len(word) > 5:
            cut = rng.randrange(1, len(word) - 1)
            typos.append(word[:cut] + word[cut + 1 :])
    return queries, typos, broad


async def time_searches(service: ArticleService, queries: list[str]) -> list[float]:
    timings = []
    for query in queries:
        t = time.perf_counter()
        # A query of stop words only is answered without searching.
        with contextlib.suppress(UserError):
            await service.search(query)
        timings.append(time.perf_counter() - t)
    return timings


async def run(
    n_articles: int,
    n_ratings: int,
    raters: int,
    engine: str = "sqlite",
    server: str | None = None,
    table: SideBySide | None = None,
) -> None:
    rng = random.Random(SEED)
    library = make_library(rng, n_articles)
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "articles"
        empty.mkdir()
        settings = await settings_for(engine, server, Path(tmp), articles_dir=empty)
        async with App(settings) as app:
            service: ArticleService = app.services["articles"]
            started = time.perf_counter()
            await import_library(service, library, rng, n_articles)
            elapsed = time.perf_counter() - started
            print(
                f"import: {n_articles} articles in {elapsed:.1f} s ({n_articles / elapsed:.0f}/s)"
            )
            if table is not None:
                table.record("import (articles a second)", n_articles / elapsed, "/s")

            # Bulk ratings straight into the table (the stats triggers still run).
            started = time.perf_counter()
            pairs = {
                (rng.randint(1, n_articles), rng.randint(1, n_ratings // 2))
                for _ in range(n_ratings)
            }
            while len(pairs) < n_ratings:
                pairs.add((rng.randint(1, n_articles), rng.randint(1, n_ratings)))
            async with app.db.write() as conn:
                await conn.executemany(
                    "INSERT INTO article_ratings (article_id, user_id, stars, rated_at) "
                    "VALUES (?, ?, ?, '2026-01-01')",
                    [(a, u, rng.randint(1, 5)) for a, u in pairs],
                )
            print(f"seed ratings: {len(pairs)} in {time.perf_counter() - started:.1f} s")

            started = time.perf_counter()
            await service.catalog()
            print(
                f"catalogue warm-up (titles, tags, vocabulary): {time.perf_counter() - started:.2f} s"
            )

            queries, typos, broad = make_queries(library, rng)
            for name, batch in (
                ("search (1-3 content words)", queries),
                ("search (one misspelt word)", typos),
                ("search (broad: words in most articles)", broad),
            ):
                _report(name, await time_searches(service, batch), table)

            timings = []
            for _ in range(500):
                slug = f"article-{rng.randrange(n_articles)}"
                t = time.perf_counter()
                article = await service.resolve(slug)
                article_page(article, 1)
                timings.append(time.perf_counter() - t)
            _report("show (resolve + render page 1)", timings, table)

            # 500 members rate one article at the same moment, then everyone re-rates.
            target = 1
            before = await service.ratings.stats(target)
            members = range(10_000_000, 10_000_000 + raters)
            t = time.perf_counter()
            await asyncio.gather(*(service.ratings.rate(target, m, 4) for m in members))
            await asyncio.gather(*(service.ratings.rate(target, m, 5) for m in members))
            elapsed = time.perf_counter() - t
            print(
                f"ratings: {2 * raters} writes from {raters} concurrent raters in "
                f"{elapsed:.2f} s ({2 * raters / elapsed:.0f} writes/s)"
            )
            if table is not None:
                table.record("ratings (writes a second)", 2 * raters / elapsed, "/s")
            after = await service.ratings.stats(target)
            truth = await app.db.fetchone(
                "SELECT COUNT(*) AS c, SUM(stars) AS t FROM article_ratings WHERE article_id = ?",
                (target,),
            )
            mismatched = await app.db.fetchval(
                "SELECT COUNT(*) FROM article_rating_stats s LEFT JOIN ("
                " SELECT article_id, COUNT(*) AS c, SUM(stars) AS t FROM article_ratings"
                " GROUP BY article_id) r ON r.article_id = s.article_id"
                " WHERE s.count != COALESCE(r.c, 0) OR s.total != COALESCE(r.t, 0)"
            )
            total = await app.db.fetchval("SELECT COUNT(*) FROM article_ratings")
            lost = before.count + raters - after.count
            ok = lost == 0 and after.count == truth["c"] and after.total == truth["t"]
            print(
                f"votes: expected {before.count + raters} on the target, stored {after.count}; "
                f"{total} ratings in all; stats rows out of step: {mismatched}; "
                f"{'no vote lost or doubled' if ok and not mismatched else 'MISMATCH'}"
            )
            t = time.perf_counter()
            await service.top()
            top_ms = (time.perf_counter() - t) * 1000
            print(f"top (Bayesian, {n_articles} articles): {top_ms:.1f} ms")
            if table is not None:
                table.record("top (Bayesian)", top_ms)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.articles")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--raters", type=int, default=500)
    add_engine_argument(parser)
    args = parser.parse_args(argv)
    print(
        f"size: {args.articles} articles, {args.ratings} ratings, {args.raters} concurrent raters"
    )
    table = SideBySide()
    engines = chosen(args.engines)
    with servers(engines) as found:
        for engine, server in found.items():
            print(f"-- {engine}", flush=True)
            table.engine = engine
            asyncio.run(run(args.articles, args.ratings, args.raters, engine, server, table))
    table.print(list(found))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
