"""Hostile input to every command's core entry point (issue "Hardening", the closing fuzz test).

Each entry below is what a cog calls with what a member typed (or what a button carried):
lone surrogates, NUL, RTL marks, huge digit runs, NaN and infinity, nested brackets, overlong
ids and 4,000+ characters. The only exception allowed out is the friendly ``UserError`` (its
subclasses included: not found, "Did you mean"). And the work stays linear in the length: the
time per call at 4,000 characters is bounded by a generous multiple of the time at 400 (a
quadratic step shows as about 100x; linear is about 10x). No absolute time is asserted.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.articles.feature import service_of as articles_of
from bot.errors import UserError
from bot.moderation.feature import service_of as moderation_of
from bot.moderation.scan import load_rows
from bot.moderation.signals.base import MessageFacts
from bot.streaks.feature import streaks_of
from bot.streaks.service import REST_LIMIT_KEY
from tests.engines import ENGINES

GUILD = 1
MEMBER = 4242
MODERATOR = 9
MODS = frozenset({"manage_messages", "moderate_members", "ban_members"})
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_message_ids = itertools.count(10_000)

PIECES = [
    "\ud800",
    "\udfff",
    "\ud83d\ude00",
    "\x00",
    "\u202e",
    "\u200f",
    "\u200b",
    "\ufeff",
    "٣",
    "²",
    "３",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "#",
    "9" * 30,
    "99999999999999999999",
    "-1",
    "0",
    "[",
    "]",
    "{",
    "}",
    "((",
    "))",
    '"',
    "'",
    "`",
    "*",
    "\\",
    "%",
    "_",
    "NEAR(",
    " AND ",
    " OR ",
    "NOT ",
    ":",
    "-",
    "^",
    " ",
    "\n",
    "\t",
    "é",
    "С",
    "𝐜",
    "@",
    "<@123>",
    "<#12345678901234567>",
    "https://",
    "discord.gg/",
    "www.",
    ".com",
    "cure",
    "weak",
    "fatigue",
    "mobility-aids",
    "Europe/Paris",
    "19:30",
    "on",
]
LONG = [
    "9" * 5000,
    "@" * 4200,
    "[" * 4100,
    "{a: " * 1100,
    "\u202e" * 2000 + "scam cure" * 250,
    "\ud800" * 4100,
    "weak fatigue " * 350,
    "#" + "9" * 4100,
]
hostile = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.text(max_size=200),
    st.lists(
        st.one_of(st.sampled_from(PIECES), st.integers(0xD800, 0xDFFF).map(chr)), max_size=200
    ).map("".join),
    st.sampled_from(LONG),
)
hostile_ids = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, 2**63 - 1, 2**63, 2**64, 10**19, 10**4000]),
)

Entry = Callable[[App, str], Awaitable[Any]]


async def _flag_id(app: App) -> int:
    facts = MessageFacts(
        text="Dr. Okoh cured me of multiple sclerosis, contact him on WhatsApp +234 813 555 1234",
        guild_id=GUILD,
        channel_id=20,
        author_id=MEMBER,
        message_id=next(_message_ids),
    )
    outcome = await moderation_of(app).check_message(facts, author_name="stranger")
    assert outcome is not None
    return outcome.flag.id


async def _article_id(app: App) -> int:
    return (await articles_of(app).resolve("mobility-aids")).id


async def _joined(app: App) -> None:
    core = streaks_of(app).core
    if await core.member(MEMBER) is None:
        await core.join(MEMBER, GUILD, "Europe/Paris", None)


async def _on_message(app: App, text: str) -> Any:
    facts = MessageFacts(
        text=text,
        guild_id=GUILD,
        channel_id=20,
        author_id=MEMBER,
        message_id=next(_message_ids),
    )
    return await moderation_of(app).check_message(facts, author_name=text[:100])


async def _report(app: App, text: str) -> Any:
    return await moderation_of(app).report(
        guild_id=GUILD,
        channel_id=20,
        message_id=next(_message_ids),
        author_id=MEMBER,
        author_name=text[:100],
        content=text,
        reporter_id=MODERATOR,
        reason=text,
    )


async def _rule(app: App, text: str) -> Any:
    return await moderation_of(app).add_rule(
        GUILD,
        "trusted_phrase",
        text,
        moderator_id=MODERATOR,
        permissions=MODS,
        flag_id=await _flag_id(app),
    )


async def _action(app: App, text: str) -> Any:
    return await moderation_of(app).check_action(
        GUILD, await _flag_id(app), text, moderator_id=MODERATOR, permissions=MODS
    )


async def _feedback(app: App, text: str) -> Any:
    ratings = articles_of(app).ratings
    return await ratings.add_feedback(await _article_id(app), MEMBER, GUILD, 2, text)


async def _join(app: App, text: str) -> Any:
    streaks_of(app).core.join_preview(text, text)
    return await streaks_of(app).core.join(MEMBER + 1, GUILD, text, text)


async def _checkin(app: App, text: str) -> Any:
    await _joined(app)
    return await streaks_of(app).core.checkin(MEMBER, None, text, text)


async def _rest(app: App, text: str) -> Any:
    await _joined(app)
    return await streaks_of(app).core.rest(MEMBER, text)


async def _settings(app: App, text: str) -> Any:
    await _joined(app)
    account = streaks_of(app).account
    for field in ("reminder", "zone"):
        with contextlib.suppress(UserError):
            await account.update(MEMBER, **{field: text})


def _config_set(option: str) -> Entry:
    async def entry(app: App, text: str) -> Any:
        return await app.config.set(GUILD, option, text, actor_id=MODERATOR)

    return entry


TEXT_ENTRY_POINTS: dict[str, Entry] = {
    "/article search": lambda app, s: articles_of(app).search(s),
    "/article show, share, rate (the article named)": lambda app, s: articles_of(app).resolve(s),
    "/article autocomplete": lambda app, s: articles_of(app).autocomplete(s),
    "/article list <tag>": lambda app, s: articles_of(app).list_articles(s, 1),
    "/article rate feedback": _feedback,
    "/config set <option>": lambda app, s: app.config.set(GUILD, s, "1"),
    "/config set <number>": _config_set("moderation_threshold"),
    "/config set <whole number>": _config_set(REST_LIMIT_KEY),
    "/config set <channel>": _config_set("moderation_review_channel"),
    "/config set <on or off>": _config_set("moderation_auto_hide"),
    "/config set <text list>": _config_set("moderation_trusted_phrases"),
    "/config reset": lambda app, s: app.config.reset(GUILD, s),
    "message scan (on_message)": _on_message,
    "Report to moderators": _report,
    "/moderation check": lambda app, s: moderation_of(app).explain_for_guild(GUILD, s),
    "card button action": _action,
    "trust / always-flag rule": _rule,
    "/streak join": _join,
    "/checkin": _checkin,
    "/streak rest": _rest,
    "/streak settings": _settings,
}


async def _call(entry: Entry, app: App, text: str) -> None:
    with contextlib.suppress(UserError):  # the friendly answer: the one exception allowed out
        await entry(app, text)


@pytest.mark.parametrize("engine", ENGINES)  # PostgreSQL refuses NUL in text: cleaned at binding
@pytest.mark.parametrize("name", list(TEXT_ENTRY_POINTS))
@FUZZ
@given(text=hostile)
async def test_no_exception_but_a_friendly_one_escapes(app: App, name: str, text: str) -> None:
    await _call(TEXT_ENTRY_POINTS[name], app, text)


ID_ENTRY_POINTS: dict[str, Callable[[App, int], Awaitable[Any]]] = {
    "open / rate button (article id)": lambda app, n: articles_of(app).get(n),
    "star button": lambda app, n: articles_of(app).ratings.rate(n, MEMBER, 3),
    "/article feedback resolve": lambda app, n: articles_of(app).ratings.resolve_feedback(
        GUILD, n, MODERATOR, permissions=frozenset({"manage_messages"})
    ),
    "card button (flag id)": lambda app, n: moderation_of(app).check_action(
        GUILD, n, "dismiss", moderator_id=MODERATOR, permissions=MODS
    ),
    "/streak pause <weeks>": lambda app, n: streaks_of(app).core.pause(MEMBER, n),
    "/checkin <minutes>": lambda app, n: streaks_of(app).core.checkin(MEMBER, n),
    "/modstats <days>": lambda app, n: moderation_of(app).stats(GUILD, n),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(ID_ENTRY_POINTS))
@FUZZ
@given(number=hostile_ids)
async def test_overlong_ids_and_numbers_are_friendly(app: App, name: str, number: int) -> None:
    await _joined(app)
    with contextlib.suppress(UserError):
        await ID_ENTRY_POINTS[name](app, number)


# -- time stays linear ---------------------------------------------------------------------------
GROWTH_PATTERNS = {
    "digits": "9",
    "at signs": "@",
    "brackets": "[",
    "words": "weak fatigue ",
    "rtl and surrogates": "\u202eé\ud800 ",
}
#: Linear work grows 10x from 400 to 4,000 characters; quadratic work about 100x.
MAX_GROWTH = 35


async def _best_time(entry: Entry, app: App, text: str, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        await _call(entry, app, text)
        best = min(best, time.perf_counter() - began)
    return best


@pytest.mark.parametrize("pattern", list(GROWTH_PATTERNS))
@pytest.mark.parametrize("name", list(TEXT_ENTRY_POINTS))
async def test_time_grows_linearly_with_length(app: App, name: str, pattern: str) -> None:
    entry = TEXT_ENTRY_POINTS[name]
    unit = GROWTH_PATTERNS[pattern]
    await _call(entry, app, unit * 10)  # warm caches (catalogue, rules) first
    short = await _best_time(entry, app, (unit * 400)[:400])
    long = await _best_time(entry, app, (unit * 4000)[:4000])
    # A floor of 0.2 ms keeps timer noise on tiny calls from looking like growth.
    assert long <= MAX_GROWTH * max(short, 0.0002), (name, pattern, short, long)


# -- the scan CLI's rows -------------------------------------------------------------------------
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        hostile,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["id", "text"]), inner)
    ),
    max_leaves=8,
)
row_fields = st.fixed_dictionaries(
    {},
    optional={
        "text": json_values,
        "label": json_values,
        "id": json_values,
        "split": json_values,
        "content": json_values,
        "author": json_values,
        "channel": json_values,
        "timestamp": json_values,
        "mentions": json_values,
    },
)


@FUZZ
@given(
    rows=st.lists(st.one_of(row_fields, hostile, json_values), max_size=5),
    export=st.booleans(),
)
def test_scan_cli_rows_never_crash(
    tmp_path_factory: pytest.TempPathFactory, rows: list[Any], export: bool
) -> None:
    import json

    path: Path = tmp_path_factory.mktemp("scan") / "rows.jsonl"
    if export:
        document = {"channel": rows[0] if rows else {}, "messages": rows}
        path.write_text(json.dumps(document), encoding="utf-8")
    else:
        lines = [json.dumps(row) if not isinstance(row, str) else row for row in rows]
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    with contextlib.suppress(UserError):
        load_rows(path)
