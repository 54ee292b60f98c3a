{{ staged(source('coffee_replica', 'account')) }}
