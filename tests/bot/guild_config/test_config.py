import pytest

from bot.app import App, Feature
from bot.errors import UserError
from bot.guild_config import ConfigKey, ConfigKind
from bot.settings import Settings

KEYS = [
    ConfigKey("review_channel", ConfigKind.CHANNEL, None, "Where flags go", "demo"),
    ConfigKey("threshold", ConfigKind.FLOAT, 3.0, "Flag score", "demo", minimum=0.5, maximum=20),
    ConfigKey("rest_days", ConfigKind.INT, 2, "Rest days a week", "demo", minimum=0, maximum=7),
    ConfigKey("auto_hide", ConfigKind.BOOL, False, "Hide at once", "demo"),
    ConfigKey("trusted", ConfigKind.TEXT_LIST, [], "Trusted domains", "demo"),
]


def _declare(app: App) -> None:
    for key in KEYS:
        app.config.declare(key)


@pytest.fixture
async def demo_app(settings: Settings):
    app = App(settings, features=[Feature("demo", "Demo feature", register=_declare)])
    await app.start()
    yield app
    await app.close()


async def test_defaults_until_set(demo_app: App) -> None:
    assert await demo_app.config.get(1, "threshold") == 3.0
    assert await demo_app.config.get(1, "review_channel") is None


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("review_channel", "<#123456789012345678>", 123456789012345678),
        ("review_channel", "123456789012345678", 123456789012345678),
        ("threshold", " 4.5 ", 4.5),
        ("rest_days", "3", 3),
        ("auto_hide", "ON", True),
        ("auto_hide", "no", False),
        ("trusted", "a.org, b.com ,,", ["a.org", "b.com"]),
    ],
)
async def test_values_are_parsed(demo_app: App, name: str, raw: str, expected: object) -> None:
    assert await demo_app.config.set(7, name, raw, actor_id=5) == expected
    assert await demo_app.config.get(7, name) == expected


@pytest.mark.parametrize(
    ("name", "raw", "says"),
    [
        ("review_channel", "general", "channel"),
        ("threshold", "high", "number"),
        ("threshold", "99", "between"),
        ("rest_days", "2.5", "whole number"),
        ("auto_hide", "maybe", "on or off"),
        ("nope", "1", "no option called"),
    ],
)
async def test_bad_values_get_friendly_errors_and_change_nothing(
    demo_app: App, name: str, raw: str, says: str
) -> None:
    before = await demo_app.config.all(7)
    with pytest.raises(UserError, match=says):
        await demo_app.config.set(7, name, raw)
    assert await demo_app.config.all(7) == before


async def test_per_guild_and_survives_restart(settings: Settings) -> None:
    app = App(settings, features=[Feature("demo", "Demo", register=_declare)])
    await app.start()
    await app.config.set(1, "threshold", "5")
    await app.close()
    again = App(settings, features=[Feature("demo", "Demo", register=_declare)])
    await again.start()
    assert await again.config.get(1, "threshold") == 5.0
    assert await again.config.get(2, "threshold") == 3.0
    await again.config.reset(1, "threshold")
    assert await again.config.get(1, "threshold") == 3.0
    await again.close()


async def test_show_groups_by_feature_title(demo_app: App) -> None:
    await demo_app.config.set(1, "auto_hide", "on")
    reply = await demo_app.config.show(1, demo_app.feature_titles)
    assert reply.fields[0].name == "Demo feature"
    assert "auto_hide: on" in reply.fields[0].value


def test_declaring_twice_is_a_programming_error(demo_app: App) -> None:
    with pytest.raises(ValueError):
        demo_app.config.declare(KEYS[0])


# -- strict numbers (issue "Hardening", item 6) --------------------------------------------------
@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("threshold", "nan"),
        ("threshold", "inf"),
        ("threshold", "1e1"),
        ("threshold", "٤"),
        ("rest_days", "²"),
        ("rest_days", "9" * 5000),
        ("review_channel", "9" * 21),
        ("review_channel", "<#" + "٣" * 18 + ">"),
    ],
)
async def test_hostile_numbers_are_refused_and_change_nothing(
    demo_app: App, name: str, raw: str
) -> None:
    before = await demo_app.config.all(7)
    with pytest.raises(UserError):
        await demo_app.config.set(7, name, raw)
    assert await demo_app.config.all(7) == before


async def test_a_nan_stored_by_an_older_version_reads_as_the_default(demo_app: App) -> None:
    await demo_app.db.execute_write(
        "INSERT INTO guild_config (guild_id, key, value) VALUES (7, 'threshold', 'NaN')"
    )
    assert await demo_app.config.get(7, "threshold") == 3.0
    assert (await demo_app.config.all(7))["threshold"] == 3.0


def test_a_number_option_needs_a_range() -> None:
    with pytest.raises(ValueError, match="explicit range"):
        ConfigKey("open_ended", ConfigKind.INT, 1, "No range", "demo")


# -- a cache that is never stale (issue "Hardening", item 4) -------------------------------------
async def test_set_racing_a_reader_never_leaves_the_old_value_cached(
    demo_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader fetches the old rows, then the set commits, then the reader stores what it
    read. Before the fix, that old value stayed cached until the next set or a restart."""
    import asyncio

    await demo_app.config.set(7, "threshold", "3")
    real_fetchall = demo_app.db.fetchall
    fetched, proceed = asyncio.Event(), asyncio.Event()

    async def slow_fetchall(sql: str, params: object = ()) -> object:
        rows = await real_fetchall(sql, params)  # type: ignore[arg-type]
        fetched.set()
        await proceed.wait()
        return rows

    demo_app.config._cache.clear()
    monkeypatch.setattr(demo_app.db, "fetchall", slow_fetchall)
    reader = asyncio.create_task(demo_app.config.get(7, "threshold"))
    await fetched.wait()
    monkeypatch.setattr(demo_app.db, "fetchall", real_fetchall)
    await demo_app.config.set(7, "threshold", "9")
    proceed.set()
    assert await reader == 3.0  # it read before the set: fine
    assert await demo_app.config.get(7, "threshold") == 9.0  # but nothing stale stays


async def test_many_sets_racing_readers_end_on_the_last_value(demo_app: App) -> None:
    import asyncio

    for attempt in range(100):
        value = str(1 + attempt % 7)
        await asyncio.gather(
            demo_app.config.get(7, "rest_days"),
            demo_app.config.set(7, "rest_days", value),
            demo_app.config.all(7),
        )
        assert await demo_app.config.get(7, "rest_days") == int(value)


async def test_a_change_by_another_process_is_noticed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection to the same file (a second process, the CLI) changes a value the
    running bot has cached; SQLite's data_version tells the bot."""
    import bot.storage.database

    monkeypatch.setattr(bot.storage.database, "EXTERNAL_CHECK_SECONDS", 0.0)
    running = App(settings, features=[Feature("demo", "Demo", register=_declare)])
    other = App(settings, features=[Feature("demo", "Demo", register=_declare)])
    await running.start()
    await other.start()
    try:
        assert await running.config.get(1, "threshold") == 3.0  # cached now
        await other.config.set(1, "threshold", "7")
        assert await running.config.get(1, "threshold") == 7.0
        await other.config.reset(1, "threshold")
        assert await running.config.get(1, "threshold") == 3.0
    finally:
        await other.close()
        await running.close()


async def test_own_writes_are_not_mistaken_for_another_process(demo_app: App) -> None:
    import bot.storage.database

    db = demo_app.db
    db._external_checked_at = -bot.storage.database.EXTERNAL_CHECK_SECONDS  # check now
    before = await db.external_changes()
    await demo_app.config.set(1, "threshold", "4")
    db._external_checked_at = -bot.storage.database.EXTERNAL_CHECK_SECONDS
    assert await db.external_changes() == before
