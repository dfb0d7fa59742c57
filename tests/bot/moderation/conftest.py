from __future__ import annotations

from pathlib import Path

import pytest

from bot.moderation.detector import Detector
from bot.moderation.rules import RuleSet, load_rules

RULES_DIR = Path(__file__).resolve().parents[3] / "data" / "moderation"


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules(RULES_DIR)


@pytest.fixture
def detector(rules: RuleSet) -> Detector:
    return Detector(rules)
