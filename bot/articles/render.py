"""Replies for articles: what the cog shows, built in the core."""

from __future__ import annotations

import re

from bot.articles.models import DISCLAIMER, Article
from bot.articles.ratings import Feedback, RatingOutcome
from bot.articles.service import PAGE_SIZE, SearchResults
from bot.i18n import N_, _, ngettext, number
from bot.replies import Reply, Tone, chunk_text

PAGE_CHARS = 1800
# The bot's words around an article are translated; the article's own title, summary, body,
# takeaways and sources stay in the language they were written in.
DISCLAIMER_FIELD = N_("Please note")
#: Later pages carry this one line; the first page (and a shared post) the full DISCLAIMER.
SHORT_DISCLAIMER = N_("Not medical advice: ask a health professional about your own care.")
PAGE_FOOTER = N_("Page {page} of {total} · article {slug}")
TAGGED = N_("Tagged: {tags}")
CORRECTED = N_("No article uses “{typed}”, so I searched for “{used}”.")


def _bullets(items: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def _tags(article: Article) -> str:
    return ", ".join(article.tags) if article.tags else _("none")


_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.MULTILINE)
_HASHES = re.compile(r"(?:^|\s)#{1,6}\s")


def display_markdown(text: str) -> str:
    """Headings become bold lines: they read the same everywhere, embeds included."""
    return _HEADING.sub(r"**\1**", text)


def body_pages(article: Article) -> list[str]:
    return chunk_text(display_markdown(article.body), PAGE_CHARS)


def page_count(article: Article) -> int:
    return 1 + len(body_pages(article))


def article_page(article: Article, page: int) -> Reply:
    """Page 1 is the overview with the full disclaimer; pages 2.. are the body with a one-line
    reminder. The page number is said once, in the footer, counting the overview as page 1."""
    bodies = body_pages(article)
    total = 1 + len(bodies)
    page = min(max(1, page), total)
    if page == 1:
        reply = Reply(title=article.title, body=article.summary, url=article.url)
        if article.takeaways:
            reply.add_field(_("Key takeaways"), _bullets(article.takeaways))
        minutes = article.reading_minutes
        reply.add_field(
            _("Reading time"),
            ngettext("About {count} minute", "About {count} minutes", minutes).format(
                count=number(minutes)
            ),
            True,
        )
        reply.add_field(_("Tags"), _tags(article), True)
        reviewed = article.last_reviewed.isoformat() if article.last_reviewed else _("not given")
        reply.add_field(_("Last reviewed"), reviewed, True)
        reply.add_field(_("Ratings"), article.stats.describe())
        if article.sources:
            reply.add_field(_("Sources"), "; ".join(article.sources))
        reply.add_field(_(DISCLAIMER_FIELD), _(DISCLAIMER))
    else:
        reply = Reply(title=article.title, body=bodies[page - 2], url=article.url)
        reply.add_field(_(DISCLAIMER_FIELD), _(SHORT_DISCLAIMER))
    reply.footer = _(PAGE_FOOTER).format(page=page, total=total, slug=article.slug)
    return reply


_CLOSING_HASHES = re.compile(r"\s+#+$")
_BULLET = re.compile(r"^[-•+]\s+")
_SENTENCE_END = (".", "!", "?", ":", ";", "…")


def snippet_text(raw: str) -> str:
    """One line of plain text with the matches in bold, from an FTS snippet with [[ ]] marks.

    The snippet keeps the article's line breaks; joined with a bare space a heading ran into
    the next sentence ("...two kinds of training Not all weakness..."), which a screen reader
    reads as one sentence. So a heading, list item or paragraph that stops without
    punctuation ends with ". " before the next line.
    """
    lines = [line.strip() for line in raw.split("\n")]
    lines = [line for line in lines if line]
    parts: list[str] = []
    for index, line in enumerate(lines):
        heading = line.startswith("#")
        if heading:
            line = _CLOSING_HASHES.sub("", line)
        # The article's own Markdown would clash with the highlight, so drop it first.
        text = _BULLET.sub("", _HASHES.sub(" ", line)).replace("*", "").replace("`", "")
        text = " ".join(text.split())
        if not text:
            continue
        bare = text.replace("[[", "").replace("]]", "")
        if (heading or index < len(lines) - 1) and not bare.endswith(_SENTENCE_END):
            text = text + "."
        parts.append(text)
    return " ".join(parts).replace("[[", "**").replace("]]", "**")


_TAG_LIST = re.compile(r"^[a-z0-9,\-…\[\]]+$")


def tag_snippet(raw: str) -> str | None:
    """``fatigue,[[heat]]-sensitivity`` (a match in the tags column) as words, else None.

    Tags are stored as one comma-joined string of lower-case slugs, the only column whose
    snippet has no space; shown raw it read as ``fatigue,**heat**-sensitivity``.
    """
    text = raw.strip()
    if not text or not _TAG_LIST.match(text) or "[[" not in text:
        return None
    tags = []
    for tag in text.split(","):
        bare = tag.replace("[[", "").replace("]]", "").strip("…")
        if bare:
            tags.append(f"**{bare}**" if "[[" in tag else bare)
    return _(TAGGED).format(tags=", ".join(tags))


def hit_text(snippet: str) -> str:
    return tag_snippet(snippet) or snippet_text(snippet)


def search_note(results: SearchResults) -> str:
    """Words the search changed, then how the hits were found: nothing is changed silently."""
    lines = [
        _(CORRECTED).format(typed=typed, used=used) for typed, used in results.prepared.corrections
    ]
    if results.note:
        lines.append(results.note)
    return "\n".join(lines)


def search_reply(results: SearchResults) -> Reply:
    if not results.hits:
        return Reply(
            body=_(
                "No article matches “{query}”. Try fewer or different words, or browse with "
                "/article list."
            ).format(query=results.query[:80]),
            tone=Tone.WARNING,
        )
    reply = Reply(
        title=_("Articles for “{query}”").format(query=results.query[:80]),
        body=search_note(results),
    )
    for position, hit in enumerate(results.hits, start=1):
        reply.add_field(
            f"{position}. {hit.title}",
            hit_text(hit.snippet) + "\n" + _("(open with: {slug})").format(slug=hit.slug),
        )
    reply.footer = _("Choose one to read it, or use /article show with its name.")
    return reply


def list_reply(
    articles: list[Article], total: int, page: int, pages: int, tag: str | None
) -> Reply:
    heading = _("Articles tagged {tag}").format(tag=tag) if tag else _("All articles")
    if not articles:
        return Reply(body=_("The library is empty for now."), tone=Tone.WARNING)
    lines = [
        f"{(page - 1) * PAGE_SIZE + n}. {a.title} ({a.slug}) · {a.stats.describe()}"
        for n, a in enumerate(articles, start=1)
    ]
    return Reply(
        title=heading,
        body="\n".join(lines),
        footer=ngettext(
            "Page {page} of {pages} · {total} article",
            "Page {page} of {pages} · {total} articles",
            total,
        ).format(page=page, pages=pages, total=number(total)),
    )


def top_reply(rows: list[tuple[Article, float]]) -> Reply:
    if not rows:
        return Reply(
            body=_("No article has been rated yet. Open one with /article show and rate it."),
            tone=Tone.WARNING,
        )
    lines = [
        f"{n}. {article.title} · {article.stats.describe()}"
        for n, (article, _score) in enumerate(rows, start=1)
    ]
    return Reply(
        title=_("Best rated articles"),
        body="\n".join(lines),
        footer=_("Ranked by average, weighted so a few ratings count less than many."),
    )


def rating_reply(outcome: RatingOutcome, *, feedback_saved: bool = False) -> Reply:
    body = outcome.describe()
    if feedback_saved:
        body += "\n" + _("Thank you: your feedback was passed to the editors.")
    return Reply(title=outcome.title, body=body, tone=Tone.SUCCESS)


def _feedback_line(item: Feedback) -> str:
    rated = _("{member} rated {stars}/5 on {day}:").format(
        member=f"<@{item.user_id}>", stars=item.stars, day=item.created_at[:10]
    )
    return f"{rated}\n{item.text}"


def feedback_list_reply(items: list[Feedback], open_count: int) -> Reply:
    if not items:
        return Reply(body=_("No open feedback. Nothing to do."), tone=Tone.SUCCESS)
    reply = Reply(
        title=_("Open article feedback"),
        footer=_("{count} open · resolve one with /article feedback resolve:<number>").format(
            count=number(open_count)
        ),
    )
    for item in items[:10]:
        reply.add_field(f"#{item.id} · {item.article_title}", _feedback_line(item))
    if open_count > 10:
        reply.body = _("Showing the oldest 10 of {count}.").format(count=number(open_count))
    return reply


def feedback_post(item: Feedback, slug: str) -> Reply:
    """What the feedback channel receives. Public to the channel's readers (editors)."""
    return (
        Reply(
            title=_("Feedback #{number} on “{title}”").format(
                number=item.id, title=item.article_title
            ),
            body=item.text,
            fields=[],
            footer=_("Article {slug} · resolve with /article feedback resolve:{number}").format(
                slug=slug, number=item.id
            ),
            private=False,
        )
        .add_field(_("Rating"), f"{item.stars}/5", True)
        .add_field(_("From"), f"<@{item.user_id}>", True)
    )
