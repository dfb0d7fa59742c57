from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.articles.models import ArticleInput
from bot.articles.search import MAX_QUERY_WORDS, Vocabulary, prepare
from bot.articles.service import ArticleSuggestions
from bot.errors import UserError
from bot.storage.dialects.postgresql import POSTGRESQL
from bot.storage.dialects.sqlite import SQLITE
from tests.bot.articles.conftest import service


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("weekness", "muscle-weakness-causes"),
        ("excercise weekness", "exercising-with-weakness"),
        ("scam", "spotting-miracle-cure-scams"),
        ("rollator", "mobility-aids"),
        ("baclofen", "medication-side-effects-and-weakness"),
        ("occupational therapist", "physical-and-occupational-therapy"),
    ],
)
async def test_search_finds_shipped_article(app: App, query: str, slug: str) -> None:
    results = await service(app).search(query)
    assert slug in [hit.slug for hit in results.hits[:3]]


async def test_typo_is_corrected_not_stemmed_to_a_wrong_word(app: App) -> None:
    results = await service(app).search("weekness")
    assert results.prepared.corrected == ("weakness",)
    assert results.prepared.corrections == (("weekness", "weakness"),)


async def test_title_match_outranks_body_mentions(empty_app: App) -> None:
    svc = service(empty_app)
    # bm25 needs a library where "heat" is not in every article, as in real life.
    for n in range(4):
        await svc.upsert(ArticleInput(f"filler-{n}", f"Filler {n}", "Other.", "Walking."), "t:")
    body_heavy = "Heat heat heat and more heat. " * 10
    await svc.upsert(
        ArticleInput("body-heavy", "Summer tips", "About summer.", body_heavy), "test:"
    )
    await svc.upsert(
        ArticleInput("title-hit", "Heat and MS", "About summer.", "Keep cool in summer."), "test:"
    )
    results = await svc.search("heat")
    assert [h.slug for h in results.hits] == ["title-hit", "body-heavy"]


@pytest.mark.parametrize(
    "query",
    ['"', '"fatigue', "fatigue*", "NEAR(fatigue weakness)", "fatigue AND OR NOT", "-x", "^:()"],
)
async def test_fts_syntax_never_raises(app: App, query: str) -> None:
    try:
        results = await service(app).search(query)
    except UserError:
        return  # nothing searchable is a friendly answer, not a crash
    assert isinstance(results.hits, list)


@pytest.mark.parametrize("query", ["", "   ", "!!! ???"])
async def test_empty_query_is_a_friendly_error(app: App, query: str) -> None:
    with pytest.raises(UserError):
        await service(app).search(query)


async def test_huge_query_is_cut_and_said_so(app: App) -> None:
    results = await service(app).search("fatigue " + "word " * 2000)
    assert results.note is not None and "first words" in results.note
    assert len(results.prepared.terms) <= MAX_QUERY_WORDS


async def test_removed_articles_are_not_found(app: App) -> None:
    svc = service(app)
    await svc.remove("spotting-miracle-cure-scams")
    results = await svc.search("scam")
    assert "spotting-miracle-cure-scams" not in [h.slug for h in results.hits]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(min_size=1, max_size=80))
async def test_any_text_is_safe(app: App, query: str) -> None:
    with contextlib.suppress(UserError):
        await service(app).search(query)


def test_vocabulary_correction_rules() -> None:
    vocab = Vocabulary.from_texts(["weakness exercise fatigue"])
    assert vocab.correct("weekness") == "weakness"
    assert vocab.correct("fatige") == "fatigue"
    assert vocab.correct("cat") == "cat"  # too short to guess safely
    assert vocab.correct("zzzzzzzz") == "zzzzzzzz"
    prepared = prepare("the weekness and the fatigue", vocab)
    assert prepared.terms == ("weekness", "fatigue")
    assert prepared.corrected == ("weakness", "fatigue")
    assert SQLITE.search.match(prepared.corrected, any_word=False) == '"weakness" "fatigue"'
    assert POSTGRESQL.search.match(prepared.corrected, any_word=True) == "weakness or fatigue"


async def test_resolve_by_slug_title_and_unknown(app: App) -> None:
    svc = service(app)
    assert (await svc.resolve("mobility-aids")).slug == "mobility-aids"
    assert (
        await svc.resolve("how to SPOT miracle-cure  scams")  # the title, any case and spacing
    ).slug == "spotting-miracle-cure-scams"
    with pytest.raises(UserError, match="couldn't find"):
        await svc.resolve("qwxzv")
    with pytest.raises(UserError):
        await svc.resolve("  ")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Five minutes on a bad dya", "five-minutes-on-a-bad-day"),  # a typo in the title
        ("weak", "fatigue-and-weakness"),  # a word, not a name
        ("scams", "spotting-miracle-cure-scams"),
    ],
)
async def test_resolve_never_acts_on_a_guess(app: App, typed: str, expected: str) -> None:
    """Issue "Hardening", item 11: only an exact slug, title or number is acted on; anything
    else is "Did you mean ...?" with at most three choices."""
    with pytest.raises(ArticleSuggestions) as info:
        await service(app).resolve(typed)
    slugs = [s.slug for s in info.value.suggestions]
    assert expected in slugs and len(slugs) <= 3
    assert "Did you mean" in info.value.message


async def test_autocomplete_matches_titles_and_tags(app: App) -> None:
    svc = service(app)
    slugs = [slug for _, slug in await svc.autocomplete("scams")]
    assert slugs[0] == "spotting-miracle-cure-scams"
    by_tag = [slug for _, slug in await svc.autocomplete("pacing")]
    assert "fatigue-and-weakness" in by_tag
    assert len(await svc.autocomplete("")) == 8


async def test_list_by_tag_pages_and_unknown_tag(app: App) -> None:
    svc = service(app)
    articles, total, pages, tag = await svc.list_articles("excercise", 1)
    assert tag == "exercise" and total == len(articles) >= 2 and pages == 1
    first, total, pages, _ = await svc.list_articles(None, 1, per_page=3)
    second, *_ = await svc.list_articles(None, 2, per_page=3)
    assert total == 8 and pages == 3 and len(first) == 3
    assert not {a.id for a in first} & {a.id for a in second}
    with pytest.raises(UserError, match="Tags in use"):
        await svc.list_articles("astrophysics", 1)


async def test_broad_queries_rank_title_fields_first_then_fill_from_body(
    empty_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.articles.service.BROAD_MATCHES", 2)
    svc = service(empty_app)
    for n in range(6):
        await svc.upsert(ArticleInput(f"body-{n}", f"Note {n}", "Other.", "heat " * 5), "t:")
    await svc.upsert(ArticleInput("in-title", "Heat and MS", "Keep cool.", "Some text."), "t:")
    for n in range(4):
        await svc.upsert(ArticleInput(f"other-{n}", f"Walk {n}", "Walk.", "Walking."), "t:")
    results = await svc.search("heat", limit=3)
    assert results.hits[0].slug == "in-title"
    assert len(results.hits) == 3 and all(h.slug.startswith(("in-", "body-")) for h in results.hits)


async def test_snippet_highlights_without_broken_markdown(app: App) -> None:
    from bot.articles.render import search_reply

    results = await service(app).search("cure")
    text = search_reply(results).fields[0].value
    assert "**cure**" in text and "[[" not in text and "##" not in text


async def test_snippet_heading_ends_before_the_next_sentence(app: App) -> None:
    """Read aloud, a heading must not run into the sentence after it."""
    from bot.articles.render import search_reply

    results = await service(app).search("weak")
    [text] = [
        f.value for f in search_reply(results).fields if "exercising-with-weakness" in f.value
    ]
    assert "two kinds of training. Not all **weakness**" in text
    assert "training Not" not in text and "##" not in text


def test_snippet_text_separates_headings_items_and_paragraphs() -> None:
    from bot.articles.render import snippet_text

    raw = "## Two kinds of [[weak]]\n\nNot all [[weakness]] is alike\n- Rest between sets\n- Pace…"
    assert snippet_text(raw) == (
        "Two kinds of **weak**. Not all **weakness** is alike. Rest between sets. Pace…"
    )
    # Existing punctuation is kept, not doubled; a mid-sentence fragment is left alone.
    assert snippet_text("## Is it a relapse?\nAsk your nurse.") == (
        "Is it a relapse? Ask your nurse."
    )
    assert (
        snippet_text("…a heading cut short [[here]]\n\nNext")
        == "…a heading cut short **here**. Next"
    )
    assert snippet_text("…arrives [[weak]], late or…") == "…arrives **weak**, late or…"
    # A heading alone still ends clearly.
    assert snippet_text("### [[Safety]] first ###") == "**Safety** first."
