"""Article data, the disclaimer, and parsing of Markdown files with front matter."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml

from bot.i18n import N_, _, decimal, ngettext, number

#: Shown on every article display (Discord and console). The one place this text lives.
DISCLAIMER = N_(
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
            return _("No ratings yet: be the first")
        return ngettext(
            "average {average} / 5 from {count} rating",
            "average {average} / 5 from {count} ratings",
            self.count,
        ).format(average=decimal(self.average or 0, 1), count=number(self.count))


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
    if not isinstance(value, list) or not all(_is_scalar_text(v) for v in value):
        raise ArticleFormatError(f"`{name}` must be a list of text lines")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _is_scalar_text(value: Any) -> bool:
    # YAML reads `title: 1984` as a number: that is still a fine title. A list, a mapping,
    # yes/no or a date is not text.
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int) and not isinstance(value, bool)


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


# -- front matter ------------------------------------------------------------------------------
#: ``---`` on the first line, the YAML, ``---`` on a line of its own, then the Markdown body.
_FRONT_MATTER = re.compile(
    r"\A\ufeff?(?:[ \t]*\r?\n)*-{3,}[ \t]*\r?\n(?P<yaml>.*?)^-{3,}[ \t]*(?:\r?\n|\Z)",
    re.DOTALL | re.MULTILINE,
)


class _UnreadableValue(yaml.constructor.ConstructorError):
    """Valid YAML whose value cannot exist, such as the date 2026-02-30."""


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a value it cannot build (``2026-13-45``, an integer
    with thousands of digits) is a YAML error with a position, not a bare ``ValueError``."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            if isinstance(exc, yaml.YAMLError):
                raise
            shown = str(node.value)[:30] if isinstance(node.value, str) else "this value"
            problem = (
                f"`{shown}` is not a real date (write it like 2026-01-31)"
                if node.tag.endswith(":timestamp")
                else f"`{shown}` cannot be read as a value; put it in quotes"
            )
            raise _UnreadableValue(None, None, problem, node.start_mark) from None


@dataclass(frozen=True)
class FrontMatter:
    """The parsed ``---`` block of an article file, with where each part sits in the file."""

    meta: dict[str, Any]
    body: str
    #: 1-based line of the file where the YAML starts (the line after the first ``---``).
    first_line: int
    yaml_text: str

    def line_of(self, key: str) -> int | None:
        """The file line of a top-level ``key:``, to point the editor at it."""
        pattern = re.compile(rf"^{re.escape(key)}\s*:", re.MULTILINE)
        match = pattern.search(self.yaml_text)
        if match is None:
            return None
        return self.first_line + self.yaml_text.count("\n", 0, match.start())

    def error(self, key: str, reason: str) -> ArticleFormatError:
        line = self.line_of(key)
        return ArticleFormatError(f"line {line}: {reason}" if line else reason)


def split_front_matter(text: str) -> FrontMatter:
    """Split and parse the front matter. Errors give the line counted from the top of the
    FILE (PyYAML counts from the start of the YAML it was given)."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise ArticleFormatError("no front matter: start the file with a --- block")
    first_line = text.count("\n", 0, match.start("yaml")) + 1
    yaml_text = match["yaml"]
    try:
        meta = yaml.load(yaml_text, Loader=_FrontMatterLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None)
        where = f"line {first_line + mark.line}: " if mark is not None else ""
        if isinstance(exc, _UnreadableValue):
            raise ArticleFormatError(f"{where}{problem}") from None
        why = f": {problem}" if problem else ""
        raise ArticleFormatError(f"{where}the front matter is not valid YAML{why}") from None
    except RecursionError:
        raise ArticleFormatError("the front matter is nested too deeply to read") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ArticleFormatError(
            f"line {first_line}: the front matter must be `name: value` lines, like `title: ...`"
        )
    return FrontMatter(meta, text[match.end() :], first_line, yaml_text)


def _text(front: FrontMatter, key: str) -> str:
    """A text field of the front matter, stripped; "" when absent. Lists, mappings, yes/no
    and dates are refused: ``title: [a, b]`` must not become the title "['a', 'b']"."""
    value = front.meta.get(key)
    if value is None:
        return ""
    if not _is_scalar_text(value):
        kind = {list: "a list", dict: "a group of fields", bool: "yes/no"}.get(
            type(value), "a special value"
        )
        raise front.error(
            key, f"`{key}` must be text, not {kind}; put it in quotes if it contains [ ] or :"
        )
    return str(value).strip()


def parse_markdown(text: str, *, default_slug: str) -> ArticleInput:
    """Front matter + Markdown body -> :class:`ArticleInput`, or :class:`ArticleFormatError`."""
    front = split_front_matter(text)
    if not front.meta:
        raise ArticleFormatError("no front matter: start the file with a --- block")
    title = _text(front, "title")
    if not title:
        raise ArticleFormatError("front matter has no `title`")
    summary = _text(front, "summary")
    if not summary:
        raise ArticleFormatError("front matter has no `summary`")
    try:
        tags = tuple(
            dict.fromkeys(
                t for t in map(normalise_tag, _string_list(front.meta.get("tags"), "tags")) if t
            )
        )
        takeaways = _string_list(front.meta.get("takeaways"), "takeaways")
        sources = _string_list(front.meta.get("sources"), "sources")
        last_reviewed = _as_date(front.meta.get("last_reviewed"))
        item = ArticleInput(
            slug=_text(front, "slug") or default_slug,
            title=title,
            summary=" ".join(summary.split()),
            body=unwrap_markdown(front.body),
            takeaways=takeaways,
            tags=tags,
            sources=sources,
            last_reviewed=last_reviewed,
            url=_text(front, "url") or None,
        ).validate()
    except ArticleFormatError as exc:
        key = _KEY_IN_REASON.search(str(exc))
        if key is None or str(exc).startswith("line "):
            raise
        raise front.error(key[1], str(exc)) from None
    return item


#: The field an ArticleInput/field error is about, to add its line number.
_KEY_IN_REASON = re.compile(r"^`?(slug|title|summary|tags|takeaways|sources|last_reviewed|url)\b")
