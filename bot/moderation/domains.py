"""Host names: public-suffix parsing from tldextract's bundled list, never the network.

The list is read lazily, on the first host looked up, straight from the snapshot file that the
``tldextract`` package ships: importing ``tldextract`` itself costs about 0.2 s (it pulls in
``requests``, ``filelock`` and ``idna``), and the bot needs nothing of it but that file. Only
the ICANN section is used, as ``tldextract``'s default does; a test compares the two.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

_SNAPSHOT = ".tld_set_snapshot"
_PRIVATE_SECTION = "// ===BEGIN PRIVATE DOMAINS==="


@dataclass(frozen=True)
class SuffixRules:
    exact: frozenset[str]
    #: "*.ck" stored as "ck": any one label in front of it is a public suffix too.
    wildcard: frozenset[str]
    #: "!www.ck" stored as "www.ck": an exception to a wildcard.
    exception: frozenset[str]


def snapshot_path() -> Path:
    spec = importlib.util.find_spec("tldextract")  # finds the folder without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("tldextract is not installed: reinstall the bot's dependencies")
    return Path(next(iter(spec.submodule_search_locations))) / _SNAPSHOT


def parse_suffix_list(text: str) -> SuffixRules:
    exact: set[str] = set()
    wildcard: set[str] = set()
    exception: set[str] = set()
    for line in text.split(_PRIVATE_SECTION, 1)[0].splitlines():
        rule = line.strip().split(" ", 1)[0].lower()
        if not rule or rule.startswith("//") or not rule.isascii():
            continue  # comments, and IDN rules: hosts here are matched as [a-z0-9.-] only
        if rule.startswith("!"):
            exception.add(rule[1:])
        elif rule.startswith("*."):
            wildcard.add(rule[2:])
        else:
            exact.add(rule)
    return SuffixRules(frozenset(exact), frozenset(wildcard), frozenset(exception))


@cache
def suffix_rules() -> SuffixRules:
    return parse_suffix_list(snapshot_path().read_text(encoding="utf-8"))


def _split(host: str) -> tuple[str, str]:
    """(label before the suffix, suffix); the suffix is "" when no rule matches."""
    rules = suffix_rules()
    labels = host.split(".")
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        if candidate in rules.exception:
            start += 1
            candidate = ".".join(labels[start:])
        elif candidate not in rules.exact and ".".join(labels[start + 1 :]) not in rules.wildcard:
            continue
        return (labels[start - 1] if start > 0 else ""), candidate
    return "", ""


@lru_cache(maxsize=4096)
def registered_domain(host: str) -> str | None:
    """``www.someclinic.com`` -> ``someclinic.com``; ``nhs.uk`` -> ``nhs.uk``; junk -> None."""
    host = host.strip(".").lower()
    if not host or len(host) > 253 or ".." in host:
        return None
    domain, suffix = _split(host)
    if not suffix:
        return None
    if not domain:
        # The host is itself a public suffix (nhs.uk, gov.uk): treat it as the site.
        return suffix if "." in suffix else None
    return f"{domain}.{suffix}"


def suffix_of(host: str) -> str:
    return _split(host.strip(".").lower())[1]


def matches_domain(host: str, domains: frozenset[str] | set[str]) -> str | None:
    """The entry of ``domains`` that ``host`` is, or is a sub-domain of (``a.b.nhs.uk`` -> nhs.uk)."""
    host = host.lower().strip(".")
    labels = host.split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if candidate in domains:
            return candidate
    return None
