"""Importing articles from a folder of Markdown files or from an RSS/Atom feed.

A bad file or feed entry is reported with its name and the reason; every other one imports.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

import feedparser

from bot.articles.models import (
    ArticleFormatError,
    ArticleInput,
    normalise_tag,
    parse_markdown,
    slugify,
)
from bot.articles.service import ArticleService

log = logging.getLogger(__name__)
T = TypeVar("T")
Progress = Callable[[Iterable[T]], Iterable[T]]
#: Origin prefix of articles from the configured articles folder (``settings.articles_dir``).
SHIPPED_ORIGIN = "dir:"
MAX_FILE_BYTES = 512_000


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    restored: int = 0
    removed: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def changed(self) -> int:
        return self.new + self.updated + self.restored

    def summary(self) -> str:
        parts = [
            f"{self.new} new",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.restored:
            parts.append(f"{self.restored} restored")
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        parts.append(f"{len(self.failures)} failed")
        lines = ["Imported: " + ", ".join(parts) + "."]
        lines += [f"  {name}: {reason}" for name, reason in self.failures]
        return "\n".join(lines)


def _no_progress(items: Iterable[T]) -> Iterable[T]:
    return items


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _markdown_files(path: Path) -> tuple[Path, list[Path]] | None:
    """(the folder names are relative to, the files to import) for a folder of ``*.md`` files
    or a single ``.md`` file; ``None`` when ``path`` is neither."""
    if path.is_dir():
        return path, sorted(path.rglob("*.md"))
    if path.is_file() and path.suffix.lower() == ".md":
        return path.parent, [path]
    return None


def _in_shipped_folder(path: Path, shipped_dir: Path) -> tuple[Path, Path] | None:
    """(shipped folder, file), both resolved, when the file lives in the shipped folder."""
    try:
        folder, file = shipped_dir.resolve(), path.resolve()
        file.relative_to(folder)
    except (OSError, ValueError):
        return None
    return folder, file


def _read_article(path: Path) -> ArticleInput:
    """Read and parse one file (blocking; run in a thread)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ArticleFormatError(f"file is larger than {MAX_FILE_BYTES // 1000} kB")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ArticleFormatError("file is not UTF-8 text") from None
    except OSError as exc:
        raise ArticleFormatError(f"could not read the file ({exc.strerror})") from None
    try:
        return parse_markdown(text, default_slug=slugify(path.stem))
    except ArticleFormatError:
        raise
    except Exception as exc:
        # Whatever a file holds, it must not stop the import of the others (nor start-up,
        # which imports the shipped folder): it is reported like any other bad file.
        log.warning("Article file %s could not be parsed", path.name, exc_info=True)
        raise ArticleFormatError(f"the file could not be read ({type(exc).__name__})") from None


async def import_folder(
    service: ArticleService,
    folder: Path,
    *,
    progress: Progress[Path] = _no_progress,
    prune: bool | None = None,
) -> ImportReport:
    """Import every ``*.md`` under ``folder`` (or the one ``.md`` file ``folder`` names). The
    configured articles folder is the shipped library: articles whose file disappeared from it
    are taken out (ratings kept). A single file is never a reason to take others out."""
    report = ImportReport()
    found = await asyncio.to_thread(_markdown_files, folder)
    if found is None:
        report.failures.append((str(folder), "is not a folder or a .md file"))
        return report
    base, files = found
    shipped_dir = service.app.settings.articles_dir
    if base == folder:
        shipped = await asyncio.to_thread(_same_path, folder, shipped_dir)
        prune = shipped if prune is None else prune
    else:  # one file: keep its shipped origin if it lives in the shipped folder; prune nothing
        inside = await asyncio.to_thread(_in_shipped_folder, folder, shipped_dir)
        shipped = inside is not None
        if inside is not None:
            base, files = inside[0], [inside[1]]
        prune = False
    seen: dict[str, str] = {}
    for path in progress(files):
        name = str(path.relative_to(base))
        origin = f"{SHIPPED_ORIGIN}{name}" if shipped else f"file:{path.absolute()}"
        try:
            item = await asyncio.to_thread(_read_article, path)
            if item.slug in seen:
                raise ArticleFormatError(f"slug {item.slug!r} is also used by {seen[item.slug]}")
            seen[item.slug] = name
            report.count(await service.upsert(item, origin))
        except ArticleFormatError as exc:
            report.failures.append((name, str(exc)))
    if prune and not report.failures:
        # Only after a clean run: a file that failed to parse must not lose its article.
        report.removed = await service.remove_missing(SHIPPED_ORIGIN, set(seen))
    return report


# -- feeds -----------------------------------------------------------------------------------
class _TextExtractor(HTMLParser):
    """HTML -> plain text with paragraph breaks, enough for WordPress post bodies."""

    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _entry_date(entry: Any) -> date | None:
    for key in ("updated_parsed", "published_parsed"):
        # dict.get: feedparser's own get() maps the keys to each other with a warning.
        value = dict.get(entry, key)
        if value:
            return datetime(*value[:6], tzinfo=UTC).date()
    return None


def entry_to_input(entry: Any, feed_title: str) -> ArticleInput:
    title = html_to_text(entry.get("title") or "")
    if not title:
        raise ArticleFormatError("entry has no title")
    link = entry.get("link") or None
    contents = entry.get("content") or []
    body_html = contents[0].get("value", "") if contents else entry.get("summary", "")
    body = html_to_text(body_html or "")
    summary = html_to_text(entry.get("summary") or "") or body
    if not body:
        raise ArticleFormatError("entry has no text")
    summary = " ".join(summary.split())
    if len(summary) > 300:
        summary = summary[:297].rsplit(" ", 1)[0] + "…"
    slug_source = link.rstrip("/").rsplit("/", 1)[-1] if link else title
    slug = slugify(slug_source) or slugify(title)
    tags = tuple(
        dict.fromkeys(
            t for t in (normalise_tag(tag.get("term", "")) for tag in entry.get("tags", [])) if t
        )
    )
    return ArticleInput(
        slug=slug,
        title=title[:200],
        summary=summary,
        body=body,
        tags=tags[:20],
        sources=(feed_title,) if feed_title else (),
        last_reviewed=_entry_date(entry),
        url=link if link and link.startswith(("http://", "https://")) else None,
    ).validate()


def _parse_feed(source: str) -> Any:
    path = Path(source)
    if not source.startswith(("http://", "https://")) and not path.is_file():
        raise ArticleFormatError(f"{source[:80]} is neither a web address nor a file")
    return feedparser.parse(str(path) if path.is_file() else source)


async def import_feed(
    service: ArticleService, source: str, *, progress: Progress[Any] = _no_progress
) -> ImportReport:
    report = ImportReport()
    try:
        parsed = await asyncio.to_thread(_parse_feed, source)
    except ArticleFormatError as exc:
        report.failures.append((source, str(exc)))
        return report
    entries = list(parsed.entries)
    if not entries:
        reason = "no entries found"
        if parsed.get("bozo"):
            reason = f"not a readable RSS or Atom feed ({parsed.get('bozo_exception')})"
        report.failures.append((source, reason))
        return report
    feed_title = html_to_text(parsed.feed.get("title", "")) if parsed.get("feed") else ""
    origin = f"feed:{source}"
    seen: set[str] = set()
    for number, entry in enumerate(progress(entries), start=1):
        label = f"entry {number}"
        if entry.get("title"):
            label += f" ({html_to_text(entry['title'])[:50]})"
        try:
            item = entry_to_input(entry, feed_title)
            if item.slug in seen:
                raise ArticleFormatError(f"another entry in this feed has the slug {item.slug!r}")
            seen.add(item.slug)
            report.count(await service.upsert(item, origin))
        except ArticleFormatError as exc:
            report.failures.append((label, str(exc)))
    return report
