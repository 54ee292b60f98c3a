{{ staged(source('beat_events', 'youtube_playlist_log'), final=true) }}
