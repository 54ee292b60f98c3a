"""What the RapidAPI-style Instagram sources share (`rapidapi.py` and the providers after it in
the Instagram chain: `rocketapi.py`, `looter.py`, `instagram28.py`, `bulkprofile.py`,
`igstats.py`): the RapidAPI key and host headers on every call, the credential rotation, the
credential check, and the cursor of a listing that a provider pages by account id while we
name accounts by handle.

A credential is `{"key": ...}`, sent as X-RapidAPI-Key with the provider's X-RapidAPI-Host.
RapidAPI itself answers 429 past the plan's rate and 403 when the key is not subscribed to the
provider, whatever the provider; the providers' own answers differ, and each module reads its.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from reach.scraper.credentials import CredentialStore
from reach.scraper.models import Page
from reach.scraper.sources import instagram_web
from reach.scraper.sources.capabilities import Profiled
from reach.scraper.sources.errors import NotFound
from reach.scraper.sources.http import CredentialedSource

# A call's parameters: the query of a GET, the JSON body of a POST.
Params = Mapping[str, str | int | list[str]]
# Between the account id and the provider's own cursor in a listing's cursor.
_SEPARATOR = "|"
T = TypeVar("T")
# Reads a provider's page of an account's listing (given the account's id) into its items and
# the provider's own cursor of the next page (None at the end).
ReadPage = Callable[[str, Any], tuple[list[T], str | None]]


@dataclass(frozen=True)
class AccountListing:
    """How a provider pages a listing of an account's (its posts, its followers): at `path`,
    the account's id under `id_param`, `size` at a time under `size_param`, the provider's
    cursor of the next page under `cursor_param`."""

    path: str
    cursor_param: str = "max_id"
    id_param: str = "id"
    size_param: str = "count"
    size: int = 12


@dataclass(frozen=True)
class ProfileCall:
    """How a provider is asked for an account's profile: at `path`, the account under `param`
    (written as `template` makes it), with the `fixed` parameters besides."""

    path: str
    param: str
    fixed: Params = field(default_factory=dict)
    template: str = "{}"

    def of(self, handle: str) -> tuple[str, Params]:
        return self.path, {self.param: self.template.format(handle), **self.fixed}


class RapidApiSource(CredentialedSource, ABC):
    """A provider behind RapidAPI, which every one of them serves profiles from. `host` is its
    X-RapidAPI-Host, `method` how it takes its parameters (GET: the query; POST: a JSON body),
    `profile` how it is asked for a profile, which checking a credential asks too (of a
    well-known account)."""

    host: str
    method = "GET"
    profile: ProfileCall

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        credentials: CredentialStore,
        host: str | None = None,
    ) -> None:
        super().__init__(client, base_url, credentials)
        if host is not None:
            self.host = host

    async def call(self, key: str, path: str, params: Params) -> Any:
        headers = {"x-rapidapi-key": key, "x-rapidapi-host": self.host}
        if self.method == "POST":
            return await self.request("POST", path, json=dict(params), headers=headers)
        return await self.request("GET", path, params=params, headers=headers)

    async def get(self, path: str, params: Params) -> Any:
        """The provider's answer to `path`, made with the next credential."""
        return await self.with_credential(lambda c: self.call(c.secret("key"), path, params))

    async def instagram_profile(self, handle: str) -> Profiled:
        return self.read_profile(await self.get(*self.profile.of(handle)), handle)

    @abstractmethod
    def read_profile(self, answer: Any, handle: str) -> Profiled:
        """The provider's profile answer as our profile and the latest posts it lists (none
        when it lists none); NotFound (`unknown`) when it says there is no such account."""

    def unknown(self, handle: str) -> NotFound:
        return NotFound(self.name, f"no account {handle!r}")

    def web_user(self, user: dict[str, Any] | None, handle: str) -> Profiled:
        """The web app's user object the provider relays, None where it says the account is
        unknown."""
        if user is None:
            raise self.unknown(handle)
        return instagram_web.read_user(user, self.name)

    async def account_page(
        self, listing: AccountListing, handle: str, cursor: str | None, read: ReadPage[T]
    ) -> Page[T]:
        """The page of `listing` that `cursor` points at (the first one when None, the
        account's id then found from its profile), as `read` reads it, with the cursor of the
        next."""
        account_id, token = from_cursor(cursor)
        if account_id is None:
            profile, _ = await self.instagram_profile(handle)
            account_id = profile.profile_id
        params: dict[str, str | int] = {
            listing.id_param: account_id,
            listing.size_param: listing.size,
        }
        if token:
            params[listing.cursor_param] = token
        items, token = read(account_id, await self.get(listing.path, params))
        return Page[T](items=items, next_cursor=account_cursor(account_id, token))

    async def check_credential(self, secrets: dict[str, Any]) -> None:
        # Any answer but a refusal of the key will do; an unknown account is such an answer.
        try:
            await self.call(str(secrets.get("key", "")), *self.profile.of("instagram"))
        except NotFound:
            return


def account_cursor(account_id: str, token: str | None) -> str | None:
    """The cursor of the next page of an account's listing (None: the last page was read),
    carrying the account id the handle resolved to, so later pages skip resolving it."""
    return f"{account_id}{_SEPARATOR}{token}" if token else None


def from_cursor(cursor: str | None) -> tuple[str | None, str | None]:
    """The account id and the provider's cursor that `account_cursor` put in `cursor`."""
    if not cursor or _SEPARATOR not in cursor:
        return None, None
    account_id, token = cursor.split(_SEPARATOR, 1)
    return account_id, token
