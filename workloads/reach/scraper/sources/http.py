"""One HTTP call to an upstream, with its failures turned into `SourceError`s, and its JSON read
into our models (`Wire`: an upstream's names for our fields); shared by every adapter,
and `CredentialedSource` is the base of those whose upstream wants a credential. The shared
client sets the timeout (`scraper_http_timeout_seconds`) and pools connections per upstream
host."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from reach.scraper import metrics
from reach.scraper.credentials import Credential, CredentialStore
from reach.scraper.sources.errors import (
    AuthFailed,
    Malformed,
    NoCredential,
    NotFound,
    QuotaExceeded,
    Refused,
    SourceError,
    Unavailable,
)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
_ABSENT = object()
# Classifies a non-2xx answer (status, decoded body or None) into the error to raise, or None
# to fall back to the status-based default.
Classify = Callable[[str, int, Any], SourceError | None]


def create_client(timeout_s: float, *, max_connections: int = 100) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_s),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=50),
        headers={"user-agent": "reach-scraper"},
    )


def by_status(source: str, status: int, body: Any) -> SourceError:
    detail = f"HTTP {status}: {str(body)[:300]}"
    if status == 429:
        return QuotaExceeded(source, detail)
    if status in (401, 403):
        return AuthFailed(source, detail)
    if status == 404:
        return NotFound(source, detail)
    if status >= 500:
        return Unavailable(source, detail)
    return Refused(source, detail)


def parse(source: str, model: type[M], body: Any) -> M:
    """`body` as `model`, or Malformed: a 200 in the wrong shape is the upstream's fault."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise Malformed(source, f"unexpected shape: {exc.errors()[:3]}") from None


def pick(body: Any, path: str, default: Any = None) -> Any:
    """The value at a dotted key path of a JSON object, or `default` where a step is missing
    (a null object on the way included)."""
    value = body
    for key in path.split("."):
        # Decoded JSON objects are dicts; the exact check is the fast one, and this runs for
        # every field of every item scraped.
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return value


class Wire(Generic[M]):
    """Our `model` as an upstream writes it: the upstream's names for our fields (ours -> a
    dotted key path into its JSON object, `snippet.title`); a field it does not rename is read
    under its own name."""

    def __init__(self, model: type[M], renamed: Mapping[str, str]) -> None:
        self.model = model
        self.paths = {field: renamed.get(field, field) for field in model.model_fields}

    def read(self, source: str, body: Any, **known: Any) -> M:
        """`body` as our model: each field from its path, unless the adapter passes it in
        `known` (a value it computed); a field the body lacks takes the model's default.
        Malformed when that is not a valid model."""
        if not isinstance(body, dict):
            raise Malformed(source, f"not an object: {str(body)[:200]}")
        values = dict(known)
        for field, path in self.paths.items():
            if field not in known and (value := pick(body, path, _ABSENT)) is not _ABSENT:
                values[field] = value
        return parse(source, self.model, values)


async def request_json(
    client: httpx.AsyncClient,
    source: str,
    method: str,
    url: str,
    *,
    params: Mapping[str, str | int | list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
    json: Any = None,
    classify: Classify | None = None,
    headers_into: MutableMapping[str, str] | None = None,
) -> Any:
    """The decoded JSON body of a 2xx answer (its headers copied into `headers_into`, for the
    upstreams that page by a header); any other outcome raises a SourceError."""
    try:
        response = await client.request(method, url, params=params, headers=headers, json=json)
    except httpx.TimeoutException as exc:
        metrics.UPSTREAM_CALLS.labels(source, "timeout").inc()
        raise Unavailable(source, f"timeout: {type(exc).__name__}") from None
    except httpx.TransportError as exc:
        metrics.UPSTREAM_CALLS.labels(source, "unreachable").inc()
        raise Unavailable(source, f"{type(exc).__name__}: {exc}") from None
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if not response.is_success:
        error = (classify and classify(source, response.status_code, body)) or by_status(
            source, response.status_code, body if body is not None else response.text
        )
        metrics.UPSTREAM_CALLS.labels(source, error.kind).inc()
        raise error
    if body is None:
        metrics.UPSTREAM_CALLS.labels(source, Malformed.kind).inc()
        raise Malformed(source, f"not JSON: {response.text[:200]!r}")
    metrics.UPSTREAM_CALLS.labels(source, "ok").inc()
    if headers_into is not None:
        headers_into.update(response.headers)
    return body


class CredentialedSource:
    """An adapter of an upstream that wants a credential: its client and base URL, calls
    classified by its own error shape (`classify`, None for the status-based default), and each
    call made with the next credential of the rotation."""

    name: str

    def __init__(
        self, client: httpx.AsyncClient, base_url: str, credentials: CredentialStore
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials

    @staticmethod
    def classify(source: str, status: int, body: Any) -> SourceError | None:
        return None

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int | list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        headers_into: MutableMapping[str, str] | None = None,
    ) -> Any:
        """The JSON body of `path` below the base URL (see `request_json`)."""
        return await request_json(
            self.client,
            self.name,
            method,
            f"{self.base_url}{path}",
            params=params,
            headers=headers,
            json=json,
            classify=self.classify,
            headers_into=headers_into,
        )

    async def with_credential(
        self, call: Callable[[Credential], Awaitable[T]], name: str | None = None
    ) -> T:
        """`call` made with the next credential (the one named `name` when given), which rests
        when the upstream refused it."""
        credential = await self.credentials.take(self.name, name)
        if credential is None:
            which = f" named {name!r}" if name else ""
            raise NoCredential(self.name, f"no enabled credential{which} that is not resting")
        try:
            return await call(credential)
        except QuotaExceeded as exc:
            # Quota and auth refusals are about the credential: it rests so the next call
            # rotates.
            await self.credentials.rest_after_quota(credential, str(exc))
            raise
        except AuthFailed as exc:
            await self.credentials.rest_after_auth(credential, str(exc))
            raise
