"""Article data, the disclaimer, and parsing of Markdown files with front matter."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import frontmatter
import yaml

#: Shown on every article display (Discord and console). The one place this text lives.
DISCLAIMER = (
    "Information and community experience only, not medical advice, diagnosis or treatment. "
    "Ask your doctor or another qualified health professional about any medical question, and "
    "never ignore professional advice or delay seeking it because of something read here."
)

WORDS_PER_MINUTE = 200
MAX_TITLE = 200
MAX_SUMMARY = 1000
MAX_BODY = 100_000
MAX_TAGS = 20
_SLUG_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ArticleFormatError(ValueError):
    """A source file or feed entry cannot become an article; the message says why."""


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-")


def normalise_tag(tag: str) -> str:
    return slugify(str(tag))


@dataclass(frozen=True)
class ArticleInput:
    """An article as read from a file or a feed entry, before it is stored."""

    slug: str
    title: str
    summary: str
    body: str
    takeaways: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    last_reviewed: date | None = None
    url: str | None = None

    @property
    def content_hash(self) -> str:
        payload = json.dumps(
            [
                self.slug,
                self.title,
                self.summary,
                self.body,
                self.takeaways,
                self.tags,
                self.sources,
                self.last_reviewed.isoformat() if self.last_reviewed else None,
                self.url,
            ]
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def validate(self) -> ArticleInput:
        if not _SLUG_OK.match(self.slug):
            raise ArticleFormatError(
                f"slug {self.slug!r} must be lower-case words joined by hyphens"
            )
        if not self.title.strip() or len(self.title) > MAX_TITLE:
            raise ArticleFormatError(f"title must be 1 to {MAX_TITLE} characters")
        if not self.summary.strip() or len(self.summary) > MAX_SUMMARY:
            raise ArticleFormatError(f"summary must be 1 to {MAX_SUMMARY} characters")
        if not self.body.strip():
            raise ArticleFormatError("the article has no body text")
        if len(self.body) > MAX_BODY:
            raise ArticleFormatError(f"body is longer than {MAX_BODY} characters")
        if len(self.tags) > MAX_TAGS:
            raise ArticleFormatError(f"at most {MAX_TAGS} tags")
        if self.url is not None and not re.match(r"^https?://\S+$", self.url):
            raise ArticleFormatError(f"url {self.url[:60]!r} must start with http:// or https://")
        return self


@dataclass(frozen=True)
class RatingStats:
    count: int = 0
    total: int = 0

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    def describe(self) -> str:
        if not self.count:
            return "No ratings yet: be the first"
        noun = "rating" if self.count == 1 else "ratings"
        return f"average {self.average:.1f} / 5 from {self.count} {noun}"


@dataclass(frozen=True)
class Article:
    id: int
    slug: str
    title: str
    summary: str
    body: str
    takeaways: tuple[str, ...]
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    last_reviewed: date | None
    url: str | None
    removed: bool = False
    stats: RatingStats = field(default_factory=RatingStats)

    @property
    def reading_minutes(self) -> int:
        words = len(self.body.split()) + len(self.summary.split())
        return max(1, round(words / WORDS_PER_MINUTE))

    @classmethod
    def from_row(cls, row: Any) -> Article:
        keys = row.keys()
        stats = RatingStats(
            int(row["count"] or 0) if "count" in keys else 0,
            int(row["total"] or 0) if "total" in keys else 0,
        )
        return cls(
            id=int(row["id"]),
            slug=row["slug"],
            title=row["title"],
            summary=row["summary"],
            body=row["body"],
            takeaways=tuple(json.loads(row["takeaways"])),
            tags=split_tags(row["tags"]),
            sources=tuple(json.loads(row["sources"])),
            last_reviewed=date.fromisoformat(row["last_reviewed"])
            if row["last_reviewed"]
            else None,
            url=row["url"],
            removed=row["removed_at"] is not None,
            stats=stats,
        )


_BLOCK_START = re.compile(r"^\s*(?:[-*•>]|#{1,6}\s|\d+[.)]\s|```)")


def unwrap_markdown(text: str) -> str:
    """Join hard-wrapped lines inside paragraphs (Discord shows every newline), keeping
    blank lines, headings, list items and quotes on their own lines."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        joinable = (
            out
            and stripped
            and out[-1].strip()
            and not _BLOCK_START.match(line)
            and not out[-1].lstrip().startswith("#")
        )
        if joinable:
            out[-1] = f"{out[-1].rstrip()} {stripped}"
        else:
            out.append(line.rstrip())
    return "\n".join(out).strip()


def split_tags(text: str) -> tuple[str, ...]:
    return tuple(t for t in text.split(",") if t)


def _string_list(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ArticleFormatError(f"`{name}` must be a list of text lines")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ArticleFormatError(
            f"last_reviewed {str(value)[:30]!r} is not a date like 2026-01-31"
        ) from None


def parse_markdown(text: str, *, default_slug: str) -> ArticleInput:
    """Front matter + Markdown body -> :class:`ArticleInput`, or :class:`ArticleFormatError`."""
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ArticleFormatError(f"the front matter is not valid YAML{where}") from None
    meta = post.metadata
    if not meta:
        raise ArticleFormatError("no front matter: start the file with a --- block")
    title = str(meta.get("title") or "").strip()
    if not title:
        raise ArticleFormatError("front matter has no `title`")
    summary = str(meta.get("summary") or "").strip()
    if not summary:
        raise ArticleFormatError("front matter has no `summary`")
    url = meta.get("url")
    tags = tuple(
        dict.fromkeys(t for t in map(normalise_tag, _string_list(meta.get("tags"), "tags")) if t)
    )
    return ArticleInput(
        slug=str(meta.get("slug") or default_slug).strip(),
        title=title,
        summary=" ".join(summary.split()),
        body=unwrap_markdown(post.content),
        takeaways=_string_list(meta.get("takeaways"), "takeaways"),
        tags=tags,
        sources=_string_list(meta.get("sources"), "sources"),
        last_reviewed=_as_date(meta.get("last_reviewed")),
        url=str(url).strip() if url else None,
    ).validate()
