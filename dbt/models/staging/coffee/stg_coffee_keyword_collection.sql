{{ staged(source('coffee_replica', 'keyword_collection')) }}
