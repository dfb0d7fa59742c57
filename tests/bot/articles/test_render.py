"""What a member reads about articles: search notes, tag matches, pages and the disclaimer."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.articles import DISCLAIMER
from bot.articles.render import (
    SHORT_DISCLAIMER,
    article_page,
    page_count,
    search_reply,
    tag_snippet,
)
from bot.errors import UserError
from bot.replies import render_text
from tests.bot.articles.conftest import service


async def test_a_corrected_word_is_said_even_when_other_notes_apply(app: App) -> None:
    results = await service(app).search("unbalanced")
    text = render_text(search_reply(results))
    assert "No article uses “unbalanced”, so I searched for “balance”." in text
    # Corrected, then no article has every word: both are said, neither replaces the other.
    results = await service(app).search("weekness rollator zebra")
    text = render_text(search_reply(results))
    assert "so I searched for “weakness”" in text and "some of them" in text


async def test_exact_words_get_no_correction_note(app: App) -> None:
    text = render_text(search_reply(await service(app).search("fatigue")))
    assert "searched for" not in text


@pytest.mark.parametrize("query", ["the", "how to", "What is it and how do I"])
async def test_only_stop_words_is_too_general(app: App, query: str) -> None:
    with pytest.raises(UserError, match="too general"):
        await service(app).search(query)


async def test_a_stop_word_beside_a_real_word_still_searches(app: App) -> None:
    results = await service(app).search("the fatigue")
    assert results.hits


def test_tag_snippets_read_as_words() -> None:
    assert tag_snippet("exercise,motivation,[[fatigue]],community") == (
        "Tagged: exercise, motivation, **fatigue**, community"
    )
    assert tag_snippet("…walking,[[heat]]-sensitivity") == "Tagged: walking, **heat-sensitivity**"
    assert tag_snippet("Fatigue is [[common]] in MS") is None  # an ordinary text snippet
    assert tag_snippet("[[Canes]], rollators") is None


async def test_a_tag_match_shows_tags_not_the_raw_column(app: App) -> None:
    results = await service(app).search("fatigue")
    text = render_text(search_reply(results))
    assert "Tagged: exercise, motivation, **fatigue**, community" in text
    assert ",**fatigue**," not in text and "[[" not in text


async def test_first_page_has_the_full_disclaimer_and_later_pages_one_line(app: App) -> None:
    article = await service(app).resolve("mobility-aids")
    total = page_count(article)
    assert total >= 2
    first = article_page(article, 1)
    assert DISCLAIMER in render_text(first)
    for page in range(2, total + 1):
        reply = article_page(article, page)
        text = render_text(reply)
        assert SHORT_DISCLAIMER in text and DISCLAIMER not in text
        assert reply.title == article.title  # no "part 1 of 1" to disagree with the footer
        assert reply.footer is not None and reply.footer.startswith(f"Page {page} of {total} ")
