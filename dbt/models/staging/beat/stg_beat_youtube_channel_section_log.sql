{{ staged(source('beat_events', 'youtube_channel_section_log'), final=true) }}
