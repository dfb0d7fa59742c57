"""Member-facing text that is not wrapped for translation, found in the code (a heuristic).

Looks at what reaches a member or moderator: the texts of ``Reply(...)``, ``add_field``,
``UserError``/``NotFoundError``, refusals (``Decision``), what is sent or answered
(``send``, ``send_message``, ``respond``, ``edit_message``), and the labels, placeholders and
titles of buttons, selects, forms and their options. A string literal there must be the
argument of ``_()``, ``N_()`` or ``ngettext()``; an f-string there is always wrong (it cannot
be translated). Text that must stay English is listed in ``ALLOWED`` with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
#: Parts of the code whose output is for the admin in a terminal, or not text at all:
#: the admin CLI and start-up errors stay English (README "Languages"), the local Discord and
#: its console are a development tool.
SKIPPED = (
    "bot/local_discord/",
    "bot/console/",
    "bot/__main__.py",
    "bot/storage/",
    "bot/settings.py",
    "bot/moderation/scan.py",
    "bot/moderation/training.py",
)
#: Calls whose text arguments reach a member or moderator.
TEXT_CALLS = {
    "Reply",
    "add_field",
    "UserError",
    "NotFoundError",
    "Decision",
    "send",
    "send_message",
    "respond",
    "edit_message",
    "error_reply",
    "Button",
    "button",
    "Select",
    "SelectOption",
    "TextInput",
    "Label",
    "Choice",
    "Confirmation",
}
TEXT_KEYWORDS = {
    "body",
    "title",
    "footer",
    "content",
    "label",
    "placeholder",
    "description",
    "text",
    "name",
    "image_alt",
}
TRANSLATING = {"_", "N_", "ngettext"}
#: (file, text) pairs that are right as they are, and why.
ALLOWED = {
    # Slash-command choices: Discord shows them through the `commands` catalog (Translator).
    ("cogs/streaks.py", "today"),
    ("cogs/streaks.py", "yesterday"),
}
WORD = re.compile(r"[A-Za-z]{2,}")


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _words(node: ast.expr) -> str | None:
    """The literal's text when it holds words (an f-string's literal parts), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if WORD.search(node.value) else None
    if isinstance(node, ast.JoinedStr):
        parts = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return ast.unparse(node) if WORD.search(parts) else None
    if isinstance(node, ast.BinOp):  # "a" + "b"
        return _words(node.left) or _words(node.right)
    if isinstance(node, ast.IfExp):
        return _words(node.body) or _words(node.orelse)
    return None


def unwrapped(path: Path) -> list[tuple[int, str]]:
    found = []
    for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(call, ast.Call) or _call_name(call) not in TEXT_CALLS:
            continue
        values = list(call.args) + [k.value for k in call.keywords if k.arg in TEXT_KEYWORDS]
        if _call_name(call) in {"send", "send_message", "respond", "edit_message"}:
            values = call.args[:1] + [k.value for k in call.keywords if k.arg == "content"]
        for value in values:
            text = _words(value)
            if text is not None:
                found.append((value.lineno, text))
    return found


def test_member_facing_text_is_wrapped_for_translation() -> None:
    problems = []
    for folder in ("bot", "cogs"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(SKIPPED):
                continue
            for line, text in unwrapped(path):
                if (relative, text) not in ALLOWED:
                    problems.append(f"{relative}:{line}: {text!r}")
    assert not problems, "Wrap these with _() (or N_() for a constant):\n" + "\n".join(problems)


def test_the_check_finds_an_unwrapped_reply(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'Reply(body="Hello there")\n'
        'Reply(body=_("Hello there"))\n'
        'raise UserError(f"No flag #{number}")\n'
        'discord.ui.Button(label=N_("Next page"))\n'
        'await interaction.response.send_message("Thanks!", ephemeral=True)\n'
    )
    assert [line for line, _text in unwrapped(sample)] == [1, 3, 5]


def test_translation_calls_take_a_literal_or_a_name() -> None:
    """``_(a if b else "x")`` would put "x" in the catalog as a message of its own."""
    problems = []
    for folder in ("bot", "cogs"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(call, ast.Call) and _call_name(call) in TRANSLATING):
                    continue
                for arg in call.args:
                    simple = isinstance(arg, ast.Constant | ast.Name | ast.Attribute)
                    if not simple and any(
                        isinstance(node, ast.Constant) and isinstance(node.value, str)
                        for node in ast.walk(arg)
                    ):
                        problems.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not problems, "Pass a string or a variable to _(): " + ", ".join(problems)
