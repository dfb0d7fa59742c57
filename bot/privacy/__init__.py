"""One place where every feature registers the member data it keeps (for /mydata)."""

from bot.privacy.registry import PrivacyRegistry, PrivacySection

__all__ = ["PrivacyRegistry", "PrivacySection"]
