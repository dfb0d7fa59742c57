"""A small, bounded memory of recent messages for the stateful signals.

Keeps, per (guild, author, text fingerprint), the channels where that text appeared and when;
and per (guild, author), how many messages were seen. Both are LRU-bounded, so memory stays
flat however many members post; after a restart the memory starts empty (by design: no
message text is written anywhere for this).

In memory, per process, and still correct with several bot processes (shards, one database):
everything is keyed by server, and a server lives on exactly one shard, so all of a server's
messages (and a newcomer's first ones) reach the one process that remembers them.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import datetime, timedelta

DEFAULT_MAX_ENTRIES = 20_000


def fingerprint(normalised_text: str) -> bytes:
    return hashlib.blake2b(normalised_text.encode("utf-8", "replace"), digest_size=12).digest()


class RecentTracker:
    def __init__(
        self, *, max_entries: int = DEFAULT_MAX_ENTRIES, window: timedelta = timedelta(minutes=10)
    ) -> None:
        self.max_entries = max_entries
        self.window = window
        self._texts: OrderedDict[tuple[int, int, bytes], dict[int, datetime]] = OrderedDict()
        self._seen: OrderedDict[tuple[int, int], int] = OrderedDict()

    def __len__(self) -> int:
        return len(self._texts) + len(self._seen)

    def record(
        self,
        *,
        guild_id: int,
        author_id: int,
        channel_id: int,
        text_key: bytes,
        now: datetime,
        is_new: bool = True,
    ) -> tuple[frozenset[int], int]:
        """Note a message; returns (other channels with the same recent text, messages seen)."""
        key = (guild_id, author_id, text_key)
        channels = self._texts.pop(key, None) or {}
        cutoff = now - self.window
        channels = {cid: at for cid, at in channels.items() if at >= cutoff}
        others = frozenset(cid for cid in channels if cid != channel_id)
        channels[channel_id] = now
        if len(channels) > 50:  # one author, fifty channels: enough to know
            channels = dict(sorted(channels.items(), key=lambda item: item[1])[-50:])
        self._texts[key] = channels
        member = (guild_id, author_id)
        seen = self._seen.pop(member, 0) + (1 if is_new else 0)
        self._seen[member] = seen
        while len(self._texts) > self.max_entries:
            self._texts.popitem(last=False)
        while len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)
        return others, seen
