"""Backtest: run the detector over DiscordChatExporter exports or labelled JSONL files.

Every row is validated on its own (pydantic): a malformed row is skipped and reported with its
line number (or, in an export, its message number), and the rest is scanned. Nothing a file
contains can raise past this module: wrong types, huge or non-numeric ids, naive timestamps,
deep nesting, a folder instead of a file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TextIO

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictBool, StrictStr, ValidationError
from tqdm import tqdm

from bot.errors import UserError
from bot.moderation.detector import Detector, Verdict
from bot.moderation.signals.base import MessageFacts
from bot.moderation.snowflake import snowflake_time

SPAM_LABELS = frozenset({"spam", "1", "true", "yes"})
HAM_LABELS = frozenset({"ham", "0", "false", "no", "genuine"})
#: Discord ids are 64-bit snowflakes: at most 20 digits, below 2**63.
MAX_SNOWFLAKE = 2**63 - 1
SCAN_SUFFIXES = (".json", ".jsonl")
MAX_REPORTED_PROBLEMS = 20


def _snowflake(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("an id must be a number or a string of digits")
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 20 or int(text) > MAX_SNOWFLAKE:
        raise ValueError("an id must be a Discord id (up to 19 digits)")
    return int(text)


def _aware_time(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("a timestamp must be an ISO 8601 string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("a timestamp must be an ISO 8601 string") from None
    # Exports write UTC offsets; a naive time is read as UTC, so it compares with aware ones.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _label(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or value.strip().lower() not in SPAM_LABELS | HAM_LABELS:
        raise ValueError("the label must be spam or ham")
    return value.strip().lower()


Snowflake = Annotated[int, BeforeValidator(_snowflake)]
AwareTime = Annotated[datetime | None, BeforeValidator(_aware_time)]
Label = Annotated[str | None, BeforeValidator(_label)]


class LabelledRow(BaseModel):
    """One line of a labelled JSONL file."""

    model_config = ConfigDict(extra="ignore")
    text: StrictStr
    id: StrictStr | int | None = None
    label: Label = None
    split: StrictStr | None = None


class ExportAuthor(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: Snowflake
    isBot: StrictBool = False


class ExportMessage(BaseModel):
    """One message of a DiscordChatExporter export (only the fields the detector reads)."""

    model_config = ConfigDict(extra="ignore")
    id: Snowflake
    content: StrictStr = ""
    author: ExportAuthor
    timestamp: AwareTime = None
    mentions: list[Any] = []


class ExportChannel(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: Snowflake = 0


@dataclass
class ScanRow:
    text: str
    id: str | None = None
    label: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    #: Where the row came from: "file.jsonl line 12" or "export.json message 3".
    where: str = ""
    file: str = ""
    #: ("line", 12) in a JSONL file, ("message", 3) in an export.
    position: tuple[str, int] | None = None

    @property
    def is_spam(self) -> bool | None:
        if self.label is None:
            return None
        return self.label in SPAM_LABELS


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
    def precision(self) -> float | None:
        """None when nothing was flagged: precision is undefined, not 0."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """None when there was no spam to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def fpr(self) -> float | None:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else None

    def summary(self) -> str:
        def shown(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.3f}"

        return (
            f"{self.total} labelled rows: precision {shown(self.precision)}, recall "
            f"{shown(self.recall)}, F1 {shown(self.f1)}, false-positive rate {shown(self.fpr)} "
            f"(TP {self.tp}, FP {self.fp}, FN {self.fn}, TN {self.tn})"
        )


@dataclass
class Loaded:
    rows: list[ScanRow] = field(default_factory=list)
    #: "where: what is wrong" for every skipped row or file.
    problems: list[str] = field(default_factory=list)


def _problem(error: ValidationError) -> str:
    first = error.errors()[0]
    place = ".".join(str(part) for part in first.get("loc", ()))
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{place}: {message}" if place else message


def _export_rows(data: dict[str, Any], name: str, loaded: Loaded) -> None:
    try:
        channel_id = ExportChannel.model_validate(data.get("channel") or {}).id
    except ValidationError:
        channel_id = 0
        loaded.problems.append(f"{name}: the channel is not an object with a numeric id")
    for number, raw in enumerate(data["messages"], start=1):
        where = f"{name} message {number}"
        try:
            message = ExportMessage.model_validate(raw)
        except ValidationError as error:
            loaded.problems.append(f"{where}: {_problem(error)}")
            continue
        if message.author.isBot:
            continue
        author_id = message.author.id
        loaded.rows.append(
            ScanRow(
                text=message.content,
                id=str(message.id),
                where=where,
                file=name,
                position=("message", number),
                facts={
                    "author_id": author_id,
                    "channel_id": channel_id,
                    "now": message.timestamp,
                    "account_created_at": snowflake_time(author_id) if author_id else None,
                    "user_mentions": len(message.mentions),
                },
            )
        )


NESTED_TOO_DEEPLY = "nested too deeply to read"


def _parse_json(text: str) -> tuple[Any, str]:
    """(value, "") or (None, what is wrong): never raises, whatever the text."""
    try:
        return json.loads(text), ""
    except RecursionError:
        return None, NESTED_TOO_DEEPLY
    except json.JSONDecodeError:
        return None, "not JSON"
    except ValueError:  # a number past Python's 4,300-digit conversion limit
        return None, "a number too long to read"


def _jsonl_rows(raw: str, name: str, split: str | None, loaded: Loaded) -> None:
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        item, problem = _parse_json(line)
        if problem:
            loaded.problems.append(f"{where}: {problem}")
            continue
        if not isinstance(item, dict):
            loaded.problems.append(f'{where}: not an object with a "text" field')
            continue
        try:
            row = LabelledRow.model_validate(item)
        except ValidationError as error:
            loaded.problems.append(f"{where}: {_problem(error)}")
            continue
        if split is not None and row.split != split:
            continue
        loaded.rows.append(
            ScanRow(
                text=row.text,
                id=None if row.id is None else str(row.id),
                label=row.label,
                where=where,
                file=name,
                position=("line", number),
            )
        )


def _load_file(path: Path, split: str | None, loaded: Loaded) -> None:
    name = path.name
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        loaded.problems.append(f"{name}: not UTF-8 text")
        return
    except OSError as error:
        loaded.problems.append(f"{name}: cannot be read ({error.strerror or error})")
        return
    stripped = raw.lstrip()
    if stripped.startswith("{"):
        data, problem = _parse_json(stripped)
        if problem == NESTED_TOO_DEEPLY:
            loaded.problems.append(f"{name}: {problem}")
            return
        # Otherwise not one JSON document: JSON Lines, one object per line.
        if isinstance(data, dict) and isinstance(data.get("messages"), list):
            _export_rows(data, name, loaded)
            return
    elif stripped.startswith("["):
        loaded.problems.append(f"{name}: a JSON list, not an export or JSON Lines")
        return
    _jsonl_rows(raw, name, split, loaded)


def load(path: Path, split: str | None = None) -> Loaded:
    """Rows of a file, or of every ``.json``/``.jsonl`` file in a folder (sorted by name)."""
    loaded = Loaded()
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in SCAN_SUFFIXES and p.is_file())
        if not files:
            raise UserError(f"{path} holds no .json or .jsonl files.")
        for file in files:
            _load_file(file, split, loaded)
    elif path.exists():
        _load_file(path, split, loaded)
    else:
        raise UserError(f"There is no file {path}.")
    return loaded


def load_rows(path: Path, split: str | None = None) -> list[ScanRow]:
    return load(path, split).rows


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
    loaded = load(path, split)
    rows = loaded.rows
    for problem in loaded.problems[:MAX_REPORTED_PROBLEMS]:
        print(f"skipped {problem}", file=sys.stderr)
    if len(loaded.problems) > MAX_REPORTED_PROBLEMS:
        print(
            f"...and {len(loaded.problems) - MAX_REPORTED_PROBLEMS} more skipped rows",
            file=sys.stderr,
        )
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
            if row.position is not None:
                item[row.position[0]] = row.position[1]
            item["file"] = row.file
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
        elif verdict.flagged:
            flagged += 1
            label = f" [label: {row.label}]" if row.label is not None else ""
            out.write(
                f"FLAG {row.id or '-'} ({row.where}) score {verdict.score:g}{label}: "
                f"{row.text[:160]!r}\n"
            )
            for reason in verdict.reasons:
                out.write(f"    {reason.describe()}\n")
    if not as_json:
        out.write(
            f"\n{flagged} of {len(rows)} messages would be flagged at threshold {threshold:g}.\n"
        )
        if loaded.problems:
            out.write(f"{len(loaded.problems)} malformed rows were skipped (listed on stderr).\n")
        if labelled:
            out.write(metrics.summary() + "\n")
    return metrics if labelled else None
