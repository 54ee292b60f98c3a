{{ staged(source('coffee_replica', 'collection_group')) }}
