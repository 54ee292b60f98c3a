"""The scraper: a PostgreSQL task queue, Instagram and YouTube flows over fallback sources with
stacked Redis rate limits, asset upload and LLM enrichment, publishing its logs to `beat.dx`."""
