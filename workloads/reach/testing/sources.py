"""Test stand-ins around the scraper's source adapters; the adapters' tests use them."""

from __future__ import annotations

from reach.scraper.credentials import Credential


class OneCredential:
    """A CredentialStore stand-in: always the same credential, records rests."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.credential = Credential(1, "s", "n", secrets)
        self.rested: list[str] = []

    async def take(self, source: str, name: str | None = None) -> Credential | None:
        return self.credential

    async def rest_after_quota(self, credential: Credential, reason: str) -> None:
        self.rested.append(f"quota: {reason}")

    async def rest_after_auth(self, credential: Credential, reason: str) -> None:
        self.rested.append(f"auth: {reason}")
