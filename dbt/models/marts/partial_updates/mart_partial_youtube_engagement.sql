{{ partial_update('youtube', 'engagement') }}
