"""`python -m bot moderation train`: reproducible, reports its figures, exports plain weights."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.moderation.model import MODEL_FILE, load_model

RULES_DIR = Path(__file__).resolve().parents[3] / "data" / "moderation"


def test_shipped_model_is_small_attributed_and_loads() -> None:
    path = RULES_DIR / MODEL_FILE
    assert path.stat().st_size < 3_000_000
    model = load_model(path)
    assert model is not None and model.scale > 0 and model.words and model.rules
    assert "CC BY 4.0" in model.meta["attribution"]
    assert "SMS Spam Collection" in model.meta["attribution"]


@pytest.fixture
def training_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    pytest.importorskip("sklearn")
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / MODEL_FILE).unlink()
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    rows = []
    community = [json.loads(line) for line in (RULES_DIR / "community-train.jsonl").open()]
    for i, row in enumerate(community):
        rows.append({**row, "id": f"pub-{i:03d}", "source": "public", "split": "dev"})
        rows.append({**row, "id": f"pubt-{i:03d}", "source": "public", "split": "test"})
    (datasets / "public.jsonl").write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    monkeypatch.setenv("MSBOT_MODERATION_RULES_DIR", str(rules))
    return rules, datasets


def test_train_reports_and_is_reproducible(
    training_setup: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    rules, datasets = training_setup
    first, second = rules / "first.json", rules / "second.json"
    assert main(["moderation", "train", "--datasets", str(datasets), "--output", str(first)]) == 0
    out = capsys.readouterr().out
    for expected in (
        "Read for training (never a test row, never the held-out file)",
        "public: ",
        "Cross-validated on the training rows (5 folds)",
        "Learned rule weights",
        "On the public test splits (never trained on)",
        "On the project's held-out community cases (never trained on)",
        "Baseline, TF-IDF + logistic regression",
    ):
        assert expected in out
    assert main(["moderation", "train", "--datasets", str(datasets), "--output", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    model = load_model(first)
    assert model is not None and "CC BY 4.0" in model.meta["attribution"]


def test_train_dry_run_writes_nothing(
    training_setup: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    rules, datasets = training_setup
    assert main(["moderation", "train", "--datasets", str(datasets), "--dry-run"]) == 0
    assert not (rules / MODEL_FILE).exists()
    assert "Wrote" not in capsys.readouterr().out


def test_without_a_model_file_the_hand_weights_decide(tmp_path: Path) -> None:
    from bot.moderation.detector import Detector
    from bot.moderation.rules import load_rules

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / MODEL_FILE).unlink()
    verdict = Detector(load_rules(rules)).check("herbal cure")
    assert verdict.flagged and [r.weight for r in verdict.reasons] == [3.5]


def test_a_damaged_model_file_is_a_clear_error(tmp_path: Path) -> None:
    from bot.errors import ConfigurationError

    path = tmp_path / MODEL_FILE
    path.write_text('{"format": 2, "scale": "x"}', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="damaged"):
        load_model(path)


def _text_messages() -> list[dict[str, str]]:
    """Text-message-style rows, spam and genuine, in the shape of the public SMS collection."""
    spam_shapes = (
        "WINNER!! u have won a {n} prize. txt CLAIM to 8{n}1 now",
        "URGENT ur mobile no. won £{n} cash, call 0906{n}0 to claim",
        "FREE entry 2 win {n} tkts, txt WIN to 8{n}7 T&C apply",
    )
    genuine_shapes = (
        "ok lor c u at {n} then",
        "hey r u coming 2nite? {n} ppl here",
        "sorry cant talk now, call u l8r after {n}",
        "haha ya i'll bring the {n} dvds tmr",
    )
    rows = []
    for i in range(24):
        for kind, shapes in (("spam", spam_shapes), ("ham", genuine_shapes)):
            text = shapes[i % len(shapes)].format(n=100 + i * 7)
            rows.append({"id": f"sms-{kind}-{i:03d}", "text": text, "label": kind})
    return rows


def test_text_message_style_gets_a_router_and_its_own_weights(
    training_setup: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    rules, datasets = training_setup
    rows = [{**row, "source": "sms", "split": "dev"} for row in _text_messages()]
    (datasets / "sms.jsonl").write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    output = rules / "styled.json"
    assert main(["moderation", "train", "--datasets", str(datasets), "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert "Styles, as the router guessed them:" in out
    assert "text-message style at" in out
    model = load_model(output)
    assert model is not None and model.text_style is not None
    texting = model.wording("ok lor c u l8r, txt me when u r here")
    chatting = model.wording("Has anyone tried pacing for fatigue after a relapse?")
    assert texting.weights is model.text_style[1]
    assert chatting.weights is model.chat
