"""Asset upload (`upload_asset`, the seed's `asset_upload_flow`): download a profile picture or post
image from the platform CDN, keep it in object storage, record it in asset_log and publish an
asset_log event. Platform CDN links expire; the stored copy does not."""

# Capabilities are Protocols handed to the chain as tokens it checks with isinstance, never
# instantiates; mypy's type-abstract check is about instantiation.
# mypy: disable-error-code="type-abstract"

from __future__ import annotations

import hashlib

from reach.scraper import processing
from reach.scraper.contract import AssetParams, FlowName
from reach.scraper.flows.base import FlowContext, flow
from reach.scraper.queue.models import Complete
from reach.scraper.ratelimiting import RateLimit
from reach.scraper.sources.capabilities import Media


def cdn_url(base: str | None, key: str) -> str | None:
    return f"{base.rstrip('/')}/{key}" if base else None


@flow(FlowName.UPLOAD_ASSET, sources=("cdn",), rate_limits=(RateLimit(50, "second"),))
async def upload_asset(ctx: FlowContext, p: AssetParams) -> Complete:
    """Copy a profile picture or post image from the platform CDN to object storage."""
    max_bytes = ctx.settings.asset_max_bytes
    answer = await ctx.chain.first(Media, lambda s: s.download(p.url, max_bytes))
    data, content_type = answer.value
    sha256 = hashlib.sha256(data).hexdigest()
    key = processing.asset_key(p, sha256, content_type)
    storage_url = await ctx.store.put(key, data, content_type)
    cdn = cdn_url(ctx.settings.asset_cdn_url, key)
    asset = processing.StoredAsset(p, storage_url, cdn, content_type, len(data), sha256)
    await ctx.publish(await processing.save_asset(ctx.pool, ctx.task_id, asset))
    return Complete(source=answer.source, result={"key": key, "bytes": len(data)})
