"""Moderation benchmark: detector throughput and the on_message core path with the database.

``python -m bench moderation`` (quick: 20,000 messages, 2,000 on_message calls) or
``python -m bench moderation --full`` (100,000 and 10,000). The mix is realistic for an MS
server: mostly ordinary chat (the shared datasets' ham when present, plus MS talk), about 5%
spam and scam posts. Figures are medians of several rounds on one core.

Side by side, in the same run: the detector with the learned layer, the rules alone (hand
weights), and the TF-IDF + logistic-regression baseline (scikit-learn, trained on the same dev
rows) called one message at a time, as a bot would. The baseline needs the ``train`` extra and
``../shared/datasets``; without them it is skipped and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import App
from bot.moderation.detector import Detector
from bot.moderation.feature import service_of
from bot.moderation.rules import load_rules
from bot.moderation.signals.base import MessageFacts
from bot.moderation.tracker import RecentTracker
from bot.settings import Settings

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
MS_CHAT = [
    "Started Ocrevus last month, the infusion went fine but I was wiped out for two days",
    "Ampyra helps my walking a bit, baclofen for the spasms at night",
    "There is no cure for MS yet, but the DMTs really slow it down",
    "Went to the gym today, 20 minutes on the bike. Small wins!",
    "Chair yoga on YouTube is great for balance: https://www.youtube.com/watch?v=abc",
    "Good article: https://www.nationalmssociety.org/Symptoms-Diagnosis",
    "Praying for you all tonight. God is good, my faith keeps me going",
    "lol same, the heat makes my legs useless",
]
SCAMS = [
    "Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp +234 813 555 1234",
    "I used the herbal formula from ww w. someclinic. c om and my tremors stopped",
    "Thanks to Dr Ahmed and his herbal medicine my MS is gone. Email him drahmed@gmail.com",
    "Free entry! You have won a cash prize, claim your reward at bit.ly/abc123",
]


def load_mix(size: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    ham: list[str] = list(MS_CHAT)
    spam: list[str] = list(SCAMS)
    for name in ("sms-messages.jsonl", "youtube-comments.jsonl"):
        path = DATASETS / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                (spam if row["label"] == "spam" else ham).append(row["text"])
    return [rng.choice(spam) if rng.random() < 0.05 else rng.choice(ham) for _ in range(size)]


def bench_detector(texts: list[str], rounds: int, *, learned: bool = True) -> list[float]:
    rules = load_rules(Settings(_env_file=None).moderation_rules_dir)  # type: ignore[call-arg]
    rates = []
    start_time = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(rounds):
        detector = Detector(rules, RecentTracker(), learned=learned)
        facts = [
            MessageFacts(
                text=text,
                guild_id=1,
                channel_id=10 + i % 5,
                author_id=1000 + i % 300,
                message_id=i,
                now=start_time + timedelta(seconds=i),
            )
            for i, text in enumerate(texts)
        ]
        began = time.perf_counter()
        for item in facts:
            detector.check(item)
        rates.append(len(texts) / (time.perf_counter() - began))
    return rates


async def bench_on_message(texts: list[str]) -> tuple[list[float], int]:
    """Per-call latency of ModerationService.check_message (detector + config + DB if flagged)."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_path=Path(folder) / "bench.sqlite3", _env_file=None)  # type: ignore[call-arg]
        async with App(settings) as app:
            service = service_of(app)
            await app.config.set(1, "moderation_review_channel", "123456789012345678")
            latencies = []
            flagged = 0
            for i, text in enumerate(texts):
                facts = MessageFacts(
                    text=text,
                    guild_id=1,
                    channel_id=10 + i % 5,
                    author_id=1000 + i % 300,
                    message_id=10_000 + i,
                )
                began = time.perf_counter()
                outcome = await service.check_message(facts, author_name="member")
                latencies.append(time.perf_counter() - began)
                flagged += outcome is not None
            return latencies, flagged


def bench_baseline(texts: list[str], rounds: int) -> tuple[list[float], list[float]] | None:
    """TF-IDF + logistic regression, one message per call: (msg/s per round, latencies)."""
    try:
        from bot.moderation.training import COMMUNITY_TRAIN, baseline_model, read_examples
    except ImportError:
        return None
    files = sorted(DATASETS.glob("*.jsonl")) if DATASETS.is_dir() else []
    if not files:
        return None
    try:
        rows = [row for path in files for row in read_examples(path, "dev")]
    except Exception:
        return None
    rules_dir = Settings(_env_file=None).moderation_rules_dir  # type: ignore[call-arg]
    rows += read_examples(rules_dir / COMMUNITY_TRAIN, None, source="community")
    try:
        predict = baseline_model(rows)
    except ImportError:
        return None
    rates, latencies = [], []
    for _ in range(rounds):
        began = time.perf_counter()
        for text in texts:
            one = time.perf_counter()
            predict([text])
            latencies.append(time.perf_counter() - one)
        rates.append(len(texts) / (time.perf_counter() - began))
    return rates, latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench moderation")
    parser.add_argument("--full", action="store_true", help="100,000 / 10,000 messages")
    args = parser.parse_args(argv)
    size, path_size = (100_000, 10_000) if args.full else (20_000, 2_000)
    texts = load_mix(size)
    rates = bench_detector(texts, rounds=3)
    rules_only = bench_detector(texts, rounds=3, learned=False)
    print(
        f"detector with the learned layer: {size} messages x 3 rounds (5% spam), median "
        f"{statistics.median(rates):,.0f} msg/s, best {max(rates):,.0f} msg/s, one core "
        "(aim >= 20,000)"
    )
    print(
        f"detector, rules alone (hand weights): median {statistics.median(rules_only):,.0f} msg/s,"
        f" best {max(rules_only):,.0f} msg/s"
    )
    baseline_size = min(size, 5_000)
    baseline = bench_baseline(texts[:baseline_size], rounds=3)
    if baseline is None:
        print("baseline: skipped (needs the 'train' extra and ../shared/datasets)")
    else:
        base_rates, base_latencies = baseline
        print(
            f"baseline TF-IDF + logistic regression, one message per call: {baseline_size} "
            f"messages x 3 rounds, median {statistics.median(base_rates):,.0f} msg/s; per call "
            f"p50 {percentile(base_latencies, 0.5) * 1000:.3f} ms, "
            f"p99 {percentile(base_latencies, 0.99) * 1000:.3f} ms"
        )
    latencies, flagged = asyncio.run(bench_on_message(load_mix(path_size, seed=11)))
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    print(
        f"on_message core path with SQLite and the learned layer: {path_size} messages, "
        f"{flagged} flagged and stored: p50 {p50:.3f} ms, p99 {p99:.3f} ms, "
        f"max {latencies[-1] * 1000:.3f} ms (aim p99 < 2 ms)"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
