from pathlib import Path

import pytest

from bot.errors import ConfigurationError
from bot.settings import Settings, load_settings


def test_defaults_need_no_token() -> None:
    settings = load_settings(_env_file=None)
    assert settings.token is None
    assert settings.database_path.name == "msbot.sqlite3"
    assert settings.database_path.parent.name == "data"


def test_missing_token_is_one_clear_sentence_pointing_to_console() -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(_env_file=None).require_token()
    message = info.value.message
    assert "MSBOT_TOKEN" in message
    assert "console" in message
    assert "\n" not in message


def test_blank_token_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSBOT_TOKEN", "   ")
    with pytest.raises(ConfigurationError):
        load_settings(_env_file=None).require_token()


def test_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSBOT_DEV_GUILD_ID", "not-a-number")
    with pytest.raises(ConfigurationError) as info:
        load_settings(_env_file=None)
    assert "MSBOT_DEV_GUILD_ID" in info.value.message
    assert "not-a-number" not in info.value.message  # input is hidden from errors


def test_bad_log_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSBOT_LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigurationError, match="MSBOT_LOG_LEVEL"):
        load_settings(_env_file=None)


def test_token_never_in_repr_or_str(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "MTIzNDU2Nzg5.secret-token-value"
    monkeypatch.setenv("MSBOT_TOKEN", secret)
    settings = load_settings(_env_file=None)
    assert settings.require_token() == secret
    assert secret not in repr(settings)
    assert secret not in str(settings)
    assert secret not in settings.model_dump_json()


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("MSBOT_LOG_LEVEL=DEBUG\nMSBOT_DEV_GUILD_ID=123456789012345678\n")
    settings = Settings(_env_file=env)  # type: ignore[call-arg]
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild_id == 123456789012345678


def test_env_example_lists_every_setting() -> None:
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"MSBOT_{name.upper()}" in example, name


@pytest.mark.parametrize(
    "token",
    [
        "MTIz.abc\ndef.ghi",
        "MTIz.abc def.ghi",
        "MTIz.abc\r\n.ghi",
        "MTIz.abc\x00.ghi",
        "MTIz.abcé.ghi",
    ],
    ids=["line break", "space", "CRLF", "NUL", "accent"],
)
def test_token_with_a_line_break_is_one_sentence_without_the_token(token: str) -> None:
    settings = Settings(token=token, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ConfigurationError) as info:
        settings.require_token()
    message = info.value.message
    assert "MSBOT_TOKEN" in message and "line break" in message
    assert "\n" not in message and "abc" not in message


def test_token_surrounding_whitespace_is_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSBOT_TOKEN", "  MTIz.abc-def.g_hi\n")
    assert load_settings(_env_file=None).require_token() == "MTIz.abc-def.g_hi"


# -- several processes: PostgreSQL and shards (issue 15) -------------------------------------
@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"MSBOT_SHARD_IDS": "0-1"}, "set MSBOT_SHARD_COUNT too"),
        ({"MSBOT_SHARD_COUNT": "4", "MSBOT_SHARD_IDS": "2-5"}, "shard 4 does not exist"),
        ({"MSBOT_SHARD_COUNT": "4", "MSBOT_SHARD_IDS": "3-1"}, "runs backwards"),
        ({"MSBOT_SHARD_COUNT": "4", "MSBOT_SHARD_IDS": "one"}, "like 0-3 or 0,2,4-5"),
        ({"MSBOT_SHARD_COUNT": "0"}, "MSBOT_SHARD_COUNT is invalid"),
        ({"MSBOT_DATABASE_URL": "data/bot.sqlite3"}, "must start with postgresql://"),
    ],
)
def test_bad_shard_and_database_settings_are_one_clear_sentence(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], words: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as info:
        load_settings(_env_file=None)
    assert words in str(info.value)
    assert "fix it in .env" in str(info.value)


def test_shard_ids_and_options(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.discord_bot import shard_options

    monkeypatch.setenv("MSBOT_SHARD_COUNT", "8")
    monkeypatch.setenv("MSBOT_SHARD_IDS", " 6, 0-2,2 ")
    settings = load_settings(_env_file=None)
    assert settings.shards == [0, 1, 2, 6]
    assert shard_options(settings) == {"shard_count": 8, "shard_ids": [0, 1, 2, 6]}
    monkeypatch.delenv("MSBOT_SHARD_IDS")
    assert shard_options(load_settings(_env_file=None)) == {"shard_count": 8}  # all 8 here
    monkeypatch.delenv("MSBOT_SHARD_COUNT")
    assert shard_options(load_settings(_env_file=None)) == {}  # Discord's recommendation


def test_database_url_is_a_secret_and_unset_means_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.app import App
    from bot.storage import SQLiteDatabase

    monkeypatch.setenv("MSBOT_DATABASE_URL", "postgresql://bot:hunter2@db.example/msbot")
    settings = load_settings(_env_file=None)
    assert "hunter2" not in repr(settings)
    app = App(settings)
    assert app.db.engine == "postgresql" and "hunter2" not in app.db.describe()
    monkeypatch.delenv("MSBOT_DATABASE_URL")
    assert isinstance(App(load_settings(_env_file=None)).db, SQLiteDatabase)
