"""The command line as a new user meets it: run in a subprocess, like a real shell."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    *args: str, tmp_path: Path, stdin: str = "", timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MSBOT_")}
    environment |= {
        "MSBOT_DATABASE_PATH": str(tmp_path / "cli.sqlite3"),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env there
        env=environment,
        timeout=timeout,
    )


def test_run_without_token_explains_in_one_sentence(tmp_path: Path) -> None:
    result = run_cli("run", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "MSBOT_TOKEN is not set" in result.stderr
    assert "console" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"MSBOT_TOKEN": "MTIz.abc\ndef.ghi"}, "line break"),
        (
            {"MSBOT_TOKEN": "MTIz.abc.def", "MSBOT_DATABASE_PATH": "/proc/nope/x.db"},
            "MSBOT_DATABASE_PATH",
        ),
    ],
    ids=["token with a line break", "unwritable database path"],
)
def test_run_start_up_failure_is_one_sentence_before_contacting_discord(
    tmp_path: Path, env: dict[str, str], words: str
) -> None:
    result = run_cli("run", tmp_path=tmp_path, timeout=60, **env)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert words in line


def test_bad_setting_stops_start_up_without_traceback(tmp_path: Path) -> None:
    result = run_cli("console", tmp_path=tmp_path, MSBOT_LOG_LEVEL="chatty")
    assert result.returncode == 2
    assert "MSBOT_LOG_LEVEL" in result.stderr
    assert "Traceback" not in result.stderr


def test_piped_console_answers_and_exits(tmp_path: Path) -> None:
    result = run_cli("console", tmp_path=tmp_path, stdin="/help\n/config show\n")
    assert result.returncode == 0, result.stderr
    assert "What I can do" in result.stdout
    assert "Server settings" in result.stdout
    assert result.stderr == ""  # no log lines unless --verbose


def test_backup_then_refuse_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"
    first = run_cli("backup", str(target), tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert target.exists()
    second = run_cli("backup", str(target), tmp_path=tmp_path)
    assert second.returncode == 2
    assert "already exists" in second.stderr


def test_newer_database_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    assert run_cli("migrate", tmp_path=tmp_path).returncode == 0
    import sqlite3

    with sqlite3.connect(tmp_path / "cli.sqlite3") as conn:
        conn.execute("INSERT INTO schema_version (version, name) VALUES (999, 'future')")
    result = run_cli("migrate", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "schema version 999" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["backup", "--help"]])
def test_every_cli_command_has_help(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(*args, tmp_path=tmp_path)
    assert result.returncode == 0
    assert "usage:" in result.stdout


def test_run_with_a_token_that_cannot_connect_fails_clearly(tmp_path: Path) -> None:
    # Here Discord is unreachable (or, with a network, refuses the fake token): both are one sentence.
    token = "MTIzNDU2Nzg5MDEy.fake.token-for-tests"
    result = run_cli("run", tmp_path=tmp_path, MSBOT_TOKEN=token)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Could not reach Discord" in result.stderr or "refused the token" in result.stderr
    assert token not in result.stderr + result.stdout
