"""The "your data" feature: its title for /help, and the erase summary.

Every feature registers its own export/erase section with ``app.privacy``; the Discord side is
``cogs/mydata.py``.
"""

from __future__ import annotations

from bot.app import App, Feature
from bot.replies import Reply, Tone


def erase_summary(counts: dict[str, int]) -> Reply:
    total = sum(counts.values())
    details = (
        ", ".join(f"{name}: {count}" for name, count in counts.items() if count)
        or "nothing was stored"
    )
    return Reply(body=f"Your data is erased ({total} records; {details}).", tone=Tone.SUCCESS)


def register(app: App) -> None:
    """Nothing to register: the privacy registry is part of the core App."""


FEATURE = Feature(name="privacy", title="Your data", register=register, order=1)
