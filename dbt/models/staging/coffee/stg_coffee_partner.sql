{{ staged(source('coffee_replica', 'partner')) }}
