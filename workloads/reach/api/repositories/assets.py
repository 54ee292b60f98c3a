"""Which image URL the API serves: the stored copy once the scraper's asset flow has copied
the current platform image (`asset_log`, served from the asset CDN), else the platform's own URL,
which expires. The seed rewrote these URLs; reading through `asset_log` keeps the platform URL
in the account and post rows, which is what tells the asset enqueuer a picture changed."""

from __future__ import annotations


def served_url(platform: str, entity_type: str, entity_id: str, asset_type: str, url: str) -> str:
    """SQL for the URL to serve; `entity_id` and `url` are column expressions of the row."""
    return (
        "COALESCE((SELECT s.cdn_url FROM asset_log s"
        f" WHERE s.platform = '{platform}' AND s.entity_type = '{entity_type}'"
        f" AND s.entity_id = {entity_id} AND s.asset_type = '{asset_type}'"
        f" AND s.source_url = {url}), {url})"
    )
