"""Backtest: run the detector over a DiscordChatExporter JSON export or a labelled JSONL file."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from bot.errors import UserError
from bot.moderation.detector import Detector, Verdict
from bot.moderation.signals.base import MessageFacts
from bot.moderation.snowflake import snowflake_time

SPAM_LABELS = {"spam", "1", "true", "yes"}


@dataclass
class ScanRow:
    text: str
    id: str | None = None
    label: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def is_spam(self) -> bool | None:
        if self.label is None:
            return None
        return str(self.label).strip().lower() in SPAM_LABELS


@dataclass
class Metrics:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def fpr(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    def summary(self) -> str:
        return (
            f"{self.total} labelled rows: precision {self.precision:.3f}, recall {self.recall:.3f}, "
            f"F1 {self.f1:.3f}, false-positive rate {self.fpr:.3f} "
            f"(TP {self.tp}, FP {self.fp}, FN {self.fn}, TN {self.tn})"
        )


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _export_rows(data: dict[str, Any]) -> Iterator[ScanRow]:
    channel_id = int(str(data.get("channel", {}).get("id", "0")) or 0)
    for message in data.get("messages", []):
        author = message.get("author") or {}
        if author.get("isBot"):
            continue
        text = message.get("content") or ""
        author_id = int(author.get("id", 0) or 0)
        now = _parse_time(message.get("timestamp"))
        yield ScanRow(
            text=text,
            id=str(message.get("id")) if message.get("id") is not None else None,
            facts={
                "author_id": author_id,
                "channel_id": channel_id,
                "now": now,
                "account_created_at": snowflake_time(author_id) if author_id else None,
                "user_mentions": len(message.get("mentions") or []),
            },
        )


def load_rows(path: Path, split: str | None = None) -> list[ScanRow]:
    """Rows of an export (``{"messages": [...]}``) or of a JSONL file of ``{text, label}``."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"There is no file {path}.") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text.") from None
    stripped = raw.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("messages"), list):
            return list(_export_rows(data))
    rows = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise UserError(f"Line {number} of {path} is not JSON.") from None
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise UserError(f'Line {number} of {path} has no "text" field.')
        if split is not None and item.get("split") != split:
            continue
        label = item.get("label")
        rows.append(
            ScanRow(
                text=item["text"],
                id=None if item.get("id") is None else str(item["id"]),
                label=None if label is None else str(label),
            )
        )
    return rows


def scan_rows(
    rows: Iterable[ScanRow], detector: Detector, threshold: float, *, progress: bool = True
) -> Iterator[tuple[ScanRow, Verdict]]:
    items = list(rows)
    for row in tqdm(items, desc="Scanning", unit="msg", file=sys.stderr, disable=not progress):
        facts = MessageFacts(text=row.text, **row.facts)
        yield row, detector.check(facts, threshold=threshold)


def run_scan(
    path: Path,
    detector: Detector,
    *,
    threshold: float,
    as_json: bool = False,
    split: str | None = None,
    out: TextIO | None = None,
    progress: bool = True,
) -> Metrics | None:
    out = out or sys.stdout
    rows = load_rows(path, split)
    metrics = Metrics()
    labelled = False
    flagged = 0
    for row, verdict in scan_rows(rows, detector, threshold, progress=progress):
        actual = row.is_spam
        if actual is not None:
            labelled = True
            metrics.add(verdict.flagged, actual)
        if as_json:
            item: dict[str, Any] = verdict.as_dict()
            if row.id is not None:
                item["id"] = row.id
            if row.label is not None:
                item["label"] = row.label
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
        elif verdict.flagged:
            flagged += 1
            label = f" [label: {row.label}]" if row.label is not None else ""
            out.write(f"FLAG {row.id or '-'} score {verdict.score:g}{label}: {row.text[:160]!r}\n")
            for reason in verdict.reasons:
                out.write(f"    {reason.describe()}\n")
    if not as_json:
        out.write(
            f"\n{flagged} of {len(rows)} messages would be flagged at threshold {threshold:g}.\n"
        )
        if labelled:
            out.write(metrics.summary() + "\n")
    return metrics if labelled else None
