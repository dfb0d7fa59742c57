"""Finding links in normalised text, including ones written with spaces to dodge filters.

"ww w. someclinic. c om" is rebuilt by a single left-to-right pass over word and dot tokens (no
backtracking regex). Ordinary prose also has dots followed by words ("it helped. Me too"), so a
spaced rebuild is kept only when it starts with "www", or ends in a suffix scammers use and the
word after the dot is not capitalised like a new sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.moderation.domains import registered_domain, suffix_of

_TOKEN = re.compile(r"[A-Za-z0-9-]+|\.| |[^A-Za-z0-9 .-]+")
#: Suffixes accepted for a spaced rebuild without "www" in front.
SPACED_SUFFIXES = frozenset({"com", "org", "info", "biz", "co.uk", "org.uk", "com.ng", "xyz"})
_MAX_RUN_TOKENS = 40
# Cheap test first: a rebuilt link starts with "www" or ends in one of SPACED_SUFFIXES, each
# maybe spaced out. Ordinary sentences rarely match, and skip the token pass.
_MAYBE_SPACED = re.compile(
    r"w ?w ?w|\. ?(?:c ?o|o ?r ?g|i ?n ?f ?o|b ?i ?z|x ?y ?z)(?![a-z0-9])|\. ?c ?o ?m",
    re.IGNORECASE,
)
_URL = re.compile(r"\bhttps?://([a-z0-9.-]{1,253})[^\s<>\"]{0,2000}")
# Labels cannot contain dots, so this cannot backtrack badly; lengths are bounded too.
_BARE_HOST = re.compile(r"(?<![a-z0-9@.-])((?:[a-z0-9-]{1,63}\.){1,6}[a-z]{2,24})(?![a-z0-9-])")
_INVITE = re.compile(r"\b(?:discord(?:app)?\.(?:gg|io|me|com/invite)|dsc\.gg)/ ?([a-z0-9-]{2,32})")


@dataclass(frozen=True)
class Link:
    host: str
    domain: str  # registered domain, e.g. someclinic.com
    written: str  # as it appeared (after folding), for the explanation
    obfuscated: bool = False


def _is_sentence_start(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def rebuild_spaced(cased: str) -> tuple[str, list[Link]]:
    """Join "ww w. site. c om" into "www.site.com"; returns new text and the rebuilt links."""
    if (". " not in cased and " ." not in cased) or not _MAYBE_SPACED.search(cased):
        return cased, []
    tokens = _TOKEN.findall(cased)
    out: list[str] = []
    links: list[Link] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(_rebuild_run(run, links))
            run.clear()

    for token in tokens:
        if token == " " or token == "." or token[0].isalnum() or token[0] == "-":
            run.append(token)
            if len(run) >= _MAX_RUN_TOKENS:
                flush()
        else:
            flush()
            out.append(token)
    flush()
    return "".join(out), links


def _rebuild_run(run: list[str], links: list[Link]) -> str:
    """Rebuild a link in ``run``; when none starts at its first word, retry after each dot.

    "...I walk again. w w w . site . com": the run starts with the sentence, so the link is
    only found when the sentence before the first dot is set aside.
    """
    rebuilt = _rebuild_from_start(run, links)
    if rebuilt is not None:
        return rebuilt
    if "." in run:
        first_dot = run.index(".")
        rest = run[first_dot + 1 :]
        lead = ""
        while rest and rest[0] == " ":
            lead, rest = lead + " ", rest[1:]
        if "." in rest:
            return "".join(run[: first_dot + 1]) + lead + _rebuild_run(rest, links)
    return "".join(run)


def _rebuild_from_start(run: list[str], links: list[Link]) -> str | None:
    text = "".join(run)
    if "." not in run or (". " not in text and " ." not in text):
        return None
    # Segments of words between dots.
    segments: list[list[str]] = [[]]
    for token in run:
        if token == ".":
            segments.append([])
        elif token != " ":
            segments[-1].append(token)
    if len(segments) < 2 or not segments[0] or not segments[-1]:
        return None
    head = segments[0]
    joined_tail = "".join(head[-3:]).lower()
    if joined_tail.endswith("www") and len(head) >= 2 and "".join(head[-2:]).lower() == "www":
        start_words = 2
    elif joined_tail.endswith("www") and len(head) >= 3 and joined_tail == "www":
        start_words = 3
    else:
        start_words = 1
    labels = ["".join(head[-start_words:])]
    middle_ok = True
    for segment in segments[1:-1]:
        if not segment or len(segment) > 2 or "".join(segment).lower() == "www":
            # A "www" in the middle means the link starts there: retried from that dot.
            middle_ok = False
            break
        labels.append("".join(segment))
    if not middle_ok:
        return None
    last = segments[-1]
    for take in (3, 2, 1):
        if take > len(last):
            continue
        host = ".".join([*labels, "".join(last[:take])]).lower()
        domain = registered_domain(host)
        if domain is None:
            continue
        suffix = suffix_of(host)
        starts_www = host.startswith("www.")
        if not starts_www and (suffix not in SPACED_SUFFIXES or _is_sentence_start(last[0])):
            continue
        simple = len(labels) == 1 and take == 1 and start_words == 1
        if not starts_www and simple and suffix not in {"com", "org", "info", "biz"}:
            # "word. uk": two-label suffixes need more evidence than one spaced dot.
            continue
        prefix = " ".join(head[:-start_words])
        rest = " ".join(last[take:])
        first_word = len(head) - start_words
        last_word = sum(len(segment) for segment in segments[:-1]) + take - 1
        links.append(
            Link(
                host=host, domain=domain, written=_span(run, first_word, last_word), obfuscated=True
            )
        )
        return " ".join(part for part in (prefix, host, rest) if part) + (
            " " if text.endswith(" ") else ""
        )
    return None


def _span(run: list[str], first_word: int, last_word: int) -> str:
    """The run's text from its ``first_word``-th to ``last_word``-th word, as written."""
    index = -1
    start = end = 0
    for position, token in enumerate(run):
        if token not in (" ", "."):
            index += 1
            if index == first_word:
                start = position
            if index == last_word:
                end = position
                break
    return "".join(run[start : end + 1])


def find_links(text: str) -> list[Link]:
    """Plain links and bare host names in already-normalised (lower-case) text."""
    found: dict[str, Link] = {}
    if "." not in text:
        return []
    for match in _URL.finditer(text):
        host = match[1].strip(".")
        domain = registered_domain(host)
        if domain:
            found.setdefault(host, Link(host=host, domain=domain, written=match[0][:120]))
    for match in _BARE_HOST.finditer(text):
        host = match[1]
        if host in found:
            continue
        domain = registered_domain(host)
        if domain:
            found[host] = Link(host=host, domain=domain, written=host)
        if len(found) >= 20:
            break
    return list(found.values())


def find_invites(text: str) -> list[str]:
    if "/" not in text:
        return []
    return [match[0] for match in _INVITE.finditer(text)][:5]
