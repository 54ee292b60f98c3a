{{ partial_update('instagram', 'followers') }}
