"""One HTTP call to an upstream, with its failures turned into `SourceError`s; shared by every
adapter. The shared client sets the timeout (`scraper_http_timeout_seconds`) and pools
connections per upstream host."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

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


async def request_json(
    client: httpx.AsyncClient,
    source: str,
    method: str,
    url: str,
    *,
    params: Mapping[str, str | int] | None = None,
    headers: Mapping[str, str] | None = None,
    json: Any = None,
    classify: Classify | None = None,
) -> Any:
    """The decoded JSON body of a 2xx answer; any other outcome raises a SourceError."""
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
    return body


async def take_credential(store: CredentialStore, source: str) -> Credential:
    credential = await store.take(source)
    if credential is None:
        raise NoCredential(source, "no enabled credential that is not resting")
    return credential


async def rest_on_refusal(store: CredentialStore, credential: Credential, exc: SourceError) -> None:
    """Quota and auth refusals are about the credential: it rests so the next call rotates."""
    if isinstance(exc, QuotaExceeded):
        await store.rest_after_quota(credential, str(exc))
    elif isinstance(exc, AuthFailed):
        await store.rest_after_auth(credential, str(exc))
