{{ partial_update('instagram', 'audience') }}
