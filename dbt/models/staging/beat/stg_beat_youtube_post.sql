{{ staged(source('beat_replica', 'youtube_post')) }}
