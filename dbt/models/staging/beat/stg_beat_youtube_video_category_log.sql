{{ staged(source('beat_events', 'youtube_video_category_log'), final=true) }}
