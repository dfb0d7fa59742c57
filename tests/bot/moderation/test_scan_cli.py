"""The scan CLI on malformed input: skip and report each bad row, scan the rest, never crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main

GOOD_ROW = {"id": "g", "text": "Ocrevus day, feeling fine", "label": "ham"}


def message(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "1180000000000000100",
        "timestamp": "2026-03-02T09:08:11+00:00",
        "content": "hello there",
        "author": {"id": "1036791683483633042", "isBot": False},
        "mentions": [],
    }
    base.update(overrides)
    return base


def export(*messages: Any, channel: Any = None) -> str:
    return json.dumps(
        {"channel": channel or {"id": "1180000000000000001"}, "messages": list(messages)}
    )


def jsonl(*rows: Any) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in (GOOD_ROW, *rows))


# 32 kinds of malformed input, each with the good row or message beside it where it makes sense.
MALFORMED: dict[str, str] = {
    "naive and aware timestamps": export(
        message(), message(id="1180000000000000101", timestamp="2026-03-02T09:10:00")
    ),
    "channel as a string": export(message(), channel="general"),
    "author as a string": export(message(author="bob")),
    "message as a plain string": export("just a string", message()),
    "non-numeric message id": export(message(id="abc")),
    "40-digit message id": export(message(id="1" * 40)),
    "non-numeric author id": export(message(author={"id": "bob"})),
    "40-digit author id": export(message(author={"id": "9" * 40})),
    "negative id": export(message(id="-5")),
    "boolean id": export(message(id=True)),
    "mentions as a number": export(message(mentions=5)),
    "content as a number": export(message(content=42)),
    "content as a list": export(message(content=["a"])),
    "content null": export(message(content=None)),
    "timestamp as a number": export(message(timestamp=12345)),
    "timestamp not a date": export(message(timestamp="yesterday")),
    "isBot as a string": export(message(author={"id": "1036791683483633042", "isBot": "no"})),
    "messages list holds null": export(None, message()),
    "superscript digits in an id": export(message(id="¹²³")),
    "100,000 nested brackets": "[" * 100_000,
    "100,000 nested objects": '{"a":' * 100_000,
    "nested brackets on a JSONL line": jsonl("[" * 100_000),
    "JSONL line not JSON": jsonl("not json"),
    "JSONL line a list": jsonl("[1, 2]"),
    "JSONL line a string": jsonl('"text"'),
    "JSONL text missing": jsonl({"label": "spam"}),
    "JSONL text a number": jsonl({"text": 5, "label": "spam"}),
    "JSONL unknown label": jsonl({"text": "maybe spam", "label": "maybe"}),
    "JSONL label a list": jsonl({"text": "x", "label": ["spam"]}),
    "JSONL id an object": jsonl({"id": {"a": 1}, "text": "x"}),
    "not UTF-8": "\udcff",  # written as raw bytes below
    "a JSON list of rows": json.dumps([GOOD_ROW]),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_input_is_reported_not_raised(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "input.jsonl"
    if kind == "not UTF-8":
        path.write_bytes(b"\xff\xfe\x00bad")
    else:
        path.write_text(MALFORMED[kind], encoding="utf-8")
    code = main(["moderation", "scan", str(path)])
    captured = capsys.readouterr()
    assert code in (0, 2)
    assert "Traceback" not in captured.out + captured.err
    assert "skipped" in captured.err or "would be flagged" in captured.out


def test_bad_rows_are_skipped_with_line_numbers_and_the_rest_is_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        jsonl(
            "not json",
            {"text": "Dr Okoh cured me, whatsapp him +234 813 555 1234", "label": "spam"},
            {"text": "x", "label": "maybe"},
        ),
        encoding="utf-8",
    )
    assert main(["moderation", "scan", str(path)]) == 0
    captured = capsys.readouterr()
    assert "skipped rows.jsonl line 2: not JSON" in captured.err
    assert "skipped rows.jsonl line 4: label: the label must be spam or ham" in captured.err
    assert "1 of 2 messages would be flagged" in captured.out
    assert "2 malformed rows were skipped" in captured.out


def test_naive_and_aware_times_are_compared_without_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "export.json"
    path.write_text(MALFORMED["naive and aware timestamps"], encoding="utf-8")
    assert main(["moderation", "scan", str(path), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["message"] for row in rows] == [1, 2]


def test_json_rows_carry_line_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(jsonl("", {"id": "b", "text": "hello", "label": "ham"}), encoding="utf-8")
    assert main(["moderation", "scan", str(path), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(row["id"], row["line"], row["file"]) for row in rows] == [
        ("g", 1, "rows.jsonl"),
        ("b", 3, "rows.jsonl"),
    ]


def test_undefined_precision_and_recall_print_na(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(jsonl(), encoding="utf-8")  # one genuine row: nothing flagged, no spam
    assert main(["moderation", "scan", str(path)]) == 0
    out = capsys.readouterr().out
    assert "precision n/a, recall n/a, F1 n/a, false-positive rate 0.000" in out


def test_a_folder_scans_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.jsonl").write_text(jsonl(), encoding="utf-8")
    (tmp_path / "b.json").write_text(export(message()), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    assert main(["moderation", "scan", str(tmp_path), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["file"] for row in rows] == ["a.jsonl", "b.json"]


def test_an_empty_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["moderation", "scan", str(tmp_path)]) == 2
    assert "holds no .json or .jsonl files" in capsys.readouterr().out
