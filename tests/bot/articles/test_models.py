from __future__ import annotations

from datetime import date
from pathlib import Path

import frontmatter
import pytest

from bot.articles.models import (
    ArticleFormatError,
    RatingStats,
    parse_markdown,
    slugify,
    unwrap_markdown,
)
from bot.settings import DATA_DIR
from tests.bot.articles.conftest import article_text

SHIPPED = sorted((DATA_DIR / "articles").glob("*.md"))


def test_parse_valid_article() -> None:
    item = parse_markdown(
        article_text("my-slug", "Title: with colon", "Line one\ncontinues here.\n\n- a\n- b"),
        default_slug="x",
    )
    assert item.slug == "my-slug"
    assert item.title == "Title: with colon"
    assert item.last_reviewed == date(2026, 1, 31)
    assert item.takeaways == ("One thing to remember",)
    assert item.body == "Line one continues here.\n\n- a\n- b"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("just text, no front matter", "no front matter"),
        ("---\ntitle: [unclosed\n---\nbody", "not valid YAML"),
        ("---\nsummary: s\n---\nbody", "no `title`"),
        ("---\ntitle: t\n---\nbody", "no `summary`"),
        ("---\ntitle: t\nsummary: s\n---\n", "no body"),
        ("---\ntitle: t\nsummary: s\nslug: Bad Slug\n---\nb", "slug"),
        ("---\ntitle: t\nsummary: s\nlast_reviewed: yesterday\n---\nb", "not a date"),
        ("---\ntitle: t\nsummary: s\nurl: ftp://x\n---\nb", "http"),
        ("---\ntitle: t\nsummary: s\ntags: {a: 1}\n---\nb", "list"),
    ],
)
def test_parse_reports_reason(text: str, reason: str) -> None:
    with pytest.raises(ArticleFormatError, match=reason):
        parse_markdown(text, default_slug="fallback")


def test_slug_defaults_to_file_name() -> None:
    item = parse_markdown(
        "---\ntitle: T\nsummary: S\n---\nBody", default_slug=slugify("Ünïcode File")
    )
    assert item.slug == "unicode-file"


def test_content_hash_changes_with_content() -> None:
    a = parse_markdown(article_text("s", body="one"), default_slug="s")
    b = parse_markdown(article_text("s", body="two"), default_slug="s")
    assert (
        a.content_hash
        == parse_markdown(article_text("s", body="one"), default_slug="s").content_hash
    )
    assert a.content_hash != b.content_hash


def test_unwrap_keeps_lists_and_headings() -> None:
    text = "## Head\nPara line\nnext line\n\n- item one\n  continues\n- item two\n1. first"
    assert unwrap_markdown(text) == (
        "## Head\nPara line next line\n\n- item one continues\n- item two\n1. first"
    )


def test_rating_stats_wording() -> None:
    assert RatingStats().describe() == "No ratings yet: be the first"
    assert RatingStats(1, 4).describe() == "average 4.0 / 5 from 1 rating"
    assert RatingStats(28, 120).describe() == "average 4.3 / 5 from 28 ratings"


def test_at_least_eight_shipped_articles() -> None:
    assert len(SHIPPED) >= 8


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_article_front_matter_complete(path: Path) -> None:
    meta = frontmatter.loads(path.read_text(encoding="utf-8")).metadata
    for key in ("slug", "title", "summary", "takeaways", "tags", "sources", "last_reviewed"):
        assert meta.get(key), f"{path.name} lacks {key}"
    item = parse_markdown(path.read_text(encoding="utf-8"), default_slug=path.stem)
    assert item.slug == path.stem
    assert len(item.body.split()) > 150


# -- one bad article must never stop anything (issue "Hardening", item 1) ----------------------
@pytest.mark.parametrize("day", ["2026-13-45", "2026-02-30"])
def test_impossible_date_is_a_format_error_with_the_file_line(day: str) -> None:
    text = f"---\ntitle: T\nsummary: S\nlast_reviewed: {day}\n---\nbody"
    with pytest.raises(ArticleFormatError, match=rf"^line 4: `{day}` is not a real date"):
        parse_markdown(text, default_slug="x")


def test_yaml_error_line_counts_from_the_top_of_the_file() -> None:
    # Two blank lines, the --- line, then the bad line is line 5 of the file (line 2 of the YAML).
    text = "\n\n---\ntitle: T\nsummary: a: b\n---\nbody"
    with pytest.raises(ArticleFormatError, match=r"^line 5: the front matter is not valid YAML"):
        parse_markdown(text, default_slug="x")


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("[a, b]", "a list"),
        ("{a: 1}", "a group of fields"),
        ("yes", "yes/no"),
        (".nan", "a special value"),
    ],
)
def test_title_must_be_text(value: str, kind: str) -> None:
    text = f"---\nslug: x\ntitle: {value}\nsummary: S\n---\nbody"
    with pytest.raises(ArticleFormatError, match=rf"^line 3: `title` must be text, not {kind}"):
        parse_markdown(text, default_slug="x")


def test_a_number_is_still_a_fine_title() -> None:
    assert parse_markdown("---\ntitle: 1984\nsummary: S\n---\nb", default_slug="x").title == "1984"


@pytest.mark.parametrize(
    "value",
    ["9" * 5000, "[" * 100_000, "{a: " * 3000, "&a [*a]", "!!python/object:os.system x"],
    ids=["5000 digits", "deep list", "deep mapping", "alias loop", "python tag"],
)
def test_hostile_front_matter_is_a_format_error(value: str) -> None:
    with pytest.raises(ArticleFormatError):
        parse_markdown(f"---\ntitle: {value}\nsummary: S\n---\nbody", default_slug="x")


def test_field_errors_name_their_line() -> None:
    text = "---\ntitle: T\nsummary: S\nslug: Bad Slug\nurl: ftp://x\n---\nbody"
    with pytest.raises(ArticleFormatError, match=r"^line 4: slug 'Bad Slug'"):
        parse_markdown(text, default_slug="x")
