{{ partial_update('instagram', 'engagement') }}
