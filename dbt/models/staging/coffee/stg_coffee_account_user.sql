{{ staged(source('coffee_replica', 'account_user')) }}
