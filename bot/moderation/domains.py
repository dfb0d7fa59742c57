"""Host names: public-suffix parsing with tldextract's bundled list, never the network."""

from __future__ import annotations

from functools import lru_cache

import tldextract

# suffix_list_urls=() and no cache dir: the snapshot shipped inside the package, no fetch, no
# files written. A test asserts that no socket is opened.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registered_domain(host: str) -> str | None:
    """``www.someclinic.com`` -> ``someclinic.com``; ``nhs.uk`` -> ``nhs.uk``; junk -> None."""
    host = host.strip(".").lower()
    if not host or len(host) > 253 or ".." in host:
        return None
    parts = _EXTRACT(host)
    if not parts.suffix:
        return None
    if not parts.domain:
        # The host is itself a public suffix (nhs.uk, gov.uk): treat it as the site.
        return parts.suffix if "." in parts.suffix else None
    return f"{parts.domain}.{parts.suffix}"


def suffix_of(host: str) -> str:
    return _EXTRACT(host.lower()).suffix


def matches_domain(host: str, domains: frozenset[str] | set[str]) -> str | None:
    """The entry of ``domains`` that ``host`` is, or is a sub-domain of (``a.b.nhs.uk`` -> nhs.uk)."""
    host = host.lower().strip(".")
    labels = host.split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if candidate in domains:
            return candidate
    return None


# Build tldextract's suffix trie now (about 40 ms) rather than inside the first message scan.
_EXTRACT("example.com")
