{{ staged(source('beat_replica', 'asset_log')) }}
