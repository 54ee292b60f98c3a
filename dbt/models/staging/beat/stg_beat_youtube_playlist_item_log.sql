{{ staged(source('beat_events', 'youtube_playlist_item_log'), final=true) }}
