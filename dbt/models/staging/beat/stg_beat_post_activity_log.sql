{{ staged(source('beat_events', 'post_activity_log'), final=true) }}
