"""Where the sandbox serves each upstream the scraper calls, by the scraper setting that holds
its base URL, and the credentials the sandbox accepts: what standalone mode, `reach sandbox
serve`, the benches and the tests point a scraper at, declared once. Standard library and the
scraper's contract only, so the standalone supervisor reads it without loading the sandbox's
web app."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from reach.scraper.contract import RAPIDAPI_PROVIDERS

# The token every sandbox upstream accepts unless told otherwise.
DEFAULT_TOKEN = "sandbox-token"
# The Shopify Admin API version the sandbox serves (in its path, as Shopify's).
SHOPIFY_VERSION = "2024-01"
# The RapidAPI-style providers after the first, by source name: the upstream name the sandbox
# serves each under (/rapidapi/<upstream>) and switches its faults by.
PROVIDER_UPSTREAMS: Mapping[str, str] = MappingProxyType(
    {
        "rocketapi-instagram": "rocketapi",
        "instagram-looter": "looter",
        "instagram28": "instagram28",
        "instagram-bulk-profile": "bulkprofile",
        "instagram-statistics": "igstats",
    }
)
# A credential the sandbox accepts, one per source that takes one.
SANDBOX_CREDENTIALS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "graphapi": {"access_token": DEFAULT_TOKEN, "user_id": "17841499999999999"},
        **{
            source: {"key": DEFAULT_TOKEN} for source in ("rapidapi-instagram", *RAPIDAPI_PROVIDERS)
        },
        "youtube": {"key": DEFAULT_TOKEN},
        "openai": {"api_key": DEFAULT_TOKEN},
    }
)


def scraper_urls(base_url: str) -> dict[str, str]:
    """The scraper settings (field names) that point every adapter at a sandbox at
    `base_url`."""
    return {
        "instagram_graph_url": f"{base_url}/graph/v15.0",
        "rapidapi_instagram_url": f"{base_url}/rapidapi/instagram",
        **{
            RAPIDAPI_PROVIDERS[source]: f"{base_url}/rapidapi/{upstream}"
            for source, upstream in PROVIDER_UPSTREAMS.items()
        },
        "instagram_web_url": f"{base_url}/instagram-web",
        "youtube_api_url": f"{base_url}/youtube/v3",
        "invidious_url": f"{base_url}/invidious",
        "llm_url": f"{base_url}/openai/v1",
        "shopify_admin_url": f"{base_url}/shopify/{{shop}}/admin/api/{SHOPIFY_VERSION}",
    }


def scraper_environment(base_url: str) -> dict[str, str]:
    """`scraper_urls` as the environment variables the scraper reads them from."""
    return {f"REACH_{name.upper()}": url for name, url in scraper_urls(base_url).items()}
