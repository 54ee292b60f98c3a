{{ staged(source('beat_replica', 'sentiment_report')) }}
