from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.__main__ import main as cli_main
from bot.app import App
from bot.articles.importer import html_to_text, import_feed, import_folder
from bot.errors import UserError
from bot.settings import Settings
from tests.bot.articles.conftest import article_text, service

RSS = textwrap.dedent(
    """\
    <?xml version="1.0" encoding="UTF-8"?>
    <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
    <channel>
      <title>Our MS Community</title>
      <link>https://example.org</link>
      <item>
        <title>Cooling vests &amp; summer walks</title>
        <link>https://example.org/2026/07/cooling-vests/</link>
        <category>heat</category><category>Mobility Aids</category>
        <pubDate>Tue, 07 Jul 2026 10:00:00 +0000</pubDate>
        <description>&lt;p&gt;How members stay cool outside.&lt;/p&gt;</description>
        <content:encoded><![CDATA[<p>A <b>cooling vest</b> helps.</p><ul><li>Walk early</li><li>Carry water</li></ul><script>x()</script>]]></content:encoded>
      </item>
      <item>
        <title></title>
        <link>https://example.org/untitled/</link>
        <description>No title here</description>
      </item>
      <item>
        <title>Stretching in bed</title>
        <link>https://example.org/stretching-in-bed/</link>
        <description>Gentle stretches you can do lying down.</description>
      </item>
    </channel>
    </rss>
    """
)

ATOM = textwrap.dedent(
    """\
    <?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom">
      <title>Atom site</title>
      <id>urn:x</id><updated>2026-05-01T00:00:00Z</updated>
      <entry>
        <title>Balance drills</title>
        <link href="https://example.net/balance-drills"/>
        <id>urn:1</id><updated>2026-05-01T00:00:00Z</updated>
        <summary>Three drills for steadier feet.</summary>
        <content type="html">&lt;p&gt;Stand near a counter.&lt;/p&gt;</content>
      </entry>
    </feed>
    """
)


async def test_startup_imports_shipped_articles(app: App) -> None:
    _articles, total, _, _ = await service(app).list_articles(None, 1)
    assert total >= 8


async def test_reimport_is_idempotent_and_ratings_survive_edit(
    empty_app: App, write_article: Callable[..., Path], library_settings: Settings
) -> None:
    svc = service(empty_app)
    folder = library_settings.articles_dir
    write_article("one.md", article_text("one", "First", "Original body."))
    write_article("two.md", article_text("two", "Second"))
    first = await import_folder(svc, folder)
    assert (first.new, first.unchanged, first.failures) == (2, 0, [])
    again = await import_folder(svc, folder)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)

    article = await svc.resolve("one")
    await svc.ratings.rate(article.id, 7, 5)
    write_article("one.md", article_text("one", "First, revised", "Edited body about fatigue."))
    edited = await import_folder(svc, folder)
    assert (edited.updated, edited.unchanged) == (1, 1)
    after = await svc.get(article.id)
    assert after.title == "First, revised" and after.stats.count == 1
    assert [h.slug for h in (await svc.search("fatigue")).hits] == ["one"]


async def test_bad_files_reported_by_name_while_others_import(
    empty_app: App, write_article: Callable[..., Path], library_settings: Settings
) -> None:
    write_article("good.md", article_text("good", "Good one"))
    write_article("broken.md", "---\ntitle: [oops\n---\nbody")
    write_article("z-dupe.md", article_text("good", "Same slug"))
    (library_settings.articles_dir / "latin1.md").write_bytes(
        "---\ntitle: caf\xe9\n".encode("latin-1")
    )
    report = await import_folder(service(empty_app), library_settings.articles_dir)
    reasons = dict(report.failures)
    assert report.new == 1
    assert "not valid YAML" in reasons["broken.md"]
    assert "also used by good.md" in reasons["z-dupe.md"]
    assert "UTF-8" in reasons["latin1.md"]
    assert "broken.md: " in report.summary()


async def test_removed_file_takes_article_out_and_keeps_ratings(
    empty_app: App, write_article: Callable[..., Path], library_settings: Settings
) -> None:
    svc = service(empty_app)
    path = write_article("gone.md", article_text("gone", "Soon gone"))
    write_article("stays.md", article_text("stays", "Stays"))
    await import_folder(svc, library_settings.articles_dir)
    article = await svc.resolve("gone")
    await svc.ratings.rate(article.id, 1, 4)
    path.unlink()
    report = await import_folder(svc, library_settings.articles_dir)
    assert report.removed == ["gone"]
    with pytest.raises(UserError, match="taken out"):
        await svc.ratings.rate(article.id, 2, 5)
    assert (await svc.ratings.stats(article.id)).count == 1
    write_article("gone.md", article_text("gone", "Soon gone"))
    back = await import_folder(svc, library_settings.articles_dir)
    assert back.restored == 1
    assert (await svc.get(article.id)).stats.count == 1
    assert [h.slug for h in (await svc.search("soon gone")).hits] == ["gone"]
    # The external-content index must still agree with the table after remove + restore.
    async with empty_app.db.write() as conn:
        await conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


async def test_failed_run_does_not_remove_articles(
    empty_app: App, write_article: Callable[..., Path], library_settings: Settings
) -> None:
    svc = service(empty_app)
    write_article("a.md", article_text("a", "Alpha"))
    await import_folder(svc, library_settings.articles_dir)
    write_article("a.md", "---\ntitle: [broken\n---\n")
    report = await import_folder(svc, library_settings.articles_dir)
    assert report.failures and report.removed == []
    assert (await svc.resolve("a")).title == "Alpha"


async def test_import_missing_folder_is_reported(empty_app: App, tmp_path: Path) -> None:
    report = await import_folder(service(empty_app), tmp_path / "nope")
    assert report.failures and "not a folder" in report.failures[0][1]


async def test_rss_feed_import_with_bad_entry(empty_app: App, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS, encoding="utf-8")
    svc = service(empty_app)
    report = await import_feed(svc, str(feed))
    assert report.new == 2
    assert report.failures == [("entry 2", "entry has no title")]
    article = await svc.resolve("cooling-vests")
    assert article.title == "Cooling vests & summer walks"
    assert article.tags == ("heat", "mobility-aids")
    assert article.url == "https://example.org/2026/07/cooling-vests/"
    assert "x()" not in article.body and "• Walk early" in article.body
    assert article.sources == ("Our MS Community",)
    assert (await import_feed(svc, str(feed))).unchanged == 2


async def test_atom_feed_and_unreadable_sources(empty_app: App, tmp_path: Path) -> None:
    svc = service(empty_app)
    atom = tmp_path / "atom.xml"
    atom.write_text(ATOM, encoding="utf-8")
    assert (await import_feed(svc, str(atom))).new == 1
    assert (await svc.resolve("balance drills")).body == "Stand near a counter."
    junk = tmp_path / "junk.xml"
    junk.write_text("this is <not a feed", encoding="utf-8")
    report = await import_feed(svc, str(junk))
    assert report.new == 0 and report.failures
    missing = await import_feed(svc, str(tmp_path / "missing.xml"))
    assert "neither a web address nor a file" in missing.failures[0][1]


def test_html_to_text() -> None:
    assert html_to_text("<p>One &amp; two</p><p>Three</p>") == "One & two\n\nThree"


def test_cli_import_and_import_feed(
    tmp_path: Path, write_article: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    os.environ["MSBOT_DATABASE_PATH"] = str(tmp_path / "cli.sqlite3")
    try:
        write_article("ok.md", article_text("cli-ok", "From the CLI"))
        write_article("bad.md", "no front matter")
        assert cli_main(["articles", "import", str(tmp_path / "articles")]) == 1
        out = capsys.readouterr().out
        assert "1 new" in out and "bad.md: no front matter" in out
        feed = tmp_path / "feed.xml"
        feed.write_text(ATOM, encoding="utf-8")
        assert cli_main(["articles", "import-feed", str(feed)]) == 0
        assert "1 new" in capsys.readouterr().out
    finally:
        del os.environ["MSBOT_DATABASE_PATH"]


async def test_feed_from_a_web_address(empty_app: App, tmp_path: Path) -> None:
    """The URL path, against a local web server (no internet needed)."""
    import functools
    import http.server
    import threading

    (tmp_path / "feed.xml").write_text(RSS, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        report = await import_feed(service(empty_app), url)
    finally:
        server.shutdown()
        server.server_close()
    assert report.new == 2 and len(report.failures) == 1


# -- one bad article must never stop anything (issue "Hardening", item 1) ----------------------
BAD_DATE = "---\ntitle: Bad date\nsummary: S\nlast_reviewed: 2026-13-45\n---\nbody\n"


async def test_impossible_date_is_reported_by_name_and_line_and_the_rest_imports(
    empty_app: App, write_article: Callable[..., Path], library_settings: Settings
) -> None:
    write_article("a-good.md", article_text("good", "Good one"))
    write_article("b-bad-date.md", BAD_DATE)
    write_article("c-list-title.md", "---\ntitle: [a, b]\nsummary: S\n---\nbody\n")
    write_article("d-good.md", article_text("also-good", "Also good"))
    report = await import_folder(service(empty_app), library_settings.articles_dir)
    assert report.new == 2
    reasons = dict(report.failures)
    assert reasons["b-bad-date.md"].startswith("line 4: `2026-13-45` is not a real date")
    assert reasons["c-list-title.md"].startswith("line 2: `title` must be text")


@pytest.mark.parametrize("command", [["migrate"], ["backup", "copy.sqlite3"]])
def test_a_bad_shipped_article_does_not_stop_migrate_or_backup(
    tmp_path: Path,
    write_article: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    write_article("bad.md", BAD_DATE)
    write_article("good.md", article_text("good", "Good one"))
    monkeypatch.setenv("MSBOT_DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    monkeypatch.setenv("MSBOT_ARTICLES_DIR", str(tmp_path / "articles"))
    assert cli_main(command) == 0


async def test_a_single_md_file_imports_and_takes_nothing_out(
    empty_app: App, write_article: Callable[..., Path], library_settings: Settings
) -> None:
    svc = service(empty_app)
    write_article("one.md", article_text("one", "One"))
    two = write_article("two.md", article_text("two", "Two"))
    await import_folder(svc, library_settings.articles_dir)
    two.write_text(article_text("two", "Two, revised"), encoding="utf-8")
    report = await import_folder(svc, two)
    assert (report.updated, report.removed, report.failures) == (1, [], [])
    assert (await svc.resolve("one")).title == "One"
    again = await import_folder(svc, library_settings.articles_dir)  # same origin as before
    assert (again.unchanged, again.updated) == (2, 0)


def test_cli_imports_a_single_md_file(
    tmp_path: Path, write_article: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSBOT_DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    path = write_article("single.md", article_text("single", "Single"))
    assert cli_main(["articles", "import", str(path)]) == 0


async def test_missing_articles_folder_is_warned_about_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        database_path=tmp_path / "x.sqlite3", articles_dir=tmp_path / "nope", _env_file=None
    )
    for _ in range(2):  # e.g. `migrate`, then the bot, in one process
        async with App(settings):
            pass
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    [warning] = [w for w in warnings if "nope" in w]
    assert "does not exist" in warning and "MSBOT_ARTICLES_DIR" in warning


async def test_empty_articles_folder_is_warned_about(
    library_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with App(library_settings):
        pass
    assert any("has no .md files" in r.getMessage() for r in caplog.records)


async def test_articles_imported_by_the_cli_are_seen_by_the_running_bot(
    empty_app: App, library_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue "Hardening", item 4: the catalogue (autocomplete, exact names) follows an import
    made by another process while the bot runs."""
    import asyncio

    import bot.storage.database
    from tests.bot.test_cli import run_cli

    monkeypatch.setattr(bot.storage.database, "EXTERNAL_CHECK_SECONDS", 0.0)
    svc = service(empty_app)
    assert await svc.autocomplete("") == []  # the catalogue is built (and cached) now
    path = tmp_path / "from-the-cli.md"
    path.write_text(article_text("from-the-cli", "Imported elsewhere"), encoding="utf-8")
    result = await asyncio.to_thread(
        run_cli,
        "articles",
        "import",
        str(path),
        tmp_path=tmp_path,
        MSBOT_DATABASE_PATH=str(library_settings.database_path),
        MSBOT_ARTICLES_DIR=str(library_settings.articles_dir),
    )
    assert result.returncode == 0, result.stderr
    # Noticed at once, rebuilt in the background: meanwhile the old catalogue answers at once.
    assert await svc.autocomplete("") == []
    await svc.catalog_rebuilt()
    assert await svc.autocomplete("") == [("Imported elsewhere", "from-the-cli")]
    assert (await svc.resolve("imported elsewhere")).slug == "from-the-cli"


async def test_an_import_racing_a_catalogue_rebuild_never_leaves_it_stale(
    empty_app: App,
    write_article: Callable[..., Path],
    library_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    from unittest.mock import AsyncMock

    svc = service(empty_app)
    real_fetchall = empty_app.db.fetchall
    fetched, proceed = asyncio.Event(), asyncio.Event()

    async def slow_fetchall(sql: str, params: object = ()) -> object:
        rows = await real_fetchall(sql, params)  # type: ignore[arg-type]
        if "FROM articles WHERE removed_at IS NULL" in sql:
            fetched.set()
            await proceed.wait()
        return rows

    monkeypatch.setattr(empty_app.db, "fetchall", slow_fetchall)
    # Another process changed the file: the catalogue is rebuilt in the background.
    monkeypatch.setattr(empty_app.db, "external_changes", AsyncMock(return_value=1))
    assert await svc.autocomplete("") == []  # answered at once, from the catalogue in hand
    await fetched.wait()  # the rebuild has read the library, before the import below
    monkeypatch.setattr(empty_app.db, "fetchall", real_fetchall)
    write_article("late.md", article_text("late", "Arrived during the build"))
    importing = asyncio.create_task(import_folder(svc, library_settings.articles_dir))
    await asyncio.sleep(0.05)  # the import reaches the catalogue lock and waits there
    proceed.set()
    await importing
    await svc.catalog_rebuilt()
    assert ("Arrived during the build", "late") in await svc.autocomplete("")
