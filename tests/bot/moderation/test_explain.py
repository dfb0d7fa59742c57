"""The detector's reasons, as a moderator reads them on a card, in their language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import i18n
from bot.moderation.detector import Detector
from bot.moderation.explain import close_detail_text, is_known, reason_label
from bot.moderation.rules import GuildRules
from bot.moderation.signals.base import MessageFacts
from tests.bot.moderation.test_detector_cases import MUST_FLAG, MUST_NOT_FLAG

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _facts() -> list[MessageFacts | str]:
    """Every case of the detector's tests, plus the reasons that need more than text."""
    extra: list[MessageFacts | str] = [
        MessageFacts(
            text="see my profile",
            parts=(
                ("embed title", "herbal formula cured my MS, WhatsApp +2348012345678"),
                ("embed description", "Free Nitro: discord-nitro-gift.com/claim"),
                ("attachment name", "dr okoh whatsapp +2348135551234.png"),
                ("forum post title", "herbal cure for MS"),
                ("poll", "Cured by Dr Ogala? WhatsApp +2348012345678"),
            ),
        ),
        MessageFacts(
            text="Check this out https://unknown-shop.example/offer @everyone",
            account_created_at=NOW - timedelta(hours=3),
            joined_at=NOW - timedelta(hours=1),
            user_mentions=12,
            now=NOW,
        ),
        MessageFacts(
            text="great deal https://unknown-shop.example/offer call 0900 123 4567",
            account_created_at=NOW - timedelta(days=3),
            joined_at=NOW - timedelta(days=1),
            now=NOW,
        ),
        '> "Dr Ogala cured my MS, WhatsApp +2348012345678" is a scam, be careful',
        "[nationalmssociety.org](https://ms-relief-grant.com/apply)",
    ]
    return [*MUST_FLAG, *MUST_NOT_FLAG, *extra]


def test_every_reason_the_detector_gives_has_a_translation(detector: Detector) -> None:
    """A new reason label must be added to ``bot/moderation/explain.py`` (and translated)."""
    guild = GuildRules(flag_domains=frozenset({"unknown-shop.example"}))
    labels = set()
    for facts in _facts():
        for rules in (GuildRules(), guild):
            verdict = detector.check(facts, rules, explain=True)
            labels |= {reason.label for reason in verdict.reasons}
    assert len(labels) > 20  # the cases reach most of the detector's reasons
    assert sorted(label for label in labels if not is_known(label)) == []


def test_reasons_read_in_the_moderators_language() -> None:
    with i18n.using("de"):
        assert reason_label("phone number (quoted)") == "Telefonnummer (zitiert)"
        assert (
            reason_label("herbal or natural remedy sales (in the embed title)")
            == "Verkauf von Kräuter- oder Naturmitteln (im Embed-Titel)"
        )
        assert reason_label("look-alike of discord's site") == "Nachahmung der Seite von discord"
    with i18n.using("es-ES"):
        assert close_detail_text("for 1 hour") == "durante 1 hora"
        assert close_detail_text("the message was already gone") == "el mensaje ya no estaba"
    assert reason_label("a label nobody listed") == "a label nobody listed"
    assert reason_label("phone number (quoted)") == "phone number (quoted)"
