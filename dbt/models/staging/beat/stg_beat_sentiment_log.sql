{{ staged(source('beat_replica', 'sentiment_log')) }}
