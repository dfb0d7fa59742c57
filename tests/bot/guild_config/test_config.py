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
