{{ staged(source('beat_events', 'order_log'), final=true) }}
