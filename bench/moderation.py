"""Moderation benchmark: detector throughput and the on_message core path with the database.

``python -m bench moderation`` (quick: 20,000 messages, 2,000 on_message calls) or
``python -m bench moderation --full`` (100,000 and 10,000). The mix is realistic for an MS
server: mostly ordinary chat (the shared datasets' ham when present, plus MS talk), about 5%
spam and scam posts. Figures are medians of several rounds on one core.
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


def bench_detector(texts: list[str], rounds: int) -> list[float]:
    rules = load_rules(Settings(_env_file=None).moderation_rules_dir)  # type: ignore[call-arg]
    rates = []
    start_time = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(rounds):
        detector = Detector(rules, RecentTracker())
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


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench moderation")
    parser.add_argument("--full", action="store_true", help="100,000 / 10,000 messages")
    args = parser.parse_args(argv)
    size, path_size = (100_000, 10_000) if args.full else (20_000, 2_000)
    texts = load_mix(size)
    rates = bench_detector(texts, rounds=3)
    print(
        f"detector: {size} messages x 3 rounds (5% spam), median {statistics.median(rates):,.0f} "
        f"msg/s, best {max(rates):,.0f} msg/s, one core (aim >= 20,000)"
    )
    latencies, flagged = asyncio.run(bench_on_message(load_mix(path_size, seed=11)))
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    print(
        f"on_message core path with SQLite: {path_size} messages, {flagged} flagged and "
        f"stored: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {latencies[-1] * 1000:.3f} ms "
        "(aim p99 < 2 ms)"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
