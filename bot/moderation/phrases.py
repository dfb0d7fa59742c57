"""Linear-time phrase matching: all phrases compiled into one trie-shaped regular expression.

Every alternative at a trie node starts with a different character, so the engine never tries
more than one branch per character and a match attempt costs at most the longest phrase's
length: no nested quantifiers, no catastrophic backtracking, whatever the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_END = ""


@dataclass(frozen=True)
class PhraseRule:
    phrase: str
    group: str
    weight: float


def _trie_pattern(node: dict[str, dict]) -> str:
    # Children in a fixed order; the "end here" option comes last so longer phrases win.
    branches = []
    terminal = _END in node
    for char in sorted(k for k in node if k != _END):
        branches.append(re.escape(char) + _trie_pattern(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if terminal:
        return f"(?:{body})?"
    return body


@dataclass(frozen=True)
class PhraseHit:
    rule: PhraseRule
    start: int
    end: int


class PhraseMatcher:
    def __init__(self, rules: Iterable[PhraseRule]) -> None:
        self._rules: dict[str, list[PhraseRule]] = {}
        trie: dict[str, dict] = {}
        for rule in rules:
            phrase = rule.phrase
            if not phrase:
                continue
            self._rules.setdefault(phrase, []).append(rule)
            node = trie
            for char in phrase:
                node = node.setdefault(char, {})
            node[_END] = {}
        self.size = len(self._rules)
        if trie:
            self._regex: re.Pattern[str] | None = re.compile(
                rf"(?<!\w)(?:{_trie_pattern(trie)})(?!\w)"
            )
        else:
            self._regex = None

    def finditer(self, text: str, limit: int = 64) -> Iterator[PhraseHit]:
        if self._regex is None:
            return
        for count, match in enumerate(self._regex.finditer(text)):
            if count >= limit:  # bounded work even on text made of phrases
                return
            for rule in self._rules.get(match[0], ()):
                yield PhraseHit(rule, match.start(), match.end())
