from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main

ROWS = [
    {
        "id": "1",
        "text": "Dr. Okoh cured me, contact him on WhatsApp +234 813 555 1234",
        "label": "spam",
        "split": "test",
    },
    {"id": "2", "text": "Ocrevus day, feeling ok", "label": "ham", "split": "test"},
    {
        "id": "3",
        "text": "herbal formula cured my ms, ww w. someclinic. c om",
        "label": "spam",
        "split": "dev",
    },
]


@pytest.fixture
def rows_file(tmp_path: Path) -> Path:
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in ROWS), encoding="utf-8")
    return path


def test_cli_scan_json_and_split(rows_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["moderation", "scan", str(rows_file), "--json", "--split", "test"]) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [(r["id"], r["flagged"], r["label"]) for r in lines] == [
        ("1", True, "spam"),
        ("2", False, "ham"),
    ]
    assert "Scanning" in captured.err  # the progress bar goes to stderr


def test_cli_scan_summary(rows_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["moderation", "scan", str(rows_file), "--threshold", "2.5"]) == 0
    out = capsys.readouterr().out
    assert "2 of 3 messages would be flagged at threshold 2.5" in out
    assert "precision 1.000, recall 1.000, F1 1.000, false-positive rate 0.000" in out
    assert "link written to dodge filters" in out


def test_cli_scan_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["moderation", "scan", str(tmp_path / "nope.jsonl")]) == 2
    assert "There is no file" in capsys.readouterr().out
