"""The console: the real bot on a local Discord, driven by typed lines (piped mode)."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

from bot.console.shell import run_console
from tests.e2e.settings import ROOT, e2e_settings


async def run_lines(tmp_path: Path, *lines: str) -> str:
    out = io.StringIO()
    code = await run_console(
        e2e_settings(tmp_path, "console.sqlite3"),
        io.StringIO("".join(f"{line}\n" for line in lines)),
        out,
        interactive=False,
        configure_logging=False,
    )
    assert code == 0
    return out.getvalue()


async def test_commands_named_positional_quoted_and_checked(tmp_path: Path) -> None:
    out = await run_lines(
        tmp_path,
        "/as member",
        "/streak join Europe/Paris 19:30",
        "1",
        '/checkin minutes:10 activity:walking note:"felt ok"',
        "/checkin 5 yoga",
        "/modstats days:400",
        "/nosuch",
        "²",  # a digit to str.isdigit, not a choice number: a plain message, no crash
        "tour",
        "/streak rest day:tomorrow",
    )
    assert "You are now member" in out
    assert "Try this:" in out  # the tour again, on request
    assert "Join streaks?" in out and "[1] button: Yes, join" in out
    assert "You're in!" in out
    assert "(only you see this)" in out and "Current streak: 1 day" in out
    assert "Sorry: You don't have access to /modstats here." in out
    assert "Sorry: There is no command /nosuch here." in out
    assert "Sorry: day: choose one of today, yesterday." in out


async def test_a_scam_card_arrives_and_a_moderator_deletes_it_by_number(tmp_path: Path) -> None:
    out = await run_lines(
        tmp_path,
        "/config channel moderation_review_channel #mod-review",
        "/as member",
        "Dr Ogala's herbal cure reversed my MS! WhatsApp +2348012345678",
        "!edit Dr Ogala's herbal cure reversed my MS! WhatsApp +2348012345678 today",
        "/as moderator",
        "#mod-review",
        "1",
    )
    assert "bot in #mod-review:" in out and "== Flagged message #1" in out
    assert "Buttons on the latest message here: [1] Delete message" in out
    assert "(a message by member was deleted in #general)" in out
    assert "Message deleted by @moderator" in out


async def test_buttons_by_label_modals_field_by_field_and_images(tmp_path: Path) -> None:
    out = await run_lines(
        tmp_path,
        "/config channel article_feedback_channel #article-feedback",
        "/as member",
        "/article share fatigue-and-weakness",
        "click 2 stars",
        "The tips were too vague",
        "/streak join UTC",
        "click Yes, join",
        "/checkin",
        "/streak status",
    )
    assert "Form: Saved: you rated 2/5" in out
    assert "How could we improve this article? (optional)" in out
    assert "bot in #article-feedback:" in out and "The tips were too vague" in out
    image = re.search(r"\[image: (\S+\.png)\] (.+)", out)
    assert image is not None and "Calendar" in image[2]
    assert await asyncio.to_thread(Path(image[1]).exists)


async def test_data_survives_a_restart_with_stable_ids(tmp_path: Path) -> None:
    await run_lines(tmp_path, "/as member", "/streak join UTC", "1", "/checkin 10")
    out = await run_lines(tmp_path, "/as member", "/streak status", "/mydata export", "#dm")
    assert "Current streak: 1 day" in out
    assert "bot DM to member:" in out and "my-data-" in out


async def test_readme_console_examples_work_verbatim(tmp_path: Path) -> None:
    """Every line of the README's console tour runs, buttons and modals included."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- console-tour -->", 2)[1]
    lines = [
        line.split("  #", 1)[0].rstrip()
        for line in re.findall(r"```text\n(.*?)```", block, re.S)[0].splitlines()
    ]
    out = await run_lines(tmp_path, *lines)
    assert "Sorry:" not in out and "did not respond" not in out, out
    assert "What I can do" in out
    assert "== Flagged message #1" in out and "Message deleted by @moderator" in out
    assert 'phone number: "+2348012345678"' in out  # the card's Details
    assert "Did you mean" in out and "mobility aids on weak days ==" in out
    assert "Thank you: your feedback was passed to the editors." in out
    assert "You're in!" in out and "Checked in for today" in out


async def test_message_menus_run_on_the_newest_message_by_someone_else(tmp_path: Path) -> None:
    out = await run_lines(
        tmp_path,
        "/as member",
        "Buy cheap Ampyra here, no prescription needed",
        "/as moderator",
        "!apps",
        "!apps teach: spam",
        "!apps nosuch",
        "/as member",
        "!apps report",  # the member's own message is the only one: nothing to report
    )
    assert "Message menus: Report to moderators, Teach: not spam, Teach: spam." in out
    assert "the newest message by member here" in out
    assert "Learned: this message is spam on this server." in out
    assert "1 spam and 0 genuine examples" in out
    assert "Sorry: No message menu 'nosuch'." in out
    assert "Sorry: There is no message by someone else here to use it on." in out
