{{ staged(source('coffee_replica', 'partner_usage')) }}
