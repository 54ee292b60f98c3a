{{ staged(source('beat_replica', 'credential')) }}
