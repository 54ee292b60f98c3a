"""Adapters to the upstream platforms (Instagram Graph API, a RapidAPI-style source, Instagram's
web profile endpoint, YouTube Data API v3, an OpenAI-compatible LLM, media CDNs), each parsing
its own wire shape into `reach.scraper.models`, and the fallback chain that tries them in
order."""
