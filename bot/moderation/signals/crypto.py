"""Crypto scams: wallet addresses, airdrops, "recovery experts" and investment pitches."""

from __future__ import annotations

import re

from bot.moderation.signals.base import Reason, ScanContext, Signal, phrase_reasons

# Bitcoin (legacy and bech32), Ethereum-style and Tron addresses. Bounded lengths, one pass;
# they are read from the cased text because base58 is case-sensitive.
_WALLET = re.compile(
    r"(?<![A-Za-z0-9])(?:bc1[a-z0-9]{25,59}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[a-fA-F0-9]{40}"
    r"|T[1-9A-HJ-NP-Za-km-z]{33})(?![A-Za-z0-9])"
)


_DIGIT = re.compile(r"[0-9]")


def find_wallets(cased: str) -> list[str]:
    found = []
    for match in _WALLET.finditer(cased):
        address = match[0]
        # A real address mixes digits and letters; "1111111111111111111111111" does not.
        if any(c.isdigit() for c in address[2:]) and any(c.isalpha() for c in address[2:]):
            found.append(address)
    return found[:3]


class CryptoSignal(Signal):
    name = "crypto"

    def reasons(self, ctx: ScanContext) -> list[Reason]:
        reasons = (
            phrase_reasons(ctx, "crypto", self.name, "crypto, airdrop or recovery pitch")
            if ctx.hits("crypto")
            else []
        )
        cased = ctx.norm.cased
        if len(cased) >= 26 and _DIGIT.search(cased):
            for wallet in find_wallets(cased)[:1]:
                reasons.append(
                    Reason(
                        self.name,
                        "crypto wallet address",
                        self.rules.weight("crypto", "wallet"),
                        wallet,
                        "crypto.wallet",
                    )
                )
        return reasons
