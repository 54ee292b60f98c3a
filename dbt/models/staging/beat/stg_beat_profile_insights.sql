{{ staged(source('beat_replica', 'profile_insights')) }}
