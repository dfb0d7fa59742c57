from __future__ import annotations

import socket
from pathlib import Path

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


HOSTS = [
    "www.example.co.uk",
    "shop.example.co.uk",
    "nhs.uk",
    "a.b.gov.uk",
    "report.pdf",
    "www.ck",
    "a.www.ck",
    "foo.bar.ck",
    "city.kawasaki.jp",
    "x.y.kawasaki.jp",
    "someclinic.com",
    "t.me",
    "bit.ly",
    "example.com.ng",
    "sub.example.com.au",
    "localhost",
    "a.b.c.d.e.example.org",
    "github.io",
    "user.github.io",
]


@pytest.mark.parametrize("host", HOSTS)
def test_own_suffix_lookup_matches_tldextract(host: str) -> None:
    import tldextract

    from bot.moderation.domains import suffix_of

    expected = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)(host)
    assert suffix_of(host) == expected.suffix
    if expected.suffix and expected.domain:
        assert registered_domain(host) == f"{expected.domain}.{expected.suffix}"


def test_importing_the_detector_builds_nothing_heavy() -> None:
    """tldextract, scikit-learn and the confusables table are not paid for at import."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import bot.moderation.detector, bot.moderation.service\n"
        "from bot.moderation.normalise import fold_table\n"
        "from bot.moderation.domains import suffix_rules\n"
        "assert 'tldextract' not in sys.modules, 'tldextract imported'\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported'\n"
        "assert 'phonenumbers' not in sys.modules, 'phonenumbers imported'\n"
        "assert fold_table.cache_info().currsize == 0, 'confusables built at import'\n"
        "assert suffix_rules.cache_info().currsize == 0, 'suffix list read at import'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_confusables_table_is_built_once_on_first_use() -> None:
    from bot.moderation.normalise import fold_table

    assert normalise("Ηerbal").words == "herbal"
    first = fold_table()
    assert normalise("сured").words == "cured" and fold_table() is first


@pytest.mark.parametrize(
    ("text", "count", "premium"),
    [
        ("contact him on +234 813 555 1234 now", 1, False),
        ("call 09061701461 to claim", 1, True),
        ("The MS Society helpline is 0808 800 8000", 1, False),
        ("my levels were 1000 iu, 2026-01-15 was the date", 0, False),
        ("1" * 4000, 0, False),
        ("+1 " * 1000, 0, False),
    ],
)
def test_phone_prefilter_parses_only_number_like_spans(
    text: str, count: int, premium: bool
) -> None:
    from bot.moderation.phones import find_phones

    phones = find_phones(text)
    assert len(phones) == count
    assert any(p.premium for p in phones) == premium


def test_parsed_numbers_are_remembered_within_bounds() -> None:
    from bot.moderation.phones import PARSED_CACHE_SIZE, _parse, find_phones

    _parse.cache_clear()
    first = find_phones("whatsapp +234 813 555 1234 today")
    again = find_phones("whatsapp +234 813 555 1234 today")
    assert first == again and len(first) == 1
    info = _parse.cache_info()
    assert info.hits >= 1 and info.maxsize == PARSED_CACHE_SIZE


def test_spaced_link_right_after_a_sentence() -> None:
    text, links = rebuild_spaced("After years in a chair I walk again. w w w . msherbs . com")
    assert [link.host for link in links] == ["www.msherbs.com"]
    assert text.endswith("walk again. www.msherbs.com")


def test_a_repeated_weight_in_a_rule_file_is_refused(tmp_path: Path) -> None:
    import shutil

    from bot.errors import ConfigurationError
    from bot.moderation.rules import load_rules

    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[3] / "data" / "moderation", rules)
    (rules / "phrases.yaml").write_text(
        "cure_claim:\n  3.0:\n    - a\n  3.0:\n    - b\n", encoding="utf-8"
    )
    with pytest.raises(ConfigurationError, match="appears twice"):
        load_rules(rules)
