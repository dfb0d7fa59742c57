"""The catalogue kept up to date article by article, and searches that stay flat."""

from __future__ import annotations

import contextlib
import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import App
from bot.articles.models import ArticleInput
from bot.articles.search import MIN_FUZZY_LENGTH, Vocabulary, vocabulary_words, words
from bot.articles.service import _Catalog
from bot.errors import NotFoundError
from tests.bot.articles.conftest import service

WORDS = ["fatigue", "walking", "balance", "stretching", "cooling", "spasticity", "bladder", "sleep"]


@given(st.lists(st.tuples(st.booleans(), st.sets(st.sampled_from([*WORDS, "numbness"])))))
def test_vocabulary_keeps_a_word_while_any_article_uses_it(
    changes: list[tuple[bool, set[str]]],
) -> None:
    vocabulary = Vocabulary()
    uses: Counter[str] = Counter()
    live: list[set[str]] = []
    for adding, article_words in changes:
        if adding or not live:
            vocabulary.add(article_words)
            uses.update(article_words)
            live.append(article_words)
        else:
            gone = live.pop(0)
            vocabulary.discard(gone)
            uses.subtract(gone)
        expected = {w for w, n in uses.items() if n > 0}
        assert set(vocabulary) == expected and len(vocabulary) == len(expected)
        assert all(w in vocabulary for w in expected)


@given(st.text())
def test_an_articles_vocabulary_is_its_long_words_as_searches_split_them(text: str) -> None:
    assert vocabulary_words(text) == {w for w in words(text) if len(w) >= MIN_FUZZY_LENGTH}


def test_correction_does_not_depend_on_the_order_words_arrived() -> None:
    words = ["balance", "balanse", "valance", "fatigue"]
    results = set()
    for seed in range(20):
        shuffled = words[:]
        random.Random(seed).shuffle(shuffled)
        vocabulary = Vocabulary()
        for word in shuffled:
            vocabulary.add([word])
        vocabulary.discard(["balanse"])
        results.add(vocabulary.correct("balanc"))
    assert results == {"balance"}


def article(n: int, title: str, body: str, tags: tuple[str, ...] = ("basics",)) -> ArticleInput:
    return ArticleInput(f"article-{n}", title, f"Summary {n}.", body, tags=tags)


async def test_incremental_catalogue_equals_a_fresh_build(
    empty_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = service(empty_app)
    catalog = await svc.catalog()  # built once, at start
    rebuilt = 0
    original_build = _Catalog.build

    def counting_build(rows: list[object]) -> _Catalog:
        nonlocal rebuilt
        rebuilt += 1
        return original_build(rows)  # type: ignore[arg-type]

    monkeypatch.setattr(_Catalog, "build", staticmethod(counting_build))
    rng = random.Random(5)
    for step in range(150):
        n = rng.randrange(25)
        body = " ".join(rng.choices(WORDS, k=rng.randint(1, 6)))
        tags = tuple(sorted(set(rng.choices(("heat", "exercise", "sleep-tips"), k=2))))
        if rng.random() < 0.25:
            with contextlib.suppress(NotFoundError):  # not there (yet, or any more)
                await svc.remove(f"article-{n}")
        else:
            await svc.upsert(article(n, f"Title {n} {WORDS[step % len(WORDS)]}", body, tags), "t:")
    assert rebuilt == 0  # every change was applied on its own: nothing rebuilt the library
    rows = await empty_app.db.fetchall(
        "SELECT id, slug, title, summary, body, takeaways, tags FROM articles "
        "WHERE removed_at IS NULL"
    )
    fresh = original_build(rows)
    assert set(catalog.vocabulary) == set(fresh.vocabulary)
    assert catalog.titles == fresh.titles and catalog.labels == fresh.labels
    assert catalog.slugs == fresh.slugs and catalog.slug_of == fresh.slug_of
    assert catalog.tags == fresh.tags and list(catalog.tags) == sorted(catalog.tags)


async def test_a_new_articles_words_correct_typos_at_once(empty_app: App) -> None:
    svc = service(empty_app)
    await svc.catalog()
    await svc.upsert(article(1, "Uhthoff phenomenon", "Heat can bring symptoms back."), "t:")
    results = await svc.search("uhthof")
    assert results.prepared.corrected == ("uhthoff",) and results.hits[0].slug == "article-1"
    await svc.remove("article-1")
    assert "uhthoff" not in (await svc.catalog()).vocabulary
    assert (await svc.autocomplete("uhthoff")) == []


async def test_counts_stop_at_the_cap_and_say_over(
    empty_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.articles.service.BROAD_MATCHES", 3)
    svc = service(empty_app)
    for n in range(10):
        await svc.upsert(article(n, f"Note {n}", "Cooling vests help with heat."), "t:")
    await svc.upsert(article(20, "Sleep", "Rest well."), "t:")
    broad = await svc.search("cooling")
    assert broad.matches == 4  # counting stopped just past the cap
    assert broad.match_count == "over 3 articles"
    assert broad.note is not None and "Over 3 articles" in broad.note
    assert len(broad.hits) == 5
    narrow = await svc.search("rest")
    assert narrow.matches == 1 and narrow.match_count == "1 article" and narrow.note is None


async def test_broad_queries_list_the_newest_title_matches_first(
    empty_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.articles.service.BROAD_MATCHES", 3)
    monkeypatch.setattr("bot.articles.service.BROAD_WINDOW", 6)
    svc = service(empty_app)
    await svc.upsert(article(0, "Heat and MS", "Old article about heat."), "t:")  # outside
    for n in range(1, 9):
        title = "Heat tips" if n in (2, 5) else f"Note {n}"
        await svc.upsert(article(n, title, "Heat makes symptoms worse."), "t:")
    results = await svc.search("heat", limit=4)
    # The 6 newest matches are articles 3 to 8: title matches (5) first, then the newest.
    assert [h.slug for h in results.hits] == ["article-5", "article-8", "article-7", "article-6"]
