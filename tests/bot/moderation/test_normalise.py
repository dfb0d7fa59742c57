from __future__ import annotations

import socket

import pytest

from bot.moderation.domains import matches_domain, registered_domain
from bot.moderation.links import find_links, rebuild_spaced
from bot.moderation.normalise import MAX_INPUT_CHARS, normalise
from bot.moderation.phrases import PhraseMatcher, PhraseRule


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("ww w. someclinic. c om", "www.someclinic.com"),
        ("visit www. someclinic. com now", "www.someclinic.com"),
        ("go to someclinic .com today", "someclinic.com"),
        ("w w w. a. b. c om", "www.a.b.com"),
    ],
)
def test_spaced_links_rebuilt(raw: str, host: str) -> None:
    text, links = rebuild_spaced(raw)
    assert host in text
    assert links and links[0].obfuscated and links[0].host == host


@pytest.mark.parametrize(
    "raw",
    ["It helped. Me too", "so tired. co workers", "I went home. Come over", "I love it. Com"],
)
def test_prose_is_not_a_link(raw: str) -> None:
    assert rebuild_spaced(raw)[1] == []


@pytest.mark.parametrize(
    "raw", ["site dot com", "site(.)com", "site [.] com", "site (dot) com", "site{.}com"]
)
def test_bracket_and_spoken_dots(raw: str) -> None:
    norm = normalise(raw)
    assert norm.text == "site.com" and norm.dodges


def test_confusables_zero_width_and_leet() -> None:
    assert normalise("Ϲured").words == "cured"  # lunate sigma: NFKC alone would make it Greek
    assert normalise("сurеd").words == "cured"  # Cyrillic
    assert normalise("cu\u200bre\u2060d").words == "cured"
    assert normalise("cur3d h3rb@l").words == "cured herbal"
    assert normalise("vitamin d 1000 iu").words == "vitamin d 1000 iu"  # numbers stay


def test_input_is_capped() -> None:
    norm = normalise("a" * (MAX_INPUT_CHARS * 3))
    assert norm.truncated and len(norm.text) == MAX_INPUT_CHARS


def test_domains_use_bundled_list_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    import tldextract

    fresh = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    assert fresh("www.example.co.uk").suffix == "co.uk"
    assert registered_domain("shop.example.co.uk") == "example.co.uk"
    assert registered_domain("nhs.uk") == "nhs.uk"
    assert registered_domain("report.pdf") is None
    assert matches_domain("www.nhs.uk", frozenset({"nhs.uk"})) == "nhs.uk"
    assert matches_domain("evilnhs.uk", frozenset({"nhs.uk"})) is None


def test_find_links() -> None:
    hosts = {link.host for link in find_links("see https://www.nhs.uk/x and site.com, e.g. a.pdf")}
    assert hosts == {"www.nhs.uk", "site.com"}


def test_phrase_matcher_whole_words_longest() -> None:
    matcher = PhraseMatcher(
        [PhraseRule("cure", "a", 1), PhraseRule("cured my ms", "a", 2), PhraseRule("cured", "a", 1)]
    )
    hits = [h.rule.phrase for h in matcher.finditer("he cured my ms. secure cure! cured")]
    assert hits == ["cured my ms", "cure", "cured"]
