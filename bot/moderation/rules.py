"""Rule data: phrases with weights, allow/deny domains and signal weights from data files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigurationError
from bot.moderation.model import MODEL_FILE, LearnedModel, load_model
from bot.moderation.normalise import fold
from bot.moderation.phrases import PhraseMatcher, PhraseRule


@dataclass(frozen=True)
class GuildRules:
    """One server's additions, edited through moderator buttons."""

    trusted_domains: frozenset[str] = frozenset()
    trusted_phrases: frozenset[str] = frozenset()
    flag_domains: frozenset[str] = frozenset()
    #: What the server taught the model (``learning.GuildAdjustment``); None = nothing yet.
    learned: Any = field(default=None, compare=False)


NO_GUILD_RULES = GuildRules()


@dataclass
class RuleSet:
    phrases: PhraseMatcher
    allow_domains: frozenset[str]
    deny_domains: frozenset[str]
    shorteners: frozenset[str]
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    #: The learned model's file; read on first use (tens of milliseconds), not at start-up.
    model_path: Path | None = None
    _model: LearnedModel | None = None
    _model_loaded: bool = False

    def weight(self, section: str, name: str) -> float:
        return float(self.weights[section][name])

    @property
    def model(self) -> LearnedModel | None:
        if not self._model_loaded:
            self._model = load_model(self.model_path) if self.model_path else None
            self._model_loaded = True
        return self._model

    def set_model(self, model: LearnedModel | None) -> None:
        """Use ``model`` instead of the file (training reports on the model it just fitted)."""
        self._model, self._model_loaded = model, True

    def allowed_for(self, guild: GuildRules) -> frozenset[str]:
        """The allow list merged with a server's trusted domains, built once per server rules."""
        cached = self._allowed.get(id(guild))
        if cached is None or cached[0] is not guild:
            if len(self._allowed) > 4096:
                self._allowed.clear()
            cached = (guild, self.allow_domains | guild.trusted_domains)
            self._allowed[id(guild)] = cached
        return cached[1]

    def __post_init__(self) -> None:
        self._allowed: dict[int, tuple[GuildRules, frozenset[str]]] = {}


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe loading that refuses a repeated key: YAML would silently keep only the last one
    (two "3.0:" lists in one group lose the first list's phrases)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise ConfigurationError(f"Moderation rule file {path} is missing.") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"Moderation rule file {path} is not valid YAML: {exc}") from None


def parse_phrases(data: dict[str, dict[float, list[str]]]) -> list[PhraseRule]:
    rules = []
    for group, by_weight in data.items():
        for weight, phrases in by_weight.items():
            for phrase in phrases:
                rules.append(PhraseRule(fold(str(phrase)), str(group), float(weight)))
    return rules


def _domains(values: list[str] | None) -> frozenset[str]:
    return frozenset(str(v).strip().lower() for v in values or () if str(v).strip())


def load_rules(directory: Path) -> RuleSet:
    phrase_data = _read_yaml(directory / "phrases.yaml") or {}
    domain_data = _read_yaml(directory / "domains.yaml") or {}
    weights = _read_yaml(directory / "signals.yaml") or {}
    return RuleSet(
        phrases=PhraseMatcher(parse_phrases(phrase_data)),
        allow_domains=_domains(domain_data.get("allow")),
        deny_domains=_domains(domain_data.get("deny")),
        shorteners=_domains(domain_data.get("shorteners")),
        weights={section: dict(values) for section, values in weights.items()},
        model_path=directory / MODEL_FILE,
    )
