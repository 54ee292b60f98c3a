{{ staged(source('beat_replica', 'scrape_request_log')) }}
