{{ staged(source('coffee_replica', 'activity_tracker')) }}
