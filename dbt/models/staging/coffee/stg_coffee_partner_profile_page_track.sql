{{ staged(source('coffee_replica', 'partner_profile_page_track')) }}
