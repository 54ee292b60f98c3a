"""Media downloads from the platforms' CDNs (`cdn`) for the asset upload flow: streamed, with a
size cap, so one huge or endless file cannot fill a worker's memory."""

from __future__ import annotations

import httpx

from reach.scraper import metrics
from reach.scraper.sources.errors import Refused, SourceError, Unavailable
from reach.scraper.sources.http import by_status

NAME = "cdn"


class Cdn:
    name = NAME

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def download(self, url: str, max_bytes: int) -> tuple[bytes, str]:
        try:
            async with self.client.stream("GET", url, follow_redirects=True) as response:
                if not response.is_success:
                    await response.aread()
                    raise by_status(NAME, response.status_code, response.text[:200])
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise Refused(NAME, f"larger than {max_bytes} bytes: {url}")
                    chunks.append(chunk)
                content_type = response.headers.get("content-type", "application/octet-stream")
        except httpx.TimeoutException:
            metrics.UPSTREAM_CALLS.labels(NAME, "timeout").inc()
            raise Unavailable(NAME, f"timeout: {url}") from None
        except httpx.TransportError as exc:
            metrics.UPSTREAM_CALLS.labels(NAME, "unreachable").inc()
            raise Unavailable(NAME, f"{type(exc).__name__}: {exc}") from None
        except SourceError as exc:
            metrics.UPSTREAM_CALLS.labels(NAME, exc.kind).inc()
            raise
        metrics.UPSTREAM_CALLS.labels(NAME, "ok").inc()
        return b"".join(chunks), content_type.split(";")[0].strip()
