{{ staged(source('coffee_replica', 'post_collection_item')) }}
